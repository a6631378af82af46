from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxai.config import SETTINGS, Settings, load_settings
from xxai.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_precedence_default_file_env_cli(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "config.toml").write_text('threads = 3\nbatch_size = 7\nengine = "openai"\n')
    env = {"XXAI_HOME": str(home), "XXAI_BATCH_SIZE": "9", "XXAI_ENGINE": "openai"}
    settings = load_settings({"engine": "local"}, environ=env)
    assert settings.threads == 3 and settings.sources["threads"].startswith("file ")
    assert settings.batch_size == 9 and settings.sources["batch_size"] == "env XXAI_BATCH_SIZE"
    assert settings.engine == "local" and settings.sources["engine"] == "command line"
    assert settings.max_tokens == SETTINGS["max_tokens"].default
    assert settings.sources["max_tokens"] == "default"


def test_bad_values_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="threads"):
        load_settings({"threads": "many"}, environ={"XXAI_HOME": str(tmp_path)})
    (tmp_path / "config.toml").write_text("nonsense = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(environ={"XXAI_HOME": str(tmp_path)})
    (tmp_path / "config.toml").write_text("threads = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(environ={"XXAI_HOME": str(tmp_path)})


def test_openai_key_falls_back_to_standard_variable(tmp_path: Path) -> None:
    settings = load_settings(environ={"XXAI_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-x"})
    assert settings.openai_api_key == "sk-x"


def test_cache_fingerprint_tracks_output_settings(tmp_path: Path) -> None:
    a = load_settings(environ={"XXAI_HOME": str(tmp_path)})
    b = a.replace(temperature=0.7)
    c = a.replace(threads=1)
    assert a.output_fingerprint("local") != b.output_fingerprint("local")
    assert a.output_fingerprint("local") == c.output_fingerprint("local")


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [s.env_var for s in SETTINGS.values() if not re.search(rf"`{s.env_var}`", readme)]
    assert not missing, f"settings missing from README: {missing}"


def test_every_setting_is_a_typed_attribute() -> None:
    # The type checker reads the annotations; they must say what the registry parses to.
    declared = dict(Settings.__annotations__)
    registry = {s.name: s.type.__name__ for s in SETTINGS.values() if s.name != "home"}
    assert declared == registry
    settings = load_settings({"threads": "3", "cache": "false"}, environ={})
    assert settings.threads == 3 and settings.cache is False
    assert isinstance(settings.home, Path)


def test_a_setting_with_choices_refuses_other_values() -> None:
    assert load_settings(environ={"XXAI_SLANG_MODE": "target"}).slang_mode == "target"
    with pytest.raises(ConfigError, match=r"slang_mode.*not one of hint, plain"):
        load_settings(environ={"XXAI_SLANG_MODE": "loud"})


def test_slang_mode_choices_are_the_pipelines_modes() -> None:
    # config.py sits below the pipeline and cannot import it: the two lists must agree.
    from xxai.pipeline import SLANG_MODES

    assert SETTINGS["slang_mode"].choices == SLANG_MODES
    assert SETTINGS["slang_mode"].default in SLANG_MODES
