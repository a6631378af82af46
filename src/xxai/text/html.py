"""Translate the text of HTML documents and leave their tags and attributes exactly as they were.

Each document is walked with the standard library's tokenizer. Every token's raw source
span is kept; only text nodes change, and a text node that is not translated keeps its
exact bytes (entities included). The text inside script, style, code and similar elements,
and inside any element marked ``translate="no"`` or ``class="notranslate"``, is left alone.
All the text nodes of all the documents go to the translator as one batch.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["HtmlDoc", "parse_html", "translate_html"]

# Elements whose content is code or not text for people.
_SKIP = frozenset({"script", "style", "code", "kbd", "samp", "var", "template", "svg", "math"})
_PRESERVE_SPACE = frozenset({"pre", "textarea"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
_SPACE_RUN = re.compile(r"\s+")


@dataclass
class _Slot:
    """A translatable text node: where it sits in ``parts`` and its surrounding space."""

    part: int
    lead: str
    core: str
    trail: str


@dataclass
class HtmlDoc:
    """A document cut into raw pieces, with the text nodes to translate."""

    parts: list[str] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list)

    def text(self) -> str:
        """Return the translatable text, for language detection."""
        return "\n".join(slot.core for slot in self.slots)

    def fill(self, translations: Sequence[str]) -> str:
        """Return the document with each text node replaced by its translation."""
        parts = list(self.parts)
        for slot, translated in zip(self.slots, translations, strict=True):
            parts[slot.part] = slot.lead + html.escape(translated, quote=False) + slot.trail
        return "".join(parts)


class _Tokens(HTMLParser):
    """Record (kind, start offset, decoded data) for every token, and which text to skip."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())
        self.events: list[tuple[str, int, str, bool, bool]] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skip, preserve space)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _state(self) -> tuple[bool, bool]:
        if not self._stack:
            return False, False
        _tag, skip, keep = self._stack[-1]
        return skip, keep

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("tag", self._offset(), "", False, False))
        if tag in _VOID:
            return
        skip, keep = self._state()
        values = {name: (value or "") for name, value in attrs}
        opted_out = (
            values.get("translate", "").lower() == "no"
            or "notranslate" in values.get("class", "").split()
        )
        self._stack.append((tag, skip or tag in _SKIP or opted_out, keep or tag in _PRESERVE_SPACE))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("tag", self._offset(), "", False, False))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("tag", self._offset(), "", False, False))
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        skip, keep = self._state()
        self.events.append(("data", self._offset(), data, skip, keep))

    def _other(self) -> None:
        self.events.append(("other", self._offset(), "", False, False))

    def handle_comment(self, data: str) -> None:
        self._other()

    def handle_decl(self, decl: str) -> None:
        self._other()

    def handle_pi(self, data: str) -> None:
        self._other()

    def unknown_decl(self, data: str) -> None:
        self._other()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def parse_html(source: str) -> HtmlDoc:
    """Cut ``source`` into raw pieces and find its translatable text nodes."""
    tokens = _Tokens(source)
    tokens.feed(source)
    tokens.close()
    events = tokens.events
    doc = HtmlDoc()
    i = 0
    while i < len(events):
        kind, start, data, skip, keep = events[i]
        j = i + 1
        if kind == "data":
            # The tokenizer may split one text node ("a < b"); join the pieces back.
            while j < len(events) and events[j][0] == "data" and events[j][3] == skip:
                data += events[j][2]
                j += 1
        end = events[j][1] if j < len(events) else len(source)
        raw = source[start:end]
        if kind == "data" and not skip and _has_letters(data):
            core = data.strip()
            lead = data[: len(data) - len(data.lstrip())]
            trail = data[len(data.rstrip()) :]
            if not keep:
                core = _SPACE_RUN.sub(" ", core)
            doc.slots.append(_Slot(len(doc.parts), lead, core, trail))
        doc.parts.append(raw)
        i = j
    return doc


def translate_html(
    documents: Sequence[str],
    translate: Callable[[list[str], list[int]], list[str]],
) -> list[str]:
    """Translate the text nodes of every document in one call to ``translate``.

    ``translate(texts, owners)`` gets every text node and, for each, the index of the
    document it belongs to (so a caller can detect each document's language once).
    """
    docs = [parse_html(d) for d in documents]
    texts: list[str] = []
    owners: list[int] = []
    for index, doc in enumerate(docs):
        for slot in doc.slots:
            texts.append(slot.core)
            owners.append(index)
    translated = translate(texts, owners) if texts else []
    out = []
    cursor = 0
    for doc in docs:
        n = len(doc.slots)
        out.append(doc.fill(translated[cursor : cursor + n]))
        cursor += n
    return out
