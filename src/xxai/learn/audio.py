"""Speak a word, a sentence or a reply offline with espeak-ng (Mandarin voice ``cmn``).

espeak-ng is a Debian package (``apt-get install espeak-ng``, done by scripts/setup.sh). The
text goes to it on standard input, never on its command line, so a text that starts with a
dash or holds shell characters is only ever spoken. Spoken clips are WAV files cached under
``$XXAI_HOME/audio`` by a hash of what was said and how, so a word card, the web page and an
Anki export share one file.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from xxai.errors import InputError, SpeechError
from xxai.languages import normalize_lang

__all__ = ["MAX_SPEECH_CHARS", "VOICES", "Clip", "Speaker", "voice_for"]

log = logging.getLogger(__name__)

#: espeak-ng voice per language code: Mandarin for both scripts.
VOICES = {"zh": "cmn", "zh-Hant": "cmn", "en": "en-us", "de": "de"}
MAX_SPEECH_CHARS = 2_000
_TIMEOUT_S = 30
_INSTALL_HINT = "install it with `apt-get install espeak-ng` (scripts/setup.sh does this)"


def voice_for(lang: str) -> str:
    """Return the espeak-ng voice for a language code (zh, zh-Hant, en, de)."""
    code = normalize_lang(lang)
    try:
        return VOICES[code]
    except KeyError:
        raise InputError(
            f"no voice for language {lang!r}; speech works for {', '.join(VOICES)}"
        ) from None


@dataclass(frozen=True)
class Clip:
    """A spoken text: the WAV file and what it says."""

    path: Path
    text: str
    lang: str
    voice: str

    def read(self) -> bytes:
        """Return the WAV bytes."""
        return self.path.read_bytes()


class Speaker:
    """Turn texts into WAV clips with espeak-ng, cached in a folder."""

    def __init__(self, folder: Path, program: str = "espeak-ng", rate: int = 140) -> None:
        self.folder = folder
        self.program = program
        self.rate = max(80, min(450, rate))

    def available(self) -> bool:
        """Return True when the espeak-ng program can be found."""
        return shutil.which(self.program) is not None

    def _binary(self) -> str:
        found = shutil.which(self.program)
        if found is None:
            raise SpeechError(f"cannot speak: {self.program} is not installed; {_INSTALL_HINT}")
        return found

    def speak(self, text: str, lang: str = "zh") -> Clip:
        """Return a clip of ``text`` read in ``lang``, made once and then reused."""
        spoken = " ".join(text.split())
        if not spoken:
            raise InputError("nothing to say: the text is empty")
        if len(spoken) > MAX_SPEECH_CHARS:
            raise InputError(
                f"the text has {len(spoken):,} characters; speech takes at most "
                f"{MAX_SPEECH_CHARS:,}"
            )
        voice = voice_for(lang)
        key = hashlib.sha256(f"{voice}\t{self.rate}\t{spoken}".encode()).hexdigest()[:24]
        path = self.folder / f"{key}.wav"
        if not path.exists():
            self._render(spoken, voice, path)
        return Clip(path, spoken, normalize_lang(lang), voice)

    def _render(self, text: str, voice: str, path: Path) -> None:
        binary = self._binary()
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        # -w (not --stdout): espeak-ng only writes a WAV header with true sizes to a file.
        command = [binary, "-v", voice, "-s", str(self.rate), "-b", "1", "-w", str(partial)]
        command.append("--stdin")
        try:
            done = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True, timeout=_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            message = f"{self.program} took over {_TIMEOUT_S} s; try a shorter text"
            raise SpeechError(message) from None
        except OSError as exc:
            raise SpeechError(f"cannot run {self.program}: {exc}") from None
        head = partial.read_bytes()[:4] if partial.exists() else b""
        if done.returncode != 0 or head != b"RIFF":
            partial.unlink(missing_ok=True)
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit status {done.returncode}"
            raise SpeechError(f"{self.program} failed: {reason}")
        partial.replace(path)  # never leave a half-written clip under the final name
        log.debug("spoke %d characters with voice %s into %s", len(text), voice, path)
