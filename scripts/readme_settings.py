"""Rewrite the settings table in README.md from the settings registry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- SETTINGS-TABLE -->", "<!-- /SETTINGS-TABLE -->"

table = subprocess.run(
    [sys.executable, "-m", "xxai", "config", "--markdown"],
    check=True,
    capture_output=True,
    text=True,
).stdout.strip()
text = README.read_text(encoding="utf-8")
block = f"{START}\n{table}\n{END}"
if END in text:
    text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
else:
    text = text.replace(START, block)
README.write_text(text, encoding="utf-8")
print(f"updated {README}")
