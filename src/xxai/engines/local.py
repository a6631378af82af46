"""The ``local`` engine: a GGUF model run in-process by llama.cpp.

Throughput comes from two things llama.cpp offers (numbers in design.md and the README):

* The fixed prompt prefix (rules and examples, see ``prompts``) is decoded once into
  sequence 0 of the KV cache and kept there for the life of the engine.
* Several requests decode together: each gets its own sequence, starts as a copy of the
  prefix (``llama_memory_seq_cp`` shares the cells, nothing is recomputed), and every step
  sends one token per running sequence in one ``llama_decode`` call. A finished sequence's
  slot is refilled at once from the queue (continuous batching).
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xxai.config import Settings
from xxai.engines.base import ProgressFn, TranslationRequest
from xxai.engines.prompts import (
    Message,
    fixed_messages,
    messages_for,
    plain_messages,
    user_message,
)
from xxai.errors import EngineError, LimitError, ModelError
from xxai.types import TokenScore

__all__ = ["LocalEngine"]

log = logging.getLogger(__name__)

_SENTINEL = "\x00XXAI-USER-MESSAGE\x00"
# The start of a user message up to its text ("Translate from X to Y.\n<text>\n") is the
# same for every text of a language pair: it is decoded once into a sequence of its own.
_HEAD_END = "<text>\n"
_MAX_HEADS = 6
# Cache cells kept free for head sequences (a head is a short line of a few tokens).
_HEAD_CELLS = _MAX_HEADS * 64
_load_lock = threading.Lock()
# Log-probs of rows of logits read per decode when scoring (each row is a vocabulary of
# floats: 256 rows are about 150 MB), and of scored (message, output) pairs kept.
_SCORE_ROWS = 256
_SCORED_KEPT = 4096
# How much a favoured rendering's next token is raised (in logits, before the greedy pick):
# it wins only where the model already gives it a fair share (e^-2.5, about 8% of the top
# token's weight). At 4 it also won where it bent the sentence (`…I was very ick`).
# Measured in the README (Benchmarks, Slang).
FAVOUR_BIAS = 2.5
_quiet_installed = False


def _quiet_llama_logs() -> None:
    """Route llama.cpp's C-level logging to nowhere (it writes to stderr otherwise)."""
    global _quiet_installed
    if _quiet_installed:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator, misc, unused-ignore]
    def _silent(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        return None

    # Keep a reference: the C library calls it for the life of the process.
    globals()["_silent_callback"] = _silent
    llama_cpp.llama_log_set(_silent, ctypes.c_void_p(0))
    _quiet_installed = True


@dataclass
class _Seq:
    """A request being decoded in one KV-cache sequence."""

    index: int
    slot: int
    prompt: list[int]
    max_new: int
    generated: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)  # of each generated token
    pos: int = 0  # next position to write in the cache
    logit_row: int = -1  # row of this sequence's logits in the last decode
    favour: _Favour | None = None


@dataclass
class _Favour:
    """The renderings a request's output should lean towards, as token paths.

    Each rendering has several paths (with and without a leading space, capitalised or
    not), since the model may start it mid-sentence or at the start. The first token of
    every path is raised at every step; once an output has started a path, the path's next
    token is raised, so a begun rendering is finished. A rendering the output already holds
    is raised no more.
    """

    renderings: list[str]
    paths: list[list[list[int]]]  # per rendering, its token paths
    bias: float

    def raised(self, text: str, generated: list[int]) -> dict[int, float]:
        """Return the tokens to raise after ``generated`` (whose text is ``text``)."""
        folded = text.casefold()
        out: dict[int, float] = {}
        for rendering, paths in zip(self.renderings, self.paths, strict=True):
            if rendering.casefold() in folded:
                continue
            for path in paths:
                out[path[0]] = self.bias
                for k in range(min(len(path) - 1, len(generated)), 0, -1):
                    if generated[-k:] == path[:k]:
                        out[path[k]] = self.bias
                        break
        return out


class LocalEngine:
    """Translate with a GGUF model in this process, decoding many requests together."""

    name = "local"

    def __init__(
        self,
        model_path: Path,
        model_name: str = "",
        n_ctx: int = 8192,
        threads: int = 2,
        batch_size: int = 32,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
        state_dir: Path | None = None,
        favour_bias: float = FAVOUR_BIAS,
    ) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._llama = llama_cpp
        self.model_path = Path(model_path)
        self._model_name = model_name or self.model_path.stem
        self.batch_size = max(1, batch_size)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.favour_bias = favour_bias
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()
        _quiet_llama_logs()
        mparams = llama_cpp.llama_model_default_params()
        # One load at a time: llama.cpp's loader is not meant to run twice concurrently.
        with _load_lock:
            try:
                self._model = _internals.LlamaModel(
                    path_model=str(self.model_path), params=mparams, verbose=False
                )
            except ValueError as exc:
                raise ModelError(
                    f"cannot load model {self.model_path}: {exc}. The file may be corrupt or "
                    "not a GGUF model: delete it and run `xxai models --join`, or set "
                    "XXAI_MODEL to a valid .gguf"
                ) from None
            self.n_batch = 2048
            cparams = self._context_params(n_ctx, threads)
            try:
                self._ctx = _internals.LlamaContext(
                    model=self._model, params=cparams, verbose=False
                )
            except ValueError as exc:
                raise ModelError(f"cannot create a llama.cpp context: {exc}") from None
        self.n_ctx = self._ctx.n_ctx()
        self._batch = llama_cpp.llama_batch_init(self.n_batch, 0, self.batch_size + 1)
        self._n_vocab = self._model.n_vocab()
        self._vocab = self._model.vocab
        self._template = self._chat_template()
        self._prefix_text, self._suffix_text = self._split_template(fixed_messages())
        self._prefix_tokens = self._tokenize(self._prefix_text, special=True, bos=True)
        self._prefix_ready = False
        self._heads: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._state_file = self._state_path(state_dir) if state_dir else None
        self._scored: OrderedDict[tuple[str, str], list[TokenScore]] = OrderedDict()
        # What generation read off for free: the tokens of each (message, output) and their
        # log-probs, turned into spans when scored (a forced decode of the same pair under
        # the same prompt reads the same numbers, so those are not decoded again).
        self._generated: OrderedDict[tuple[str, str], tuple[list[int], list[float]]] = OrderedDict()

    def _context_params(self, n_ctx: int, threads: int) -> Any:
        """Return llama.cpp context parameters for batches of ``batch_size`` sequences."""
        cparams = self._llama.llama_context_default_params()
        cparams.n_ctx = n_ctx
        cparams.n_batch = self.n_batch
        cparams.n_ubatch = 512
        cparams.n_seq_max = self.batch_size + 1 + _MAX_HEADS
        # Unified cache: sequences share the prefix's cells instead of copying them.
        cparams.kv_unified = True
        # Flash attention off: on CPU it made batches of 32 sequences ~14% slower here
        # (each token attends over the whole unified cache), and single posts no faster.
        cparams.flash_attn_type = self._llama.LLAMA_FLASH_ATTN_TYPE_DISABLED
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        return cparams

    @classmethod
    def from_settings(
        cls, settings: Settings, join_progress: Callable[[int, int], None] | None = None, **_: Any
    ) -> LocalEngine:
        from xxai.models import resolve_model

        path = resolve_model(settings.model, settings.home, join_progress)
        return cls(
            path,
            model_name=settings.model,
            n_ctx=settings.context,
            threads=settings.threads,
            batch_size=settings.batch_size,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            favour_bias=settings.favour_bias,
            state_dir=settings.home / "kv",
        )

    @property
    def model_id(self) -> str:
        return self._model_name

    # -- prompt formatting -------------------------------------------------------------

    def _chat_template(self) -> Any:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        meta = self._model.metadata()
        source = meta.get("tokenizer.chat_template")
        if not source:
            # ChatML, which Qwen and many other instruct models use.
            source = (
                "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
            )
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        return env.from_string(source)

    def _render(self, messages: list[Message]) -> str:
        bos = self._model.token_get_text(self._model.token_bos()) if self._bos() else ""
        return str(
            self._template.render(
                messages=messages,
                add_generation_prompt=True,
                bos_token=bos,
                eos_token=self._model.token_get_text(self._model.token_eos()),
            )
        )

    def _split_template(self, fixed: list[Message]) -> tuple[str, str]:
        rendered = self._render([*fixed, {"role": "user", "content": _SENTINEL}])
        prefix, _, suffix = rendered.partition(_SENTINEL)
        if not suffix and not rendered.endswith(_SENTINEL):
            raise ModelError("the model's chat template dropped the user message")
        return prefix, suffix

    def _bos(self) -> bool:
        return bool(self._model.add_bos_token())

    def _tokenize(self, text: str, special: bool, bos: bool = False) -> list[int]:
        if not text:
            return []
        tokens: list[int] = self._model.tokenize(text.encode("utf-8"), bos, special)
        return tokens

    def _request_tokens(self, content: str) -> list[int]:
        # The user's text is tokenized with special=False: "<|im_end|>" typed into a post
        # stays plain text and cannot end the message or start a new role.
        return self._tokenize(content, special=False) + self._tokenize(
            self._suffix_text, special=True
        )

    # -- decoding ----------------------------------------------------------------------

    def _batch_add(self, token: int, pos: int, seq: int, logits: bool) -> int:
        b = self._batch
        i = int(b.n_tokens)
        b.token[i] = token
        b.pos[i] = pos
        b.n_seq_id[i] = 1
        b.seq_id[i][0] = seq
        b.logits[i] = logits
        b.n_tokens = i + 1
        return i

    def _decode(self) -> None:
        rc = self._llama.llama_decode(self._ctx.ctx, self._batch)
        if rc != 0:
            raise EngineError(f"llama_decode failed (code {rc}); try a smaller batch_size")

    def _state_path(self, state_dir: Path) -> Path:
        """Where the prefix's KV state is kept: one file per model file and prompt."""
        stat = self.model_path.stat()
        key = hashlib.sha256(
            f"{self.model_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
            f"{self._prefix_text}|{self.n_ctx}|no-flash-attn".encode()
        ).hexdigest()[:16]
        return state_dir / f"prefix-{key}.bin"

    def _load_prefix_state(self) -> bool:
        path = self._state_file
        if path is None or not path.is_file():
            return False
        llama = self._llama
        n = len(self._prefix_tokens)
        tokens = (llama.llama_token * (n + 1))()
        count = ctypes.c_size_t(0)
        read = llama.llama_state_seq_load_file(
            self._ctx.ctx, str(path).encode(), 0, tokens, n + 1, ctypes.byref(count)
        )
        if read == 0 or count.value != n or list(tokens[:n]) != self._prefix_tokens:
            llama.llama_memory_clear(self._ctx.memory, True)
            return False
        return True

    def _save_prefix_state(self) -> None:
        path = self._state_file
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            n = len(self._prefix_tokens)
            tokens = (self._llama.llama_token * n)(*self._prefix_tokens)
            if self._llama.llama_state_seq_save_file(
                self._ctx.ctx, str(tmp).encode(), 0, tokens, n
            ):
                os.replace(tmp, path)
            else:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not save the prompt cache %s: %s", path, exc)

    def _ensure_prefix(self) -> None:
        """Put the fixed prompt into sequence 0: from the state file, or by decoding it."""
        if self._prefix_ready:
            return
        self._heads.clear()
        self._llama.llama_memory_clear(self._ctx.memory, True)
        if not self._load_prefix_state():
            tokens = self._prefix_tokens
            for start in range(0, len(tokens), self.n_batch):
                self._batch.n_tokens = 0
                for pos in range(start, min(start + self.n_batch, len(tokens))):
                    self._batch_add(tokens[pos], pos, 0, False)
                self._decode()
            self._save_prefix_state()
        self._prefix_ready = True

    def _logits(self, row: int) -> Any:
        """Return the logits of batch row ``row`` of the last decode (a view, not a copy)."""
        ptr = self._llama.llama_get_logits_ith(self._ctx.ctx, row)
        return np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))

    def _pick(self, row: int, raised: dict[int, float] | None = None) -> tuple[int, float]:
        """Return the next token from a row of logits, and its log-probability (under the
        model's own distribution, whatever the temperature and the ``raised`` tokens)."""
        logits = self._logits(row)
        chosen = logits
        if raised:
            chosen = logits.copy()
            for tok, bias in raised.items():
                chosen[tok] += bias
        if self.temperature <= 0:
            token = int(np.argmax(chosen))
        else:
            scaled = (chosen - chosen.max()) / self.temperature
            probs = np.exp(scaled)
            probs /= probs.sum()
            token = int(self._rng.choice(self._n_vocab, p=probs))
        return token, _logprob(logits, token)

    def _max_new(self, n_text_tokens: int) -> int:
        # Translations are rarely over 2.5x their source: this stops runaway repetition.
        return max(16, min(self.max_tokens, int(n_text_tokens * 2.5) + 48))

    def _favour(self, renderings: Sequence[str]) -> _Favour | None:
        """Return the token paths of ``renderings`` (see _Favour), or None for none."""
        if not renderings or self.favour_bias <= 0:
            return None
        kept: list[str] = []
        paths: list[list[list[int]]] = []
        for rendering in dict.fromkeys(r.strip() for r in renderings if r.strip()):
            forms = {rendering, rendering[:1].upper() + rendering[1:]}
            spelled = [pre + form for form in sorted(forms) for pre in ("", " ")]
            own = [p for p in (self._tokenize(t, special=False) for t in spelled) if p]
            if own:
                kept.append(rendering)
                paths.append(own)
        return _Favour(kept, paths, self.favour_bias) if kept else None

    def generate(
        self,
        contents: Sequence[str],
        progress: ProgressFn | None = None,
        use_prefix: bool = True,
        plain: Sequence[list[Message]] | None = None,
        favour: Sequence[Sequence[str]] | None = None,
    ) -> list[str]:
        """Generate a reply to each user message, all decoding together.

        With ``use_prefix``, each message follows the fixed translation prompt (shared KV
        prefix). ``plain`` gives whole conversations instead (no shared prefix; used for
        the plain-model baseline in benchmarks). ``favour`` gives, per message, renderings
        whose tokens are raised (see _Favour).
        """
        prefix_len = len(self._prefix_tokens) if use_prefix and plain is None else 0
        prompts: list[list[int]] = []
        heads: list[str] = []
        for i, content in enumerate(contents):
            if plain is not None:
                prompts.append(self._tokenize(self._render(plain[i]), special=True, bos=True))
                heads.append("")
                continue
            head, rest = _split_head(content) if prefix_len else ("", content)
            heads.append(head)
            prompts.append(self._request_tokens(rest))
        limit = self.n_ctx - prefix_len - _HEAD_CELLS
        for i, p in enumerate(prompts):
            if len(p) + self._max_new(len(p)) > limit:
                raise LimitError(
                    f"text {i + 1} is too long for the model context ({len(p)} tokens); "
                    "lower unit_chars or raise context"
                )
        with self._lock:
            if prefix_len:
                self._ensure_prefix()
            else:
                self._prefix_ready = False
                self._heads.clear()
                self._llama.llama_memory_clear(self._ctx.memory, True)
            starts = self._place_heads(heads, prompts, prefix_len)
            leans = [self._favour(f) for f in favour] if favour else None
            generated = self._run(prompts, starts, progress, leans)
            outputs = []
            for i, (tokens, logprobs) in enumerate(generated):
                text = self._detokenize(tokens)
                outputs.append(text)
                if prefix_len and text and self._model_text(tokens) == text:
                    self._keep(self._generated, (contents[i], text), (tokens, logprobs))
        return outputs

    def _place_heads(
        self, heads: list[str], prompts: list[list[int]], prefix_len: int
    ) -> list[tuple[int, int]]:
        """Return, per prompt, the sequence to copy and the position its own tokens start at.

        Heads already decoded are reused; new ones are decoded (the least recently used is
        dropped when all head sequences are taken). A prompt whose head cannot be placed
        carries the head's tokens itself.
        """
        wanted = list(dict.fromkeys(h for h in heads if h))
        keep = set(wanted[:_MAX_HEADS])
        placed = {h: self._ensure_head(h, prefix_len, keep) for h in wanted[:_MAX_HEADS]}
        starts = []
        for i, head in enumerate(heads):
            if not head:
                starts.append((0, prefix_len))
            elif head in placed:
                seq, length = placed[head]
                starts.append((seq, prefix_len + length))
            else:
                prompts[i] = self._tokenize(head, special=False) + prompts[i]
                starts.append((0, prefix_len))
        return starts

    def _ensure_head(self, head: str, prefix_len: int, keep: set[str]) -> tuple[int, int]:
        if head in self._heads:
            self._heads.move_to_end(head)
            return self._heads[head]
        memory = self._ctx.memory
        used = {seq for seq, _ in self._heads.values()}
        free = [
            s for s in range(self.batch_size + 1, self.batch_size + 1 + _MAX_HEADS) if s not in used
        ]
        if not free:
            victim = next(h for h in self._heads if h not in keep)
            seq, _ = self._heads.pop(victim)
            free = [seq]
        seq = free[0]
        tokens = self._tokenize(head, special=False)
        self._llama.llama_memory_seq_rm(memory, seq, -1, -1)
        self._llama.llama_memory_seq_cp(memory, 0, seq, -1, -1)
        self._batch.n_tokens = 0
        for j, tok in enumerate(tokens):
            self._batch_add(tok, prefix_len + j, seq, False)
        self._decode()
        self._heads[head] = (seq, len(tokens))
        return seq, len(tokens)

    def _run(
        self,
        prompts: list[list[int]],
        starts: list[tuple[int, int]],
        progress: ProgressFn | None,
        leans: Sequence[_Favour | None] | None = None,
    ) -> list[tuple[list[int], list[float]]]:
        """Decode every prompt to its end; return each one's tokens and their log-probs
        (``leans``: per prompt, the renderings its output leans towards)."""
        llama = self._llama
        memory = self._ctx.memory
        # Longest first: the short ones then fill the slots at the end, so the last steps
        # do not run one long request alone (the order of results is kept by index).
        queue = deque(sorted(range(len(prompts)), key=lambda i: -len(prompts[i])))
        free_slots = deque(range(1, self.batch_size + 1))
        active: list[_Seq] = []
        results: list[tuple[list[int], list[float]]] = [([], []) for _ in prompts]
        budget = self.n_ctx - max((pos for _, pos in starts), default=0) - _HEAD_CELLS
        reserved = 0
        while queue or active:
            self._batch.n_tokens = 0
            # Admit new requests while slots, cache cells and batch room allow.
            while queue and free_slots:
                index = queue[0]
                prompt = prompts[index]
                need = len(prompt) + self._max_new(len(prompt))
                room = self.n_batch - int(self._batch.n_tokens) - len(active)
                if need > budget - reserved or len(prompt) > room:
                    break
                queue.popleft()
                reserved += need
                seq = self._admit(index, prompt, free_slots.popleft(), starts[index])
                seq.favour = leans[index] if leans else None
                active.append(seq)
            if not active:
                raise EngineError("a request does not fit the model context; raise context")
            # Running sequences that were not just admitted contribute their last token.
            for seq in active:
                if seq.logit_row == -2:
                    seq.logit_row = self._batch_add(seq.generated[-1], seq.pos, seq.slot, True)
                    seq.pos += 1
            self._decode()
            still: list[_Seq] = []
            for seq in active:
                raised = None
                if seq.favour is not None:
                    text = self._model_text(seq.generated)
                    raised = seq.favour.raised(text, seq.generated)
                token, logprob = self._pick(seq.logit_row, raised)
                done = llama.llama_vocab_is_eog(self._vocab, token)
                if not done:
                    seq.generated.append(token)
                    seq.logprobs.append(logprob)
                    done = len(seq.generated) >= seq.max_new
                if done:
                    results[seq.index] = (seq.generated, seq.logprobs)
                    llama.llama_memory_seq_rm(memory, seq.slot, -1, -1)
                    free_slots.append(seq.slot)
                    reserved -= len(seq.prompt) + seq.max_new
                    if progress:
                        progress(1)
                else:
                    seq.logit_row = -2
                    still.append(seq)
            active = still
        return results

    def _admit(self, index: int, prompt: list[int], slot: int, start: tuple[int, int]) -> _Seq:
        """Put a prompt into the batch in its own slot, after a cached prefix when it has one."""
        llama, memory = self._llama, self._ctx.memory
        llama.llama_memory_seq_rm(memory, slot, -1, -1)
        source, pos = start
        if pos:
            llama.llama_memory_seq_cp(memory, source, slot, -1, -1)
        seq = _Seq(index, slot, prompt, self._max_new(len(prompt)), pos=pos)
        for j, tok in enumerate(prompt):
            seq.logit_row = self._batch_add(tok, seq.pos + j, slot, j == len(prompt) - 1)
        seq.pos += len(prompt)
        return seq

    def _detokenize(self, tokens: list[int]) -> str:
        return self._model_text(tokens).replace("\ufffd", "").strip()

    def _model_text(self, tokens: list[int]) -> str:
        raw: bytes = self._model.detokenize(tokens, special=False)
        return raw.decode("utf-8", errors="replace")

    @staticmethod
    def _keep(memo: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        memo[key] = value
        memo.move_to_end(key)
        while len(memo) > _SCORED_KEPT:
            memo.popitem(last=False)

    # -- engine interface --------------------------------------------------------------

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate each request with the fixed prompt prefix (a ``plain`` one, or one
        with a ``draft`` to correct, as a conversation of its own)."""
        if not requests:
            return []
        full = [i for i, r in enumerate(requests) if not (r.plain or r.draft)]
        bare = [i for i, r in enumerate(requests) if r.plain or r.draft]
        outputs = [""] * len(requests)
        if full:
            favour = [requests[i].favour for i in full]
            done = self.generate(
                [user_message(requests[i]) for i in full],
                progress,
                favour=favour if any(favour) else None,
            )
            outputs = _placed(outputs, full, done)
        if bare:
            convs = [messages_for(requests[i]) for i in bare]
            done = self.generate([""] * len(bare), progress, plain=convs)
            outputs = _placed(outputs, bare, done)
        return outputs

    def translate_plain(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate with the model prompted plainly (no rules or examples): the benchmark
        baseline, and the ``plain`` requests of the pipeline's last strategy."""
        convs = [plain_messages(r) for r in requests]
        return self.generate([""] * len(requests), progress, plain=convs)

    def score(
        self, requests: Sequence[TranslationRequest], outputs: Sequence[str]
    ) -> list[list[TokenScore]]:
        """Return, for each ``outputs[i]`` read as the reply to ``requests[i]`` under the
        fixed prompt, every token's span in the output and its log-probability.

        An output this engine generated for that very message was scored while it was
        generated, and costs nothing more. Any other is read in a forced decode, nothing
        generated: the texts are read together (each in its own sequence after the shared
        prefix and its language pair's head, as in :meth:`generate`). The confidence
        estimate looks at the least likely tokens (words the model itself would hardly
        have written there). Empty outputs, and pairs too long for the context, get no
        scores.
        """
        if len(requests) != len(outputs):
            raise ValueError("score: one output per request")
        keys = [(user_message(r), o) for r, o in zip(requests, outputs, strict=True)]
        found: dict[tuple[str, str], list[TokenScore]] = {}
        with self._lock:  # the memos are shared by the server's threads
            for key in keys:
                if key in self._scored:
                    found[key] = self._scored[key]
                elif key in self._generated:
                    tokens, logprobs = self._generated[key]
                    found[key] = self._spans(tokens, logprobs)
                    self._keep(self._scored, key, found[key])
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            fresh = self._score([k[0] for k in todo], [k[1] for k in todo])
            with self._lock:
                for key, scores in zip(todo, fresh, strict=True):
                    found[key] = scores
                    self._keep(self._scored, key, scores)
        return [list(found[k]) for k in keys]

    def _score(self, contents: list[str], outputs: list[str]) -> list[list[TokenScore]]:
        prefix_len = len(self._prefix_tokens)
        heads: list[str] = []
        prompts: list[list[int]] = []
        answers: list[list[int]] = []
        for content, out in zip(contents, outputs, strict=True):
            head, rest = _split_head(content)
            heads.append(head)
            prompts.append(self._request_tokens(rest))
            answers.append(self._tokenize(out, special=False))
        limit = self.n_ctx - prefix_len - _HEAD_CELLS - self.batch_size
        logprobs: list[list[float]] = [[] for _ in contents]
        with self._lock:
            self._ensure_prefix()
            starts = self._place_heads(heads, prompts, prefix_len)
            wanted = [
                i
                for i, (p, a) in enumerate(zip(prompts, answers, strict=True))
                if a and len(p) + len(a) <= limit
            ]
            self._forced(wanted, prompts, answers, starts, logprobs)
        return [
            self._spans(answers[i], logprobs[i]) if logprobs[i] else []
            for i in range(len(contents))
        ]

    def _forced(
        self,
        wanted: list[int],
        prompts: list[list[int]],
        answers: list[list[int]],
        starts: list[tuple[int, int]],
        logprobs: list[list[float]],
    ) -> None:
        """Decode each wanted prompt + answer and collect the answer's token log-probs.

        Sequences are packed into each decode up to the batch's tokens, its sequences and
        _SCORE_ROWS rows of logits (each row is a whole vocabulary); one that does not fit
        goes on in the next decode, from where it stopped.
        """
        llama, memory = self._llama, self._ctx.memory
        queue = deque(wanted)
        free = deque(range(1, self.batch_size + 1))
        # index -> (slot, tokens, next token to feed, first position in the cache)
        feeding: dict[int, tuple[int, list[int], int, int]] = {}
        try:
            while queue or feeding:
                self._batch.n_tokens = 0
                rows: list[tuple[int, int, int]] = []  # (batch row, index, token it predicts)
                finished: list[int] = []
                while queue and free and len(feeding) < self.batch_size:
                    index = queue.popleft()
                    slot = free.popleft()
                    llama.llama_memory_seq_rm(memory, slot, -1, -1)
                    source, pos = starts[index]
                    if pos:
                        llama.llama_memory_seq_cp(memory, source, slot, -1, -1)
                    feeding[index] = (slot, prompts[index] + answers[index], 0, pos)
                for index, (slot, tokens, j, pos) in list(feeding.items()):
                    first = len(prompts[index]) - 1  # its logits predict the answer's first
                    while j < len(tokens) - 1:
                        if int(self._batch.n_tokens) >= self.n_batch or len(rows) >= _SCORE_ROWS:
                            break
                        row = self._batch_add(tokens[j], pos + j, slot, j >= first)
                        if j >= first:
                            rows.append((row, index, tokens[j + 1]))
                        j += 1
                    feeding[index] = (slot, tokens, j, pos)
                    if j >= len(tokens) - 1:
                        finished.append(index)
                if int(self._batch.n_tokens):
                    self._decode()
                for row, index, token in rows:
                    logprobs[index].append(_logprob(self._logits(row), token))
                for index in finished:
                    slot = feeding.pop(index)[0]
                    llama.llama_memory_seq_rm(memory, slot, -1, -1)
                    free.append(slot)
        finally:
            for slot, _tokens, _j, _pos in feeding.values():
                llama.llama_memory_seq_rm(memory, slot, -1, -1)

    def _spans(self, tokens: list[int], logprobs: list[float]) -> list[TokenScore]:
        """Pair each token's log-prob with its span in the detokenized answer (a token that
        ends inside a character spans nothing; the next one spans the character)."""
        spans: list[TokenScore] = []
        done = 0
        for k, logprob in enumerate(logprobs):
            text = self._model.detokenize(tokens[: k + 1], special=False)
            end = len(text.decode("utf-8", errors="ignore"))
            spans.append(TokenScore(min(done, end), end, logprob))
            done = max(done, end)
        return spans

    def close(self) -> None:
        with self._lock:
            if self._batch is not None:
                self._llama.llama_batch_free(self._batch)
                self._batch = None
            self._ctx.close()  # type: ignore[no-untyped-call]
            self._model.close()  # type: ignore[no-untyped-call]


def _logprob(logits: Any, token: int) -> float:
    """Return the log-probability of ``token`` under a row of logits (a log-softmax)."""
    top = float(logits.max())
    return float(logits[token]) - top - float(np.log(np.exp(logits - top).sum()))


def _split_head(content: str) -> tuple[str, str]:
    """Split a user message into its language pair's head (through ``<text>``) and the
    rest; a message without one is all rest."""
    head, sep, rest = content.partition(_HEAD_END)
    return (head + sep, rest) if sep else ("", content)


def _placed(outputs: list[str], where: Sequence[int], done: Sequence[str]) -> list[str]:
    """Return ``outputs`` with ``done[k]`` put at index ``where[k]``."""
    for index, text in zip(where, done, strict=True):
        outputs[index] = text
    return outputs
