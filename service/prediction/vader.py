"""An exact, faster reimplementation of vaderSentiment 3.3.2's `SentimentIntensityAnalyzer.polarity_scores`.

Why: the built-in sentiment model runs VADER inline on every /v1/predict request, and the package's
`polarity_scores` was the largest single cost of such a request (50-100 us for an 85-character prompt;
this takes 8-10 us, and about a tenth of the package's time on a 1 KB prompt: bench/vader.py).
Most of that is overhead, not the model: for every lexicon word the package rebuilds a lowercased copy of
the whole text up to four times (`_negation_check`, `_special_idioms_check`), scans the NEGATE list
linearly in `negated()`, formats n-gram strings that cannot match, and lowercases the same words again
and again. This module keeps the algorithm and changes only how much work it does:

- the text is tokenised and lowercased once; lexicon, booster, negation and special-case lookups are
  set/dict lookups (multi-word special cases and booster n-grams are nested dicts keyed word by word,
  so no n-gram string is built);
- only the lexicon words go through the rules, and only their sentiments are kept: every other word
  scores 0, and zeros change neither the sums nor the "but" rule, they only count as neutral;
- emojis are replaced only when the text holds one (one regex search decides).

The rules, their order and the float operations are the package's, one for one, so every output dict
is bit-for-bit identical: booster/dampener words and their ALL-CAPS emphasis, ALL-CAPS emphasis of the
word itself (only when some but not all words are ALL CAPS), "no" as negation, negation within three
words (NEGATE words and anything containing "n't"), "never so/this", "without doubt", special-case
phrases ("the shit", "bad ass", "kiss of death", ...), booster n-grams ("kind of", "sort of"), "least"
(but not "at least"/"very least"), the "but" rule, "!" and "?" emphasis, normalisation with alpha=15,
and the sifting into pos/neg/neu. Constants and word lists are imported from the package; the lexicon
and the emoji lexicon are read from the package's own data files, parsed the way the package parses them.

tests/test_vader.py holds this equal to the package (hypothesis, the README/demo sentences, every VADER
rule, and the project's labelled corpus). Because equality is only known for the version mirrored here,
`Vader()` refuses to start (a one-line `ConfigError`) if a different vaderSentiment is installed, and
pyproject.toml pins vadersentiment==3.3.2 for that reason: to move, update this module and run the tests
against the new version.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

import vaderSentiment.vaderSentiment as _vader
from vaderSentiment.vaderSentiment import BOOSTER_DICT, C_INCR, N_SCALAR, NEGATE, SPECIAL_CASES

from service.config import ConfigError

MIRRORED_VERSION = "3.3.2"

_PUNCTUATION = string.punctuation
_NEGATE = frozenset(NEGATE)
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_MISSING: Any = object()


class VaderVersionError(ConfigError):
    """The installed vaderSentiment is not the version this module mirrors."""


def _ngram_tables(phrases: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, dict[str, Any]]]]:
    """Two- and three-word keys of `phrases` as nested dicts: {w1: {w2: value}} and {w1: {w2: {w3: value}}}.

    The package looks up "{0} {1}".format(a, b) in the dict. Tokens come from str.split() and their
    lowercasing never produces a space, so that string equals a key exactly when the key split on " "
    is [a, b]; keys of one word, of four or more, or with empty parts can never match an n-gram.
    """
    two: dict[str, dict[str, Any]] = {}
    three: dict[str, dict[str, dict[str, Any]]] = {}
    for phrase, value in phrases.items():
        parts = phrase.split(" ")
        if "" in parts:
            continue
        if len(parts) == 2:
            two.setdefault(parts[0], {})[parts[1]] = value
        elif len(parts) == 3:
            three.setdefault(parts[0], {}).setdefault(parts[1], {})[parts[2]] = value
    return two, three


def _normalize(score: float, alpha: int = 15) -> float:
    # vaderSentiment.normalize
    norm_score = score / math.sqrt((score * score) + alpha)
    if norm_score < -1.0:
        return -1.0
    elif norm_score > 1.0:
        return 1.0
    else:
        return norm_score


class Vader:
    """`polarity_scores(text)` returns what vaderSentiment 3.3.2 returns for `text`, exactly. Build once."""

    def __init__(self) -> None:
        try:
            installed = metadata.version("vaderSentiment")
        except metadata.PackageNotFoundError:
            installed = "an unknown version"
        if installed != MIRRORED_VERSION:
            raise VaderVersionError(
                f"vaderSentiment {installed} is installed but service/prediction/vader.py mirrors "
                f"{MIRRORED_VERSION}; install vadersentiment=={MIRRORED_VERSION} or update vader.py "
                f"and tests/test_vader.py for the new version")
        data_dir = Path(_vader.__file__).resolve().parent
        self.lexicon = self._read_lexicon(data_dir / "vader_lexicon.txt")
        self.emojis = self._read_emojis(data_dir / "emoji_utf8_lexicon.txt")

        # The package walks the text one character at a time (`chr in self.emojis`): only one-character
        # keys can ever match. _emoji_re finds candidates: the BMP emoji characters (re keeps those in a
        # table looked up in O(1)) and every character beyond the BMP (listing the ~1,000 emojis there
        # would make re test them one by one, ~1 us per character); candidates are checked in the dict.
        self._emoji_chars = {k: v for k, v in self.emojis.items() if len(k) == 1}
        bmp = "".join(re.escape(k) for k in sorted(self._emoji_chars) if ord(k) <= 0xFFFF)
        self._emoji_re = re.compile(f"[{bmp}\U00010000-\U0010FFFF]")
        self._ascii_emojis = any(k.isascii() for k in self._emoji_chars)  # none in 3.3.2
        # Words that go through sentiment_valence: the package gives booster words 0 before looking them up.
        self._scored = frozenset(w for w in self.lexicon if w not in BOOSTER_DICT)
        self._least_in_lexicon = "least" in self.lexicon
        self._special2, self._special3 = _ngram_tables(SPECIAL_CASES)
        self._booster2, self._booster3 = _ngram_tables(BOOSTER_DICT)
        self._ngram_starts = frozenset(self._special2) | frozenset(self._special3) \
            | frozenset(self._booster2) | frozenset(self._booster3)

    @staticmethod
    def _read_lexicon(path: Path) -> dict[str, float]:
        # SentimentIntensityAnalyzer.make_lex_dict; codecs.open() does not translate newlines, nor does this.
        lex_dict: dict[str, float] = {}
        for line in path.read_bytes().decode("utf-8").rstrip("\n").split("\n"):
            if not line:
                continue
            (word, measure) = line.strip().split("\t")[0:2]
            lex_dict[word] = float(measure)
        return lex_dict

    @staticmethod
    def _read_emojis(path: Path) -> dict[str, str]:
        # SentimentIntensityAnalyzer.make_emoji_dict
        emoji_dict: dict[str, str] = {}
        for line in path.read_bytes().decode("utf-8").rstrip("\n").split("\n"):
            (emoji, description) = line.strip().split("\t")[0:2]
            emoji_dict[emoji] = description
        return emoji_dict

    def _replace_emojis(self, text: str) -> str:
        # Each emoji becomes its description, preceded by a space unless it starts the text or follows a
        # " " (the package's prev_space: only U+0020 counts, and an emoji leaves it False).
        emoji_chars = self._emoji_chars

        def describe(m: re.Match[str]) -> str:
            char = m.group()
            description = emoji_chars.get(char)
            if description is None:
                return char
            start = m.start()
            return description if start == 0 or text[start - 1] == " " else " " + description

        return self._emoji_re.sub(describe, text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        # convert emojis to their textual descriptions
        if (self._ascii_emojis or not text.isascii()) and self._emoji_re.search(text) is not None:
            text = self._replace_emojis(text)
        text = text.strip()

        # SentiText: split on whitespace, strip leading/trailing punctuation unless that leaves <= 2 chars
        # (":)" and "n't"-style tokens survive whole).
        punctuation = _PUNCTUATION
        # (an alphanumeric token holds no ASCII punctuation: strip() would return it unchanged)
        words = [t if t.isalnum() else s if len(s := t.strip(punctuation)) > 2 else t for t in text.split()]
        n = len(words)
        if not n:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        lowers = list(map(str.lower, words))
        # allcap_differential: some, but not all, words are ALL CAPS
        cap_differential = n - sum(map(str.isupper, words))
        is_cap_diff = 0 < cap_differential < n

        # The package appends one sentiment per word; every word outside the lexicon, and every booster
        # word, gets int 0, so only the sentiments at `positions` (lexicon words, in order) are kept.
        # The rest of the list only counts as neutral: zeros change neither the sum (floats, added in
        # order: x + 0 == x) nor the sifting, and list.index() in the "but" rule never matches them.
        scored = self._scored
        positions = [i for i, w in enumerate(lowers) if w in scored]
        if not positions:
            # every sentiment is 0: compound 0/sqrt(15) = 0.0, pos = neg = 0.0, neu = n/n = 1.0
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        last = n - 1
        sentiments: list[float] = []
        for i in positions:
            if lowers[i] == "kind" and i < last and lowers[i + 1] == "of":
                sentiments.append(0)
            else:
                sentiments.append(self._sentiment_valence(i, words, lowers, is_cap_diff))

        if "but" in lowers:
            self._but_check(lowers.index("but"), positions, sentiments)
        return self._score_valence(sentiments, n, text)

    def _sentiment_valence(self, i: int, words: list[str], lowers: list[str], is_cap_diff: bool) -> float:
        lexicon = self.lexicon
        item_lowercase = lowers[i]
        last = len(lowers) - 1
        valence = lexicon[item_lowercase]

        # "no" as negation of an adjacent lexicon item vs "no" as its own lexicon item
        if item_lowercase == "no" and i != last and lowers[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowers[i - 1] == "no") \
                or (i > 1 and lowers[i - 2] == "no") \
                or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor")):
            valence = lexicon[item_lowercase] * N_SCALAR

        # sentiment-laden word in ALL CAPS (while others aren't)
        if is_cap_diff and words[i].isupper():
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR

        # The three preceding words (start_i = 0, 1, 2), each only if it is not itself a lexicon word:
        # booster/dampener scalar (dampened by distance), then _negation_check; after the third,
        # _special_idioms_check. negated() lowercases again: str.lower is idempotent, so lowers[] serves.
        if i > 0:
            one = lowers[i - 1]
            if one not in lexicon:
                s = self._scalar_inc_dec(one, words[i - 1], valence, is_cap_diff) if one in BOOSTER_DICT else 0.0
                valence = valence + s
                if one in _NEGATE or "n't" in one:
                    valence = valence * N_SCALAR
            if i > 1:
                two = lowers[i - 2]
                if two not in lexicon:
                    s = self._scalar_inc_dec(two, words[i - 2], valence, is_cap_diff) if two in BOOSTER_DICT else 0.0
                    if s != 0:
                        s = s * 0.95
                    valence = valence + s
                    if two == "never" and (one == "so" or one == "this"):
                        valence = valence * 1.25
                    elif two == "without" and one == "doubt":
                        pass
                    elif two in _NEGATE or "n't" in two:
                        valence = valence * N_SCALAR
                if i > 2:
                    three = lowers[i - 3]
                    if three not in lexicon:
                        s = self._scalar_inc_dec(three, words[i - 3], valence, is_cap_diff) \
                            if three in BOOSTER_DICT else 0.0
                        if s != 0:
                            s = s * 0.9
                        valence = valence + s
                        # (sic) `never and (so or this) or (so or this)`: "so"/"this" right before the word
                        # multiplies by 1.25 with or without "never".
                        if (three == "never" and (two == "so" or two == "this")) or (one == "so" or one == "this"):
                            valence = valence * 1.25
                        elif three == "without" and (two == "doubt" or one == "doubt"):
                            pass
                        elif three in _NEGATE or "n't" in three:
                            valence = valence * N_SCALAR
                        # (it can only change something if one of these words starts a multi-word phrase)
                        ngram_starts = self._ngram_starts
                        if three in ngram_starts or two in ngram_starts or one in ngram_starts \
                                or item_lowercase in ngram_starts:
                            valence = self._special_idioms_check(valence, lowers, i)

            # _least_check: "least" before the word negates it, unless "at least" / "very least"
            if one == "least" and not self._least_in_lexicon:
                if i > 1:
                    if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                        valence = valence * N_SCALAR
                else:
                    valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _scalar_inc_dec(word_lower: str, word: str, valence: float, is_cap_diff: bool) -> float:
        scalar = 0.0
        if word_lower in BOOSTER_DICT:
            scalar = BOOSTER_DICT[word_lower]
            if valence < 0:
                scalar *= -1
            # booster/dampener word in ALL CAPS (while others aren't)
            if word.isupper() and is_cap_diff:
                if valence > 0:
                    scalar += C_INCR
                else:
                    scalar -= C_INCR
        return scalar

    def _special_idioms_check(self, valence: float, lowers: list[str], i: int) -> float:
        # Only reached with i > 2, so (unlike what the package's code might suggest) no index is negative.
        zero, one, two, three = lowers[i], lowers[i - 1], lowers[i - 2], lowers[i - 3]
        special2, special3 = self._special2, self._special3
        # first match of: onezero, twoonezero, twoone, threetwoone, threetwo
        found = special2.get(one, _EMPTY).get(zero, _MISSING)
        if found is _MISSING:
            found = special3.get(two, _EMPTY).get(one, _EMPTY).get(zero, _MISSING)
            if found is _MISSING:
                found = special2.get(two, _EMPTY).get(one, _MISSING)
                if found is _MISSING:
                    found = special3.get(three, _EMPTY).get(two, _EMPTY).get(one, _MISSING)
                    if found is _MISSING:
                        found = special2.get(three, _EMPTY).get(two, _MISSING)
        if found is not _MISSING:
            valence = found

        n = len(lowers)
        if n - 1 > i:
            found = special2.get(zero, _EMPTY).get(lowers[i + 1], _MISSING)  # zeroone
            if found is not _MISSING:
                valence = found
        if n - 1 > i + 1:
            found = special3.get(zero, _EMPTY).get(lowers[i + 1], _EMPTY).get(lowers[i + 2], _MISSING)  # zeroonetwo
            if found is not _MISSING:
                valence = found

        # booster/dampener n-grams such as 'sort of' or 'kind of': threetwoone, threetwo, twoone
        booster2, booster3 = self._booster2, self._booster3
        found = booster3.get(three, _EMPTY).get(two, _EMPTY).get(one, _MISSING)
        if found is not _MISSING:
            valence = valence + found
        found = booster2.get(three, _EMPTY).get(two, _MISSING)
        if found is not _MISSING:
            valence = valence + found
        found = booster2.get(two, _EMPTY).get(one, _MISSING)
        if found is not _MISSING:
            valence = valence + found
        return valence

    @staticmethod
    def _but_check(bi: int, positions: list[int], sentiments: list[float]) -> None:
        # The package: for each sentiment s (in order), si = sentiments.index(s), i.e. the FIRST word
        # holding an equal value (already rescaled ones included), and that word is rescaled: x0.5 before
        # the first "but" (word bi), x1.5 after it. With equal values this rescales the wrong word, maybe
        # twice, and leaves another alone ("kind but ok": kind 2.4 -> 1.2, then ok 1.2 finds kind first);
        # reproduced as is. Writes only go to places <= the current one, so each value read is still the
        # original. Here `sentiments` holds the lexicon words' sentiments only and positions[j] is the word
        # index of sentiments[j]: a non-zero value is found at the same word as in the full list.
        for j, sentiment in enumerate(sentiments):
            if not sentiment:
                continue  # a zero stays a zero (at most its sign or int/float type would change)
            sj = sentiments.index(sentiment)
            si = positions[sj]
            if si < bi:
                sentiments[sj] = sentiment * 0.5
            elif si > bi:
                sentiments[sj] = sentiment * 1.5

    @staticmethod
    def _score_valence(sentiments: list[float], n_words: int, text: str) -> dict[str, float]:
        sum_s = float(sum(sentiments))
        # _punctuation_emphasis: "!" (up to 4) and "?" (2 or 3, or 4+)
        ep_count = text.count("!")
        if ep_count > 4:
            ep_count = 4
        ep_amplifier = ep_count * 0.292
        qm_count = text.count("?")
        qm_amplifier: float = 0
        if qm_count > 1:
            if qm_count <= 3:
                qm_amplifier = qm_count * 0.18
            else:
                qm_amplifier = 0.96
        punct_emph_amplifier = ep_amplifier + qm_amplifier
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier

        compound = _normalize(sum_s)

        # _sift_sentiment_scores; every word without a sentiment here is neutral
        pos_sum = 0.0
        neg_sum = 0.0
        neu_count = n_words
        for sentiment_score in sentiments:
            if sentiment_score > 0:
                pos_sum += (float(sentiment_score) + 1)
                neu_count -= 1
            elif sentiment_score < 0:
                neg_sum += (float(sentiment_score) - 1)
                neu_count -= 1

        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier

        total = pos_sum + math.fabs(neg_sum) + neu_count
        pos = math.fabs(pos_sum / total)
        neg = math.fabs(neg_sum / total)
        neu = math.fabs(neu_count / total)
        return {"neg": round(neg, 3), "neu": round(neu, 3), "pos": round(pos, 3), "compound": round(compound, 4)}
