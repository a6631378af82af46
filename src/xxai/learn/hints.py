"""Short renderings for Chinese words a model left untranslated: CC-CEDICT, else pinyin.

A small model copies rare words, brands, dishes and names into an English translation as
Chinese characters. The pipeline gives it these renderings as glossary lines on its next
pass, and uses them in place of words still left in Chinese after every pass.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Collection, Sequence
from typing import Any

from xxai.errors import DictionaryError
from xxai.learn.dictionary import SKIP_SENSE, entry_name, fold_name
from xxai.text.langid import is_pinyin_word

__all__ = ["WordHints"]

log = logging.getLogger(__name__)

_MAX_SENSE = 30  # a longer first sense is a definition, not a rendering
# ... but a definition reads better than a guess from a word's parts (户型 "configuration of
# rooms in a residence", not "a household mold"), up to this length.
_LONG_SENSE = 45
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_WORD = re.compile(r"[\u3400-\u9fff·]{2,}")
# jieba's corpus count below which a proper noun is rare enough to hint: Los Angeles (488)
# and Stuttgart (181) are, Tokyo (2,541) and China (129,470) are not.
_RARE_NAME = 500
_MAX_NAMES = 4  # per unit: names, not a vocabulary list
# Rare common nouns (benchmarks: Translator(word_hints=True)): jieba's noun tags, and its
# corpus count below which a word is rare (炒蛋 3, 灭火器 24; 火锅 and 咖啡 are not).
_NOUN_TAGS = frozenset({"n", "vn", "nz"})
_RARE_WORD = 30
# jieba's corpus count from which a model knows a name's Chinese form (伦敦 2,255).
_KNOWN_NAME = 2000
# A word CC-CEDICT lacks is rendered by its parts only when each is this common in jieba's
# corpus (秋 and 冬 are; 珑 and 骧, parts of a brand's transliteration, are not); a word
# jieba knows is split into its characters only when it has two.
_COMMON_PART = 500
_NAME_TAGS = ("nr", "ns", "nt", "nz")
# Particles and interjections carry grammar, not a sense a reader needs: CC-CEDICT's first
# sense of 了 is "to finish", which made 又晚点了 "again late to finish". Left out of a
# word rendered by its parts.
_PARTICLES = frozenset("了的地得着过吗呢吧啊呀嘛哦啦么呗哈哇噢咯")
# Chinese people's names (jieba's "nr"), written in pinyin for English: a small model made
# 陈乔恩 "Nong Chao Jie" and 王安宇 "Suan Yan Yu". Only three characters (a surname and a
# two-character given name: two-character "names" jieba finds are as often titles or
# words, 王哥 "brother Wang", 唐探 a film), a common surname, no character of a
# transliteration (罗伯特 is Robert, 雷纳托 Renato), not a word CC-CEDICT has (its names get
# their English form, 马云 Jack Ma), nor one ending in a title or a plant (郑大人, 龙须草).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤舒"
)
_SURNAME_READINGS = {"曾": "zeng", "覃": "qin", "万": "wan"}
_TRANSLITERATION = frozenset("斯特克尔纳托里德夫姆布普尼亚维卡拉伊格莱奥瑟蒂伯逊顿索塞西")
_NOT_GIVEN = ("大人", "草", "花", "树", "哥", "姐", "总")
_PINYIN_VOWEL = re.compile(r"^[aoe]")
# A cross-reference's word, simplified: "see 史蒂夫·喬布斯|史蒂夫·乔布斯[Shi3 ...]".
_REFERRED = re.compile(r"^see (?:[^|\[/]*\|)?([^\[/|]+)\[")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,4}")
_POSSESSIVE = re.compile(r"['’]s\b")
# A run of capitalised words (a sentence's first word too: an ordinary word is left out
# by the dictionary and word frequencies).
_CAPITALISED_WORDS = re.compile(r"(?<![\w'’-])[A-Z][a-z][\w'’-]*(?: [A-Z][a-z][\w'’-]*){0,3}")
# What is no name: links, mentions and tags.
_BLOCKED = re.compile(r"https?://\S+|www\.\S+|[@#]\S+")
# wordfreq's Zipf frequency from which an English word is common (not a rare name):
# "Jenner" is below it, "Jisoo" far below; "Chase" and "Rose" are words.
_COMMON_ENGLISH = 3.0
_WORD_ENDINGS = ("ing", "ness", "tion")
_RARE_FIRST = 2.5
# From this Zipf frequency a capitalised word beside a name is an ordinary word ("New",
# "City"), not another part of the name ("Johansson" 2.0, "Watson" 3.6).
_NAME_PART = 4.0
_VERY_COMMON = 4.5  # "My", "The": no part of a name beside them ("Chow" 3.4 is)


class WordHints:
    """Render Chinese words in English (dictionary) or any Latin-script language (pinyin)."""

    def __init__(self, dictionary: Any = None) -> None:
        self._dictionary = dictionary
        self._tried = dictionary is not None

    def _dict(self) -> Any:
        if not self._tried:
            self._tried = True
            try:
                from xxai.learn.dictionary import default_dictionary

                self._dictionary = default_dictionary()
            except (DictionaryError, OSError) as exc:
                log.warning("no CC-CEDICT for word hints (%s): pinyin only", exc)
        return self._dictionary

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process
    def render(self, word: str, target: str) -> str:
        """Return a short rendering of ``word`` for ``target`` (en: a dictionary sense)."""
        if target == "en":
            sense = self._dictionary_rendering(word)
            if sense:
                return sense
            if len(word) > 3:
                return self._by_parts(word)
            common = self._common_parts(word)
            if common:
                return common
        return _pinyin(word)

    def _dictionary_rendering(self, word: str) -> str:
        """Return a short sense, else the name of a proper noun, else a longer definition
        (CC-CEDICT), or "" when the dictionary has none of them."""
        return self._sense(word) or self._name(word) or self._sense(word, _LONG_SENSE)

    def _name(self, word: str) -> str:
        """Return the English name of a word all of whose CC-CEDICT entries are proper
        nouns (恩施 Enshi: its parts' senses made "favor to put into effect"), or ""."""
        dictionary = self._dict()
        entries = dictionary.lookup(word) if dictionary is not None else []
        if not entries or not all(e.reading[:1].isupper() for e in entries):
            return ""
        name = entry_name(entries[0].senses)
        if name is None:  # a cross-reference ("see 恩施市"): the name in pinyin
            name = self._part_of(word, entries[0].senses[0])
            name = name or fold_name(entries[0].pinyin()).replace("'", "").capitalize()
        return name

    def _part_of(self, word: str, sense: str) -> str:
        """Return the part of a full name that ``word`` is, where ``sense`` refers to that
        name: 乔布斯 ("see 史蒂夫·乔布斯", Steve Jobs) is "Jobs", not "Qiaobusi"; else ""."""
        referred = _REFERRED.search(sense)
        dictionary = self._dict()
        if not referred or dictionary is None or "·" not in referred.group(1):
            return ""
        parts = referred.group(1).split("·")
        entries = dictionary.lookup(referred.group(1))
        full = entry_name(entries[0].senses) if entries and word in parts else None
        words = full.split() if full else []
        return words[parts.index(word)] if len(words) == len(parts) else ""

    def german(self, word: str, noun: bool) -> str:
        """Return the usual German word for an English ``word`` a model left in a German
        translation ("Spokesperson" Sprecher, "drought" Dürre), from FreeDict's eng-deu
        dictionary when Debian's dict-freedict-eng-deu is installed, else ""."""
        from xxai.learn.freedict import default_english_german

        dictionary = default_english_german()
        return dictionary.german(word, noun) if dictionary is not None else ""

    def german_nouns(self, text: str) -> list[tuple[str, str]]:
        """Return the rare nouns of an English ``text`` with their German word (quake
        Erdbeben), and the places German names otherwise (Bolivia Bolivien), from FreeDict
        when it is installed, else none."""
        from xxai.learn.freedict import default_english_german

        dictionary = default_english_german()
        if dictionary is None:
            return []
        return [*dictionary.rare_nouns(text), *dictionary.places(text)]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process
    def chinese(self, word: str) -> str:
        """Return the usual Chinese word for an ordinary English ``word`` a model left in
        a Chinese translation ("everyone" 大家, "verbally" 口头, "friends" 朋友), or "".

        CC-CEDICT's words that give it (or its stem: "friends" is "friend", "verbally"
        "verbal") as a sense, the most frequent by wordfreq's Chinese list, less half a
        point for each sense before the one that does (可爱 "adorable/cute": "cute" second).
        """
        dictionary = self._dict()
        if dictionary is None:
            return ""
        from wordfreq import zipf_frequency

        index: dict[str, dict[str, int]] = dictionary.chinese_words
        best, score = "", 0.0
        for form in english_forms(word.lower()):
            for chinese, sense in index.get(form, {}).items():
                value = zipf_frequency(chinese, "zh") - 0.5 * sense
                if value > score:
                    best, score = chinese, value
        return best

    def ordinary(self, word: str) -> bool:
        """Return True when ``word`` is an ordinary English word (not a name): CC-CEDICT
        writes it in lower case in its definitions (plurals count: "probiotics")."""
        dictionary = self._dict()
        if dictionary is None:
            return False
        vocab: frozenset[str] = dictionary.english_words
        low = word.lower()
        return low in vocab or (low.endswith("s") and (low[:-1] in vocab or low[:-2] in vocab))

    def names(self, text: str, target: str) -> list[tuple[str, str]]:
        """Return the names in ``text`` with their usual form in ``target``: rare names in
        Chinese text into English (:meth:`english_names`), names in English text into
        Chinese (:meth:`chinese_names`); none for other pairs."""
        if target == "en" and _HAN.search(text):
            found = self.english_names(text)
            return found + self.person_names(text)[: max(0, _MAX_NAMES - len(found))]
        if target == "zh" and not _HAN.search(text):
            found = self.chinese_names(text)
            return (
                found
                + self.kept_names(text, {n for n, _ in found})[: max(0, _MAX_NAMES - len(found))]
            )
        return []

    def kept_names(self, text: str, given: Collection[str] = ()) -> list[tuple[str, str]]:
        """Return ``(name, name)`` for the names in an English text that have no Chinese
        form a dictionary gives: kept in Latin letters in a Chinese translation, as Chinese
        posts write them, where a small model makes one up (a singer's stage name came back
        as another person's Chinese name).

        A name is a capitalised word that is no
        ordinary English word (CC-CEDICT's definitions), rare in English text by wordfreq,
        not a name CC-CEDICT has (:meth:`chinese_names` gives those, ``given``) and not
        pinyin (a Chinese name or place the model may well know: Tianjin, Wang Anyu); the
        rare capitalised words beside it belong to it ("Renato Veiga").
        """
        dictionary = self._dict()
        if dictionary is None:
            return []
        from wordfreq import zipf_frequency

        names: dict[str, str] = dictionary.names
        taken = {w for name in given for w in name.split()}

        def common(word: str) -> bool:
            return zipf_frequency(word.lower(), "en") >= _COMMON_ENGLISH

        def rare(word: str) -> bool:
            # Only for a chain's words: none is taken or a dictionary's name (see below).
            return not (
                is_pinyin_word(word.replace("-", ""))
                or common(word)
                # "Yin-nourishing", "Brightening": words, not names.
                or word.endswith(_WORD_ENDINGS)
                or any(self.ordinary(part) or common(part) for part in word.split("-")[1:])
            )

        found: dict[str, str] = {}
        bare = _BLOCKED.sub(" ", text)
        for match in _CAPITALISED_WORDS.finditer(bare):
            run = _POSSESSIVE.split(match.group(0), maxsplit=1)[0].split()
            # A sentence's first word alone is a name only when very rare ("Rewatch", an
            # English word no dictionary here has, starts a title).
            first = _opens_sentence(bare, match.start())
            if first and len(run) == 1 and zipf_frequency(run[0].lower(), "en") >= _RARE_FIRST:
                continue
            # The words that are no ordinary English word, together: one name ("Chow Tai
            # Fook", not "Fook"), kept where a word of it is rare.
            chains: list[list[str]] = [[]]
            for word in run:
                if (
                    self.ordinary(word)
                    or word in taken
                    or names.get(fold_name(word))
                    or zipf_frequency(word.lower(), "en") >= _VERY_COMMON
                ):
                    chains.append([])
                else:
                    chains[-1].append(word)
            for chain in chains:
                name = " ".join(chain)
                if any(rare(w) for w in chain) and not names.get(fold_name(name)):
                    found.setdefault(name, name)
            if len(found) >= _MAX_NAMES:
                break
        return list(found.items())[:_MAX_NAMES]

    def english_names(self, text: str) -> list[tuple[str, str]]:
        """Return ``(word, English name)`` for the rare proper nouns in a Chinese text.

        A word counts when every CC-CEDICT entry for it is a proper noun (its reading is
        capitalised: 崂山 Lao2 shan1) and jieba's corpus has it fewer than
        ``_RARE_NAME`` times, so 中国 and 美国, which any model knows, are not hinted.
        """
        dictionary = self._dict()
        if dictionary is None or not _HAN.search(text):
            return []
        import jieba

        found: dict[str, str] = {}
        for word in jieba.lcut(text):
            if word in found or not _HAN_WORD.fullmatch(word):
                continue
            if (jieba.get_FREQ(word) or 0) >= _RARE_NAME:
                continue
            name = self._name(word)
            if name:
                found[word] = name
            if len(found) >= _MAX_NAMES:
                break
        return list(found.items())

    def person_names(self, text: str) -> list[tuple[str, str]]:
        """Return ``(name, pinyin)`` for the Chinese people's names in ``text`` a model
        spells wrong (陈乔恩 = Chen Qiao'en, 王安宇 = Wang Anyu); see ``_SURNAMES``."""
        dictionary = self._dict()
        if dictionary is None or not _HAN.search(text):
            return []
        import jieba.posseg

        words = [(p.word, p.flag) for p in jieba.posseg.lcut(text)]
        found: dict[str, str] = {}
        for i, (word, flag) in enumerate(words):
            if flag != "nr" or len(word) != 3 or word in found or word[0] not in _SURNAMES:
                continue
            beside = {words[i - 1][0] if i else "", words[i + 1][0] if i + 1 < len(words) else ""}
            if (
                _TRANSLITERATION.intersection(word[1:])
                or word.endswith(_NOT_GIVEN)
                or "·" in beside  # part of a foreign name: 史蒂夫·乔布斯
                or dictionary.lookup(word)
            ):
                continue
            found[word] = _person_pinyin(word)
            if len(found) >= _MAX_NAMES:
                break
        return list(found.items())

    def rare_words(self, text: str) -> list[tuple[str, str]]:
        """Return ``(word, English sense)`` for rare common nouns in a Chinese text (炒蛋
        = scrambled eggs, 灭火器 = fire extinguisher): what a small model takes literally.

        Nouns by jieba's part of speech, fewer than ``_RARE_WORD`` times in its corpus, in
        CC-CEDICT with one sense only, short (three words at most, not a verb).
        """
        dictionary = self._dict()
        if dictionary is None or not _HAN.search(text):
            return []
        import jieba.posseg

        found: dict[str, str] = {}
        for pair in jieba.posseg.lcut(text):
            word, flag = pair.word, pair.flag
            if word in found or flag not in _NOUN_TAGS or not _HAN_WORD.fullmatch(word):
                continue
            if (jieba.get_FREQ(word) or 0) >= _RARE_WORD:
                continue
            entries = dictionary.lookup(word)
            if not entries or any(e.reading[:1].isupper() for e in entries):
                continue
            if _meanings(entries) != 1:
                # Another sense may be the one meant, and often the post's (干货 "dried
                # food" is useful tips, 气场 "qi field" a presence, 奶嘴 a pacifier).
                continue
            sense = self._sense(word)
            if sense and len(sense.split()) <= 3 and not sense.startswith("to "):
                found[word] = sense
            if len(found) >= _MAX_NAMES:
                break
        return list(found.items())

    def chinese_names(self, text: str) -> list[tuple[str, str]]:
        """Return ``(name, Chinese form)`` for the names in an English text that CC-CEDICT
        gives one Chinese form for (Faye Wong = 王菲, Narita Airport = 成田机场).

        A small model copies such names into Chinese in Latin letters or makes up a
        transliteration. Ordinary words ("May", "Apple") and names any model knows
        (London: jieba counts 伦敦 over ``_KNOWN_NAME`` times) are not given.
        """
        dictionary = self._dict()
        if dictionary is None:
            return []
        names: dict[str, str] = dictionary.names
        found: dict[str, str] = {}
        for match in _CAPITALISED_RUN.finditer(text):
            # A possessive ends the name: "Kuala Lumpur's New…" holds "Kuala Lumpur".
            run = _POSSESSIVE.split(match.group(0), maxsplit=1)[0]
            words = run.split()
            opens = _opens_sentence(text, match.start())
            start = 0
            while start < len(words):
                for end in range(len(words), start, -1):  # the longest name first
                    phrase = " ".join(words[start:end])
                    # "the Forbidden City" is in a sentence as "Forbidden City".
                    chinese = names.get(fold_name(phrase)) or names.get(fold_name(f"the {phrase}"))
                    if chinese and self._worth_naming(phrase, chinese, opens and start == 0):
                        if self._part_of_a_name(words, start, end):
                            break
                        found.setdefault(phrase, chinese)
                        start = end - 1
                        break
                start += 1
            if len(found) >= _MAX_NAMES:
                break
        return list(found.items())[:_MAX_NAMES]

    def _part_of_a_name(self, words: list[str], start: int, end: int) -> bool:
        """Return True when the one word ``words[start:end]`` is half of a two-word name
        the dictionary lacks: a given name before a rare surname (Scarlett, 思嘉丽, of
        Scarlett Johansson), or a Chinese given name in pinyin after a surname (Wenshan,
        文山 the place, of Xu Wenshan; Longwan Wuyue is a place)."""
        from wordfreq import zipf_frequency

        if len(words) != 2 or end - start != 1:
            return False
        first, second = (w.strip("#@'’\"()") for w in words)
        if first.lower() in _surname_pinyin() and is_pinyin_word(second):
            return True
        return (
            start == 0
            and second[:1].isupper()
            and not is_pinyin_word(second)
            and not self.ordinary(second)
            and zipf_frequency(second.lower(), "en") < _NAME_PART
        )

    def _worth_naming(self, phrase: str, chinese: str, opens: bool = False) -> bool:
        """Whether ``phrase`` (``opens``: a sentence's first word) is a name to give
        ``chinese`` for."""
        import jieba

        if (jieba.get_FREQ(chinese) or 0) >= _KNOWN_NAME:
            return False
        if " " in phrase:
            return True
        # One word is a name to give only when it is transliterated (尤文图斯 Juventus,
        # 斯图加特 Stuttgart) or rare in English text (Kamakura 镰仓, Akita 秋田: Japanese
        # names the small model spelled out in sounds, 卡马库拉; rarer still to open a
        # sentence, where "Cayenne pepper" is capitalised too): not a word ("May", "Leo"
        # 狮子), a nationality or language ("Chinese" is 中国籍 in CC-CEDICT, "Finnish"
        # 芬兰语) or a short form with other senses.
        from wordfreq import zipf_frequency

        rare = _RARE_FIRST if opens else _COMMON_ENGLISH
        return (
            (
                len(chinese) >= 3
                or self._spelled_in_pinyin(phrase, chinese)
                or zipf_frequency(phrase.lower(), "en") < rare
            )
            and not self.ordinary(phrase)
            and not phrase.endswith(("ese", "ish", "ian", "ern"))
            and not chinese.endswith(("籍", "语", "人", "片"))
        )

    def _spelled_in_pinyin(self, phrase: str, chinese: str) -> bool:
        """Whether a one-word name is its Chinese form's pinyin, syllable for syllable
        (Laoshan is 崂山 Lao2 shan1): a Chinese place written in Latin letters, which the
        small model turned into another place (莱山), not a short form with other senses."""
        dictionary = self._dict()
        if dictionary is None or len(chinese) < 2:
            return False
        spelled = re.sub(r"[^a-z]", "", phrase.casefold())
        return any(
            re.sub(r"[^a-z]", "", entry.reading.casefold()) == spelled
            for entry in dictionary.lookup(chinese)
        )

    def _sense(self, word: str, longest: int = _MAX_SENSE) -> str:
        """Return the first sense of ``word`` up to ``longest`` characters, or ""."""
        dictionary = self._dict()
        if dictionary is None:
            return ""
        for entry in dictionary.lookup(word):
            for sense in entry.senses:
                first = sense.split(";")[0].strip()
                if not first or SKIP_SENSE.match(first):
                    continue
                bare = " ".join(re.sub(r"\([^)]*\)", " ", first).split())
                if bare and len(bare) <= longest:
                    return bare
        return ""

    def _common_parts(self, word: str) -> str:
        """Return a short word CC-CEDICT lacks in the senses of its common parts (秋冬
        "autumn winter", 也可以 "also can"), or "" for what may be a name (里涩, 珑骧: a word
        jieba does not know, a part it rarely sees, or its tag for names): pinyin then."""
        import jieba
        import jieba.posseg

        parts = jieba.lcut(word)
        if len(parts) == 1:
            tag = jieba.posseg.dt.word_tag_tab.get(word, "")
            if len(word) != 2 or not jieba.get_FREQ(word) or tag.startswith(_NAME_TAGS):
                return ""
            parts = list(word)
        parts = _without_particles(parts)
        senses = []
        for i, part in enumerate(parts):
            # A part of two or more characters that CC-CEDICT knows is a word, not a piece
            # of a name, even where jieba's corpus lacks it (晚点 "late"); so is one
            # character after such a word, its head (红豆馅 "azuki bean filling", not
            # "Hongdouxian").
            known = (
                (jieba.get_FREQ(part) or 0) >= _COMMON_PART
                or len(part) > 1
                or (i > 0 and len(parts[i - 1]) > 1)
            )
            sense = self._sense(part) if known else ""
            if not sense:
                return ""
            senses.append(sense)
        return " ".join(senses)

    def _by_parts(self, word: str) -> str:
        import jieba

        parts = _without_particles([p for p in jieba.lcut(word) if p.strip()])
        return " ".join(self._dictionary_rendering(p) or self._pieces(p) for p in parts)

    def _pieces(self, part: str) -> str:
        """Return a part CC-CEDICT lacks in the senses of the longest dictionary words it
        is made of (次列车: 列车 "train", 次 a classifier left out), or its pinyin where a
        character is neither in such a word nor a classifier (what may be a name)."""
        senses: list[str] = []
        i = 0
        while i < len(part):
            for j in range(len(part), i + 1, -1):
                sense = self._sense(part[i:j])
                if sense:
                    senses.append(sense)
                    i = j
                    break
            else:
                if not self._classifier(part[i]):
                    return _pinyin(part)
                i += 1
        return " ".join(senses) or _pinyin(part)

    def _classifier(self, char: str) -> bool:
        """Whether CC-CEDICT gives ``char`` a classifier's sense (次, 个, 只)."""
        dictionary = self._dict()
        if dictionary is None:
            return False
        return any(
            sense.lower().startswith("classifier")
            for entry in dictionary.lookup(char)
            for sense in entry.senses
        )


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` is the first of its sentence (of the text, or after
    a full stop, a question or exclamation mark, or a line break)."""
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?\n"


def _meanings(entries: Sequence[Any]) -> int:
    """Return how many senses a word's dictionary entries give, leaving out classifiers,
    cross-references and other spellings."""
    return sum(
        1
        for entry in entries
        for sense in entry.senses
        if not SKIP_SENSE.match(sense) and not sense.startswith("also written")
    )


def _without_particles(parts: list[str]) -> list[str]:
    """Return ``parts`` without particles (了, 的, 吗), unless nothing else is left."""
    kept = [p for p in parts if p not in _PARTICLES]
    return kept or parts


def _person_pinyin(name: str) -> str:
    """Write a Chinese person's name in pinyin as English does: "Chen Qiao'en"."""
    from pypinyin import lazy_pinyin

    surname, *given = lazy_pinyin(name)
    surname = _SURNAME_READINGS.get(name[0], surname)
    joined = given[0] + "".join(("'" if _PINYIN_VOWEL.match(g) else "") + g for g in given[1:])
    return f"{surname.capitalize()} {joined.capitalize()}"


@functools.cache
def _surname_pinyin() -> frozenset[str]:
    """The common surnames (``_SURNAMES``) as pinyin: "xu", "wang", "zeng"."""
    return frozenset(_SURNAME_READINGS.get(c) or _pinyin(c).lower() for c in _SURNAMES)


def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(word) if s.strip()]
    return "".join(syllables).capitalize() if syllables else word


# English endings and what the stem ends in without them: "friends" friend, "younger"
# young, "verbally" verbal, "studies" study.
#: A plural noun's endings and what its singular ends with.
PLURAL_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""))
_ENDINGS = (
    *PLURAL_ENDINGS,
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("er", ""),
    ("ally", "al"),
    ("ily", "y"),
    ("ly", ""),
)


def english_forms(
    word: str, endings: tuple[tuple[str, str], ...] = _ENDINGS, shortest: int = 3
) -> list[str]:
    """Return ``word`` and the stems it may be an inflection of by ``endings`` (each
    ``shortest`` letters or more before its new ending)."""
    forms = [word]
    for ending, stem in endings:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            forms.append(word[: -len(ending)] + stem)
    return forms
