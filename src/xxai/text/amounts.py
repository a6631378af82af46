"""Large Chinese numbers (counted in 万 and 亿) and how a Western reader writes them.

Chinese counts large numbers in ten-thousands (万) and hundred-millions (亿), and a small
model misreads them: 240万人口 came back as "240 million people", 500万欧 as "500 million
euros", and 四万 was dropped from a sentence. :func:`find` reads each such number's value
(with cn2an), :func:`render` writes it for English or German ("2.4 million", "2,4
Millionen", "40,000"); the pipeline writes that into the text the model reads, since a
glossary line saying 240万 = 2.4 million is ignored.

Approximate and spoken forms are left to the model: 几万 ("tens of thousands"), 20多万
(200,000 and more), ranges (四五十万), 一万五 (15,000, the last digit implied) and
千万 on its own, which is as often the adverb "by all means" as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xxai.languages import base_lang

__all__ = [
    "Amount",
    "Discount",
    "chinese",
    "discount",
    "find",
    "find_discounts",
    "find_western",
    "localised",
    "localised_in",
    "render",
]

_CN = "〇零一二两兩三四五六七八九十百千"
# A number scaled by 万, 亿 or 万亿 (traditional 萬, 億): Arabic digits (with an optional
# decimal part and thousands separators, and the space news text puts before 万), or
# Chinese numerals. Neither a numeral nor 几/多 may touch it on either side: those are
# ranges and estimates.
_AMOUNT = re.compile(
    rf"(?<![\d.,{_CN}万亿萬億几幾多])"
    rf"(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN}]+)"
    rf"(?P<space>[ \u2009\u202f]?)(?P<scale>万亿|萬億|万|萬|亿|億)"
    rf"(?![{_CN}万亿萬億几幾多])"
)
_SCALES = {"万": 10**4, "亿": 10**8, "万亿": 10**12, "萬": 10**4, "億": 10**8, "萬億": 10**12}
# An English amount a small model misreads into Chinese (2.79 million came back 2.79亿,
# 80,000 as 80万): a number with "million", "billion" or "trillion", or one of 10,000 and
# more grouped with commas. Not inside a longer number, a version or a list.
_WESTERN = re.compile(
    r"(?<![\d.,])(?:(?P<count>\d+(?:\.\d+)?)\s?(?P<word>million|billion|trillion)\b"
    r"|(?P<grouped>\d{2,3}(?:,\d{3})+|\d(?:,\d{3}){2,})(?![\d]|[.,]\d))",
    re.IGNORECASE,
)
_WORD_SCALES = {"million": 10**6, "billion": 10**9, "trillion": 10**12}
# Chinese numerals on their own that are words, not amounts (千万 "by all means", 百万
# in 百万富翁 is a "millionaire", not a count).
_WORDS = frozenset({"千", "万", "百"})
# Idioms that start with an amount: 十万火急 is "extremely urgent".
_IDIOM_AFTER = ("火急",)
# A discount as Chinese writes it, the share still paid in tenths: 8折 (pay 80%, "20% off"),
# 75折 and 7.5折 ("25% off"), 九五折 ("5% off"), with the verb 打 ("give") taken along. Not
# 折 in another word (折扣 discount, 折叠 fold, 骨折 fracture: no numeral before it), nor
# an idiom (七折八扣, 百折不挠).
_DISCOUNT = re.compile(
    r"(?<![\d.一二两兩三四五六七八九十百千万萬])(?:打\s?)?"
    r"(?P<rate>\d(?:\.\d)?|\d\d|[一二两兩三四五六七八九]{1,2})\s?折"
    r"(?![扣叠疊腾騰磨合旧舊纸紙算返射中服线線痕页頁一二两兩三四五六七八九十])"
)
_DIGITS = dict(zip("一二两兩三四五六七八九", "12223456789", strict=True))


def _style(group: str, point: str) -> re.Pattern[str]:
    """Return the pattern of one number written with ``group`` between its thousands and
    ``point`` before its decimals, with what may stand around it (a currency sign, "%")."""
    g, p = re.escape(group), re.escape(point)
    return re.compile(
        rf"(?P<head>[^\d]*)(?P<int>\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{p}(?P<frac>\d+))?"
        r"(?P<tail>[^\d.,:/-]*)"
    )


# A number as English and Chinese write it ("76,000", "2.8", "$1,250.50"), and as German
# does ("76.000", "2,8"): (pattern, thousands separator, decimal separator).
_POINT_STYLE = (_style(",", "."), ",", ".")
_COMMA_STYLE = (_style(".", ","), ".", ",")
# A number with a separator, standing alone (not part of a date, a version or a list).
_SEPARATED = re.compile(r"(?<![\d.,:/-])\d+(?:[.,]\d+)+(?![\d:/-]|[.,]\d)")
# Languages that write a decimal comma and group thousands with a point.
_COMMA_LANGS = frozenset({"de"})


@dataclass(frozen=True)
class Amount:
    """A large number in Chinese text: where it is, as written, and its value."""

    start: int
    end: int
    text: str
    value: int


def find(text: str) -> list[Amount]:
    """Return the numbers counted in 万 or 亿 in ``text`` whose value is certain."""
    found = []
    for m in _AMOUNT.finditer(text):
        number = m.group("number")
        if number in _WORDS or text.startswith(_IDIOM_AFTER, m.end()):
            continue
        value = _value(number, m.group("scale"))
        if value:
            found.append(Amount(m.start(), m.end(), m.group(0), value))
    return found


def _value(number: str, scale: str) -> int | None:
    if number[0].isdigit():
        try:
            return int(Decimal(number.replace(",", "")) * _SCALES[scale])
        except InvalidOperation:
            return None
    import cn2an  # imported when needed: only Chinese numerals need it

    try:
        # 两 is the spoken 二 (两千万 = 二千万); cn2an reads only the latter.
        value = cn2an.cn2an(number.replace("两", "二").replace("兩", "二"), "strict")
    except (ValueError, KeyError, IndexError):
        return None
    return int(Decimal(str(value)) * _SCALES[scale])


def find_western(text: str) -> list[Amount]:
    """Return the large amounts of English ``text`` a Chinese reader counts in 万 and 亿:
    "2.79 million", "80,000" (10,000 and more)."""
    found = []
    for m in _WESTERN.finditer(text):
        if m.group("count"):
            value = int(Decimal(m.group("count")) * _WORD_SCALES[m.group("word").lower()])
        else:
            value = int(m.group("grouped").replace(",", ""))
        if value >= 10**4:
            found.append(Amount(m.start(), m.end(), m.group(0), value))
    return found


@dataclass(frozen=True)
class Discount:
    """A discount in Chinese text: where it is, as written, and the percentage off."""

    start: int
    end: int
    text: str
    off: Decimal


def find_discounts(text: str) -> list[Discount]:
    """Return the discounts written in tenths paid in ``text``: 8折 is 20% off, 75折 25%
    off (a small model read 75折 as "75% off")."""
    found = []
    for m in _DISCOUNT.finditer(text):
        rate = "".join(_DIGITS.get(ch, ch) for ch in m.group("rate"))
        if "." not in rate and len(rate) == 2:
            if rate.endswith("0"):
                continue  # 10折 is no discount
            rate = f"{rate[0]}.{rate[1]}"  # 75折 is 7.5 tenths
        paid = Decimal(rate)
        if Decimal(1) <= paid < Decimal(10):
            found.append(Discount(m.start(), m.end(), m.group(0), 100 - paid * 10))
    return found


def discount(off: Decimal, target: str) -> str | None:
    """Write a discount the way an English or German reader expects it ("25% off", "25 %
    Rabatt"), or None for other languages."""
    percent = f"{off.normalize():f}"
    lang = base_lang(target)
    if lang == "en":
        return f"{percent}% off"
    if lang == "de":
        return f"{percent.replace('.', ',')} % Rabatt"
    return None


def chinese(value: int) -> str | None:
    """Write ``value`` as Chinese counts it: 2,790,000 is "279万", 80,000 "8万",
    270,000,000 "2.7亿", 1.2 trillion "1.2万亿"; None where that takes more than two
    decimals (1,234,567 reads better as written)."""
    for size, scale in ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")):
        if value >= size:
            count = (Decimal(value) / size).normalize()
            exponent = count.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -2:
                return None
            return f"{count:f}{scale}"
    return None


def render(value: int, target: str) -> str | None:
    """Write ``value`` the way an English or German reader expects it, or None for other
    languages: millions and billions in words ("2.4 million", "3,5 Milliarden"), smaller
    numbers with thousands separators ("40,000", "40.000")."""
    lang = base_lang(target)
    if lang not in {"en", "de"}:
        return None
    for size, en, de_one, de_many in (
        (10**12, "trillion", "Billion", "Billionen"),
        (10**9, "billion", "Milliarde", "Milliarden"),
        (10**6, "million", "Million", "Millionen"),
    ):
        if value >= size:
            count = Decimal(value) / size
            digits = f"{count.normalize():f}"
            if lang == "en":
                return f"{digits} {en}"
            return f"{digits.replace('.', ',')} {de_one if count == 1 else de_many}"
    grouped = f"{value:,}"
    return grouped if lang == "en" else grouped.replace(",", ".")


def localised(number: str, source: str, target: str) -> str:
    """Write a number of ``source`` text with ``target``'s separators: from English or
    Chinese into German "2.8" becomes "2,8" and "76,000" "76.000", and back. Anything else
    (a time, a date, a version, a list such as "1,2,3") is returned as it is."""
    if not _converts(source, target):
        return number
    comma = base_lang(source) in _COMMA_LANGS
    (pattern, group, _point), (_, to_group, to_point) = (
        (_COMMA_STYLE, _POINT_STYLE) if comma else (_POINT_STYLE, _COMMA_STYLE)
    )
    m = pattern.fullmatch(number)
    if not m or (m.group("frac") is None and group not in m.group("int")):
        return number
    whole = m.group("int").replace(group, to_group)
    if m.group("frac") is not None:
        whole += to_point + m.group("frac")
    return f"{m.group('head')}{whole}{m.group('tail')}"


def localised_in(output: str, source_text: str, source: str, target: str) -> str:
    """Give each number the translation copied from ``source_text`` the target's
    separators (English "2.8" in a German translation becomes "2,8"); numbers the model
    wrote itself, and the rest of the text, are left as they are."""
    if not _converts(source, target):
        return output
    changes = {}
    for number in _SEPARATED.findall(source_text):
        written = localised(number, source, target)
        if written != number:
            changes[number] = written
    if not changes:
        return output
    return _SEPARATED.sub(lambda m: changes.get(m.group(0), m.group(0)), output)


def _converts(source: str, target: str) -> bool:
    """Return True when ``source`` and ``target`` write numbers with other separators."""
    return (base_lang(source) in _COMMA_LANGS) != (base_lang(target) in _COMMA_LANGS)
