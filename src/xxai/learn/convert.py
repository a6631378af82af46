"""Convert Chinese text between simplified and traditional script with OpenCC.

Regional phrasing follows OpenCC's phrase tables: Taiwan (软件 -> 軟體, 出租车 -> 計程車) and
Hong Kong (鼠标 -> 滑鼠); ``none`` converts characters only (OpenCC's standard traditional).
Translations into zh-Hant use the Taiwan variant, the same as ``convert --to zh-Hant``.
"""

from __future__ import annotations

from xxai.errors import InputError
from xxai.languages import normalize_lang
from xxai.text import script

__all__ = ["CONFIGS", "REGIONS", "convert", "opencc_config"]

REGIONS = ("tw", "hk", "none")

#: (target script, region) -> OpenCC configuration.
CONFIGS: dict[tuple[str, str], str] = {
    ("zh-Hant", "tw"): "s2twp",
    ("zh-Hant", "hk"): "s2hkp",
    ("zh-Hant", "none"): "s2t",
    ("zh", "tw"): "tw2sp",
    ("zh", "hk"): "hk2sp",
    ("zh", "none"): "t2s",
}


def opencc_config(target: str, region: str = "tw") -> str:
    """Return the OpenCC configuration for a target script (zh-Hant or zh-Hans) and region."""
    script = normalize_lang(target)
    if script not in {"zh", "zh-Hant"}:
        raise InputError(
            f"convert works between Chinese scripts: use zh-Hant or zh-Hans, not {target!r}"
        )
    if region not in REGIONS:
        raise InputError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
    return CONFIGS[(script, region)]


def convert(text: str, target: str, region: str = "tw") -> str:
    """Convert ``text`` to ``target`` script (zh-Hant or zh-Hans) with regional phrasing."""
    return script.convert(text, opencc_config(target, region))
