"""Build translation prompts: a fixed prefix (system rules and examples), then the text.

The fixed part comes first and never varies, so engines can reuse its KV cache; everything
that varies per text (languages, glossary, the text itself) is in the last user message.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources

from xxai.engines.base import TranslationRequest
from xxai.languages import LANGUAGES

__all__ = [
    "PROMPT_VERSION",
    "REVISE_VERSION",
    "Message",
    "fixed_messages",
    "messages_for",
    "revise_messages",
    "user_message",
]

Message = dict[str, str]


@dataclass(frozen=True)
class _Prompt:
    system: str
    examples: tuple[tuple[str, str], ...]


@functools.cache
def _prompt(name: str = "translate") -> _Prompt:
    raw = resources.files("xxai.prompts").joinpath(f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    examples = tuple((ex["user"], ex["assistant"]) for ex in data.get("example", []))
    return _Prompt(system=data["system"], examples=examples)


def _version(name: str) -> str:
    raw = resources.files("xxai.prompts").joinpath(f"{name}.toml").read_bytes()
    return hashlib.sha256(raw).hexdigest()[:12]


PROMPT_VERSION = _version("translate")
#: The version of the prompt that corrects a draft (only revisions' cache keys hold it).
REVISE_VERSION = _version("revise")


def fixed_messages(name: str = "translate") -> list[Message]:
    """Return the fixed prefix of every conversation of prompt ``name`` (``translate``:
    every translation; ``revise``: every correction of a draft): rules, then examples."""
    prompt = _prompt(name)
    messages: list[Message] = [{"role": "system", "content": prompt.system}]
    for user, assistant in prompt.examples:
        messages.append({"role": "user", "content": user})
        messages.append({"role": "assistant", "content": assistant})
    return messages


def _lang_name(code: str) -> str:
    lang = LANGUAGES.get(code)
    return lang.name if lang else code


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _neutralize(text: str) -> str:
    # The text must not be able to close its own <text> block and speak as the prompt, nor
    # write chat-template tokens (<|im_start|>) that the tokenizer would read as structure.
    return (
        text.replace("<text>", "‹text›")
        .replace("</text>", "‹/text›")
        .replace("<context>", "‹context›")
        .replace("</context>", "‹/context›")
        .replace("<|", "‹|")
        .replace("|>", "|›")
    )


def user_message(req: TranslationRequest) -> str:
    """Return the per-text user message for ``req``."""
    # Languages first and the text right after: this head is the same for every text of a
    # language pair, so the local engine decodes it once. What varies follows the text.
    lines = [f"Translate from {_lang_name(req.source)} to {_lang_name(req.target)}."]
    lines.append("<text>")
    lines.append(_neutralize(req.text))
    # The end of the message ends the text; "</text>" is only needed when something follows.
    # It costs three tokens per text that cannot be shared, a fifth of a short post's prompt.
    if req.hints or req.note or req.context:
        lines.append("</text>")
    if req.context:
        # After the text, so the shared head stays shared; its own block, so it cannot pass
        # for more text, and one line: the model reads it and translates only the text.
        lines.append("Context (what the text replies to; read it, do not translate it):")
        lines.append("<context>" + _neutralize(_one_line(req.context)) + "</context>")
    if req.hints:
        lines.append("Glossary:")
        lines.extend(f"- {h.term} = {h.rendering}" for h in req.hints)
    if req.note:
        lines.append(f"Note: {req.note}")
    return "\n".join(lines)


def messages_for(req: TranslationRequest) -> list[Message]:
    """Return the whole conversation for one request (a ``plain`` one is asked plainly, one
    with a ``draft`` to correct gets the revision prompt)."""
    if req.draft:
        return revise_messages(req)
    if req.plain:
        return plain_messages(req)
    return [*fixed_messages(), {"role": "user", "content": user_message(req)}]


def revise_messages(req: TranslationRequest) -> list[Message]:
    """Return the conversation that corrects ``req.draft`` to use the renderings of
    ``req.hints`` (see ``prompts/revise.toml``)."""
    messages = fixed_messages("revise")

    def fenced(text: str) -> str:  # neither may close its block and speak as the prompt
        return (
            _neutralize(text)
            .replace("<translation>", "‹translation›")
            .replace("</translation>", "‹/translation›")
        )

    lines = ["<text>", fenced(req.text), "</text>", "<translation>", fenced(req.draft)]
    lines.append("</translation>")
    lines.append("Use:")
    lines.extend(f"- {h.term} = {h.rendering}" for h in req.hints)
    messages.append({"role": "user", "content": "\n".join(lines)})
    return messages


def plain_messages(req: TranslationRequest) -> list[Message]:
    """Return the baseline prompt: the same model asked plainly, no rules or glossary."""
    content = (
        f"Translate the following text from {_lang_name(req.source)} to "
        f"{_lang_name(req.target)}. Reply with the translation only.\n\n{req.text}"
    )
    return [{"role": "user", "content": content}]
