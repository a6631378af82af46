"""Split a post into translatable units that keep its structure.

A post becomes a sequence of pieces: units to translate, and the exact text between them
(line breaks, blank lines, indentation) which is kept as it is. Joining the pieces back,
with units replaced by their translations, gives the same number of lines as the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxai.text.protect import MENTION

__all__ = ["Piece", "join_pieces", "split_units", "starts_sentence"]

# Sentence ends: CJK enders (no space needed after) or Latin enders followed by a space.
_SENTENCE_END = re.compile(r"(?<=[。！？!?…；;])(?=[^。！？!?…；;」』”’)）\s])|(?<=[.!?])\s+")


# A [[n]] placeholder (xxai.text.protect) ending the text before a word.
_PLACEHOLDER_END = re.compile(r"\[\[\d{1,4}\]\]\Z")


def starts_sentence(text: str, at: int, marks: str, placeholder: bool = False) -> bool:
    """Return True when the word at ``text[at]`` starts a sentence.

    It does when only spaces come before it, when the spaces before it hold a line break,
    or when what comes before them ends with one of ``marks`` or, with ``placeholder``, a
    ``[[n]]`` placeholder (an emoji or a link ends a sentence as often as not). Looks back
    from ``at`` only: no copy of the text before it.
    """
    i = at
    while i > 0 and text[i - 1].isspace():
        if text[i - 1] == "\n":
            return True
        i -= 1
    if i == 0 or text[i - 1] in marks:
        return True
    return placeholder and _PLACEHOLDER_END.search(text, max(0, i - 8), i) is not None


@dataclass(frozen=True)
class Piece:
    """A unit to translate (``unit=True``), or text kept as it is.

    A ``joint`` is the boundary between two sentences of one long line that had no space
    between them (Chinese); it becomes a space when the target language uses spaces. A
    ``mark`` is a comma or colon that ends a line (a comment cut off mid-sentence, a
    heading before a list): kept out of the unit, since a model given a sentence that ends
    in a comma goes on writing it ("…, so I think it's reasonable."), and written back in
    the target's form.
    """

    text: str
    unit: bool
    joint: bool = False
    mark: bool = False  # a comma or colon ending a line: written the target's way


def _split_long(line: str, limit: int) -> list[Piece]:
    pieces: list[Piece] = []
    pos = 0
    boundaries = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(line)]
    boundaries.append((len(line), len(line)))
    current_start = 0
    last_cut: tuple[int, int] | None = None
    for start, end in boundaries:
        if start - current_start > limit and last_cut is not None:
            cut_start, cut_end = last_cut
            pieces.append(Piece(line[current_start:cut_start], unit=True))
            gap = line[cut_start:cut_end]
            pieces.append(Piece(gap, unit=False, joint=not gap))
            current_start = cut_end
        last_cut = (start, end)
    pos = current_start
    rest = line[pos:]
    # A single sentence longer than the limit is cut at the limit as a last resort.
    while len(rest) > limit * 2:
        pieces.append(Piece(rest[:limit], unit=True))
        pieces.append(Piece("", unit=False, joint=True))
        rest = rest[limit:]
    if rest:
        pieces.append(Piece(rest, unit=True))
    return pieces


# A comma, enumeration comma or colon ending a line, after a word or a closing bracket.
_END_MARK = re.compile(r"(?<=[^\W_]|[)）」』”\]])[ \t]*[，,、：:]$")
# ... and how each is written in a language with spaces and in one without.
_SPACED_MARK = {"，": ",", "、": ",", "：": ":"}
_UNSPACED_MARK = {",": "，", ":": "："}

# One or more @mentions opening a line, each followed by a space (a reply's addressees).
_ADDRESSEES = re.compile(rf"(?:{MENTION}[ \t\u3000]+)+")


def split_units(text: str, unit_chars: int = 400) -> list[Piece]:
    """Split ``text`` into pieces; each unit is one line, or one part of a long line."""
    pieces: list[Piece] = []
    for i, raw_line in enumerate(text.split("\n")):
        if i:
            pieces.append(Piece("\n", unit=False))
        line = raw_line.rstrip("\r")
        ending = raw_line[len(line) :]
        stripped = line.strip()
        if not stripped:
            pieces.append(Piece(raw_line, unit=False))
            continue
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()) :] + ending
        # "@name 你说是不是" is said to @name: read with the mention in front, a small model
        # makes @name the subject ("@name said whether or not"). The addressees stay as
        # they are, and the rest is the unit.
        addressees = _ADDRESSEES.match(stripped)
        if addressees and addressees.end() < len(stripped):
            lead += addressees.group(0)
            stripped = stripped[addressees.end() :]
        if lead:
            pieces.append(Piece(lead, unit=False))
        end = _END_MARK.search(stripped)
        mark = stripped[end.start() :] if end else ""
        stripped = stripped[: len(stripped) - len(mark)]
        if len(stripped) > unit_chars:
            pieces.extend(_split_long(stripped, unit_chars))
        else:
            pieces.append(Piece(stripped, unit=True))
        if mark:
            pieces.append(Piece(mark, unit=False, mark=True))
        if trail:
            pieces.append(Piece(trail, unit=False))
    return pieces


def join_pieces(pieces: list[Piece], outputs: list[str], spaced: bool) -> str:
    """Join pieces back, units replaced in order by ``outputs``; ``spaced``: target uses spaces."""
    out: list[str] = []
    it = iter(outputs)
    for piece in pieces:
        if piece.unit:
            out.append(next(it))
        elif piece.mark:
            # The model may have closed the sentence the mark continues: "…situation."
            last = out.pop().rstrip().rstrip(".。") if out else ""
            mark = piece.text.strip()
            out.append(last + (_SPACED_MARK if spaced else _UNSPACED_MARK).get(mark, mark))
        elif piece.joint:
            out.append(" " if spaced else "")
        else:
            out.append(piece.text)
    return "".join(out)
