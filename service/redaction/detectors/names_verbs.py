"""PERSON from what the sentence says a word does: the subject or object of a speech verb ("says Košutnik.",
"said Jordan to Michelle", "Lanoie said"), the agent after a creative participle and "by" ("sung by Wit
Rutkowski", "directed by Willemine ten Pas"), an owner of personal things ("Stojadin's address"), the
subject of "is from", and a word addressed at the start of a text ("Asmart, can I ...").

Threat model: a lone name the lists do not know is still a name when its sentence treats it as a person.
The word must be capitalised and no plain common word (a known name that is also a word, "Jordan", counts);
companies and products rarely "say" things in prompts, and those that do are mostly in `not_names`.

Speed: the pass runs only when the text holds one of the trigger words; every occurrence is found with
`str.find` and costs a bounded look at the words next to it.
"""

from __future__ import annotations

import re

from service.redaction.detectors.name_lists import STOPWORDS, TITLES

_SAY = frozenset("says said asks asked tells told replied replies answered explained added admitted whispered "
                 "shouted laughed smiled".split())
_DOES = frozenset("began spent".split())  # "Ukkonen began writing", "Ben spent a year": a subject that lives
_SAY_BEFORE = _SAY | frozenset("thanked starring featuring".split())  # "said X", "starring X"
_BY = frozenset("""sung sang written directed performed arranged composed painted narrated produced recorded
illustrated edited authored translated hosted founded played led conducted""".split())
_OWNED = frozenset("""address phone email number wife husband son daughter mother father brother sister friend
boss birthday family mom dad parents children kids""".split())
_VOCATIVE_NEXT = frozenset("can could would will please do did are is have thanks thank i we you".split())
TRIGGERS = _SAY_BEFORE | _DOES | _BY | _OWNED  # ("is from" and the address at the start are tested apart: common words)
_VOCATIVE = re.compile(r"([^\W\d_][^\W\d_'\-]{1,30}), (\w+)")
_DETERMINED = [[w] for w in "the a an this that our their his her its my your".split()]  # "The Court said"
# ("Directed By:  X"; possessive blanks: a long run of them is crossed once, not once per split of it)
_AFTER = re.compile(r"(?=[ \t:])[ \t]*+:?[ \t]*+([^\W\d_][^\W\d_'\-]{1,30})")
_NEXT = re.compile(r"[ \t]++([^\W\d_][^\W\d_'\-]{1,30})")


def vocative(text: str) -> re.Match[str] | None:
    """The word a text opens by addressing ("Asmart, can I ..."), before any test of the word itself."""
    if not text[:1].isupper() or ", " not in text[:34]:
        return None
    m = _VOCATIVE.match(text)
    return m if m is not None and m.group(2).lower() in _VOCATIVE_NEXT else None


class VerbContexts:
    """Mixin of PersonRecognizer: reads its name sets and `_grow`."""

    first: frozenset[str]
    last: frozenset[str]
    plain: frozenset[str]

    def _person_word(self, text: str, s: int, e: int) -> bool:
        tok = text[s:e]
        low = tok.lower()
        if not tok[0].isupper() or (len(tok) > 1 and tok.isupper()) or low in STOPWORDS or low in TITLES:
            return False
        if low in self.first or low in self.last:
            return True
        return low not in self.plain  # (plain holds not_names and PARTICLES: common, and no list name)

    def _seed(self, text: str, low: str, s: int, e: int, score: float, add, pair: bool = False) -> None:
        if s < e and self._person_word(text, s, e) and low[max(0, s - 6):s].split()[-1:] not in _DETERMINED:
            gs, ge, _n, _st = self._grow(text, low, s, e, "T")
            if ge == e:
                m = _NEXT.match(text, e)  # "Directed by Þorkell Hallbjörnsson": two unknown words, one name
                if m is not None and self._person_word(text, *m.span(1)):
                    ge = m.end(1)
            add(gs, ge, score)
        elif pair and s < e and text[s].isupper() and low[s:e] not in STOPWORDS:
            m = _NEXT.match(text, e)  # "sung by Kat Szalai": a first word that is also a word, then a name
            if m is not None and self._person_word(text, *m.span(1)):
                gs, ge, _n, _st = self._grow(text, low, *m.span(1), "T")
                add(s, ge, score)

    def _word_before(self, low: str, pos: int) -> tuple[int, int]:
        """(start, end) of the word ending right before pos across blanks (possessive "'s" dropped), or (0, 0)."""
        i = pos
        while i > 0 and low[i - 1] in " \t":
            i -= 1
        if i >= 2 and low[i - 2:i] == "'s":
            i -= 2
        e = i
        while i > 0 and e - i < 32 and (low[i - 1].isalpha() or low[i - 1] in "'-"):
            i -= 1
        if i == e or (i and low[i - 1].isalnum()):
            return 0, 0
        return i, e

    def _verb_spans(self, text: str, low: str, triggers: set[str], add) -> None:
        """`triggers`: the text's words met with TRIGGERS (may be empty: the two tests below need none)."""
        n = len(low)
        m = vocative(text)  # "Asmart, can I ..."
        if m is not None:
            self._seed(text, low, *m.span(1), 0.65, add)
        i = low.find(" is from ")
        while i >= 0:  # "Keiran is from Acme Ltd"
            s, e = self._word_before(low, i)
            if e and (s == 0 or low[s - 1] in "\n.!?\"'(") and text[s].isupper():
                self._seed(text, low, s, e, 0.65, add)
            i = low.find(" is from ", i + 9)
        for w in triggers:
            i = low.find(w)
            while i >= 0:
                j = i + len(w)
                if (i and low[i - 1].isalpha()) or (j < n and low[j].isalpha()):
                    i = low.find(w, j)
                    continue
                self._around(text, low, w, i, j, add)
                i = low.find(w, j)

    def _around(self, text: str, low: str, w: str, i: int, j: int, add) -> None:
        if w in _SAY_BEFORE:  # "said Jordan", "says Košutnik."
            m = _AFTER.match(text, j)
            if m is not None:
                self._seed(text, low, *m.span(1), 0.7, add, pair=True)
        if (w in _SAY or w in _DOES) and i and low[i - 1] in " \t":  # "Lanoie said"
            s, e = self._word_before(low, i)
            if e and low[e:e + 2] != "'s":
                self._seed(text, low, s, e, 0.7, add)
        if w in _BY and low.startswith(" by", j):  # "sung by Wit Rutkowski"
            m = _AFTER.match(text, j + 3)
            if m is not None:
                self._seed(text, low, *m.span(1), 0.7, add, pair=True)
        if w in _OWNED and i >= 3 and low[i - 3:i] == "'s ":  # "Stojadin's address"
            s, e = self._word_before(low, i - 1)
            if e:
                self._seed(text, low, s, e, 0.7, add)

    def _coordinated(self, text: str, low: str, found: dict[tuple[int, int], float]) -> None:
        """"Lanoie and Nash", "Wirtz and White": the other side of "and" next to a found name is a person too."""
        for (s, e), score in list(found.items()):
            if score < 0.5:
                continue
            if low.startswith(" and ", e):
                m = _NEXT.match(text, e + 4)
                if m is not None and self._person_word(text, *m.span(1)):
                    gs, ge, _n, _st = self._grow(text, low, *m.span(1), "T")
                    if found.get((gs, ge), 0.0) < 0.7:
                        found[(gs, ge)] = 0.7
            if s >= 5 and low.endswith(" and ", 0, s):
                ws, we = self._word_before(low, s - 4)
                if we and low[we:we + 2] != "'s" and self._person_word(text, ws, we):
                    gs, ge, _n, _st = self._grow(text, low, ws, we, "T")
                    if ge <= s - 5 and found.get((gs, ge), 0.0) < 0.7:
                        found[(gs, ge)] = 0.7
