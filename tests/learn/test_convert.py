"""xxai convert: OpenCC script conversion with Taiwan and Hong Kong phrasing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.errors import InputError
from xxai.learn.convert import convert
from xxai.pipeline import convert_script

POST = "我的软件和鼠标都坏了，只好坐出租车去买新的。"


def test_taiwan_phrasing() -> None:
    assert convert(POST, "zh-Hant", "tw") == "我的軟體和滑鼠都壞了，只好坐計程車去買新的。"


def test_hong_kong_phrasing() -> None:
    converted = convert("我的软件和鼠标", "zh-Hant", "hk")
    assert converted == "我的軟件和滑鼠"


def test_characters_only() -> None:
    assert convert("我的软件和鼠标", "zh-Hant", "none") == "我的軟件和鼠標"


def test_back_to_simplified_undoes_taiwan_phrasing() -> None:
    assert convert("我的軟體和滑鼠，計程車", "zh-Hans", "tw") == "我的软件和鼠标，出租车"
    assert convert("我的軟體和滑鼠", "zh", "none") == "我的软体和滑鼠"


def test_translations_into_zh_hant_use_the_same_conversion() -> None:
    assert convert(POST, "zh-Hant") == convert_script(POST, "zh-Hant")


def test_unknown_targets_and_regions_are_refused() -> None:
    with pytest.raises(InputError, match="zh-Hant or zh-Hans"):
        convert(POST, "en")
    with pytest.raises(InputError, match="unknown region"):
        convert(POST, "zh-Hant", "mo")


def test_cli_convert_from_stdin() -> None:
    result = CliRunner().invoke(cli, ["convert", "--to", "zh-Hant"], input=POST)
    assert result.exit_code == 0
    assert result.output.strip() == "我的軟體和滑鼠都壞了，只好坐計程車去買新的。"


def test_cli_convert_json_names_the_opencc_config() -> None:
    result = CliRunner().invoke(
        cli, ["convert", "软件", "--to", "zh-Hant", "--region", "hk", "--json"]
    )
    data = json.loads(result.output)
    assert data == {
        "text": "软件",
        "converted": "軟件",
        "target": "zh-Hant",
        "region": "hk",
        "opencc": "s2hkp",
    }


def test_cli_convert_error_is_one_clear_line() -> None:
    result = CliRunner().invoke(cli, ["convert", "hello", "--to", "de"])
    assert result.exit_code == 2
    assert "zh-Hant or zh-Hans" in result.output
    assert "Traceback" not in result.output
