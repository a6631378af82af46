from __future__ import annotations

from decimal import Decimal

import pytest

from xxai.text.amounts import (
    chinese,
    discount,
    find,
    find_discounts,
    find_western,
    localised,
    render,
)


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("这个有 240 万人口的地区", "240 万", 2_400_000),
        ("我一个月四万也不够花", "四万", 40_000),
        ("租借费500万欧元", "500万", 5_000_000),
        ("市值3.5亿", "3.5亿", 350_000_000),
        ("罚款1,200万元", "1,200万", 12_000_000),
        ("两千万人口", "两千万", 20_000_000),
        ("罚款十万元", "十万", 100_000),
        ("售價279萬", "279萬", 2_790_000),  # traditional script
        ("兩萬人", "兩萬", 20_000),
        ("預算3億", "3億", 300_000_000),
    ],
)
def test_large_chinese_numbers_are_read_with_their_value(
    text: str, written: str, value: int
) -> None:
    (amount,) = find(text)
    assert (amount.text, amount.value) == (written, value)
    assert text[amount.start : amount.end] == written


@pytest.mark.parametrize(
    "text",
    [
        "千万别去那家店",  # the adverb "by all means", not ten million
        "十万火急",  # an idiom: "extremely urgent"
        "百万富翁",  # "millionaire"
        "几万块钱",  # "tens of thousands": an estimate
        "20多万",  # "200,000 and more"
        "四五十万",  # a range
        "一万五",  # 15,000 with the last digit implied
        "万一下雨呢",  # "in case", no number at all
    ],
)
def test_estimates_ranges_and_words_are_left_to_the_model(text: str) -> None:
    assert find(text) == []


def test_values_are_written_as_an_english_or_german_reader_expects() -> None:
    assert render(2_400_000, "en") == "2.4 million"
    assert render(2_400_000, "de") == "2,4 Millionen"
    assert render(1_000_000, "de") == "1 Million"
    assert render(350_000_000, "en") == "350 million"
    assert render(3_000_000_000, "de") == "3 Milliarden"
    assert render(40_000, "en") == "40,000"
    assert render(40_000, "de") == "40.000"
    assert render(40_000, "zh") is None  # Chinese keeps its own way


@pytest.mark.parametrize(
    ("number", "source", "target", "written"),
    [
        ("2.8", "en", "de", "2,8"),
        ("76,000", "zh", "de", "76.000"),
        ("$1,250.50", "en", "de", "$1.250,50"),
        ("7.55%", "zh", "de", "7,55%"),
        ("2,8", "de", "en", "2.8"),
        ("1.250,50 €", "de", "zh", "1,250.50 €"),
        # Same convention on both sides, or nothing to convert.
        ("2.8", "en", "zh", "2.8"),
        ("2,8", "de", "de", "2,8"),
        ("2024", "en", "de", "2024"),
        # Not one number: a time, a date, a version, a list.
        ("9:00", "en", "de", "9:00"),
        ("2024-05-08", "en", "de", "2024-05-08"),
        ("3.14.2", "en", "de", "3.14.2"),
        ("1,2,3", "en", "de", "1,2,3"),
        # Neither way a grouped thousand: left as it is.
        ("12,5", "en", "de", "12,5"),
    ],
)
def test_numbers_get_the_targets_separators(
    number: str, source: str, target: str, written: str
) -> None:
    assert localised(number, source, target) == written


def test_english_amounts_are_written_as_chinese_counts_them() -> None:
    text = "Paid 2.79 million, sold for 80,000; 5,000 fans, version 1,2,3, $1.5 billion"
    found = [(a.text, chinese(a.value)) for a in find_western(text)]
    assert found == [("2.79 million", "279万"), ("80,000", "8万"), ("1.5 billion", "15亿")]
    assert chinese(1_234_567) is None and chinese(12_500) == "1.25万"
    assert chinese(2_500_000_000_000) == "2.5万亿" and chinese(9_999) is None


@pytest.mark.parametrize(
    ("text", "written", "off"),
    [
        ("全场75折", "75折", "25"),  # the model read it as "75% off"
        ("这件打8折，只要80元", "打8折", "20"),
        ("九五折优惠", "九五折", "5"),
        ("會員7.5折", "7.5折", "25"),
        ("低至3折起", "3折", "70"),
        ("打 8 折", "打 8 折", "20"),
    ],
)
def test_discounts_are_read_as_the_share_off(text: str, written: str, off: str) -> None:
    (found,) = find_discounts(text)
    assert (text[found.start : found.end], found.off) == (written, Decimal(off))


@pytest.mark.parametrize("text", ["骨折了", "折扣很大", "三折叠伞", "七折八扣", "百折不挠", "10折"])
def test_other_senses_of_zhe_are_no_discount(text: str) -> None:
    assert find_discounts(text) == []


def test_discounts_are_written_as_a_reader_expects() -> None:
    assert discount(Decimal("25.0"), "en") == "25% off"
    assert discount(Decimal("12.5"), "de") == "12,5 % Rabatt"
    assert discount(Decimal("20"), "ja") is None
