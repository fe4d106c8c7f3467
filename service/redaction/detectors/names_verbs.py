"""PERSON from what the sentence says a word does: the subject or object of a speech verb ("says Košutnik.",
"said Jordan to Michelle", "Lanoie said"), the agent after a creative participle and "by" ("sung by Wit
Rutkowski", "directed by Willemine ten Pas"), an owner of personal things ("Stojadin's address"), the
subject of "is from", a word addressed at the start of a text ("Asmart, can I ..."), kin after a possessive
("my niece Ottavia"), the one named, given to or spoken to ("named him Brisco", "gave Szymek his keys",
"shouted at Maelle"), the author of "the <Name> novel", and a sentence's subject in a text that speaks of
him or her, or that the sentence calls a person ("Czcibor is reliable. ... depend on him", "Ilmari is a
quiet man", "Quennell and Villa were the authors").

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
# "Ukkonen began writing", "Ben spent a year", "Orsolya lives in Győr": a subject that lives
_DOES = frozenset("began spent lives lived grew married died".split())
_SAY_BEFORE = _SAY | frozenset("thanked starring featuring".split())  # "said X", "starring X"
_BY = frozenset("""sung sang written directed performed arranged composed painted narrated produced recorded
illustrated edited authored translated hosted founded played led conducted""".split())
_KIN = frozenset("""wife husband son daughter mother father brother sister friend mom dad kid child cousin uncle
aunt niece nephew boyfriend girlfriend fiance fiancee grandson granddaughter grandmother grandfather stepson
stepdaughter""".split())
# what a person has and a thing rarely does: "Brannagh's phone", "Quist's kid", "Laidlaw's song", "Oyelaran's killers"
_OWNED = _KIN | frozenset("""address phone email number boss birthday family parents children kids widow funeral
grave killer killers murder song songs album""".split())
_OWNER = [[w] for w in "my our your his her their".split()]  # "my kid Ottavia", "their son Brisco"
# "gave Ottoline her keys", "had given Szymek his address": the person a thing is given to
_GIVE = frozenset("give gives gave given giving sent showed shown handed offered promised paid lent".split())
_HIS = frozenset("his her their".split())
_NAMED = frozenset("named called".split())  # "she named him Brisco", "they called her Ottoline"
_WAS = [[w] for w in "is was were be been".split()]  # "he was called Mark McConnan" (not "a tool called Rake")
_VOCATIVE_NEXT = frozenset("can could would will please do did are is have thanks thank i we you".split())
_WORKS = frozenset("novel novels biography memoir memoirs".split())  # "the Terada novel": its author
_WORKS_BY = frozenset("song songs novel novels book books poem poems album albums painting".split())  # "a song by X"
# ("is from" and the address at the start are tested apart)
TRIGGERS = _SAY_BEFORE | _DOES | _BY | _OWNED | _GIVE | _NAMED | _WORKS | _WORKS_BY
# A sentence's subject is a person when the text speaks of a person ("Czcibor is very reliable. You can always
# depend on him."), when the sentence says so ("Ilmari is a quiet man") or when two of them do something
# together ("Hauserová and Villa were engineers"). The pass runs only on texts holding one of these words.
_PRONOUNS = frozenset("he she him his her hers himself herself".split())
_PERSON_NOUNS = frozenset("person man woman guy girl boy lady gentleman".split())
_PLURAL = frozenset("were are have had".split())
SUBJECT_CUES = _PRONOUNS | _PERSON_NOUNS | _PLURAL
_WORD = r"([^\W\d_][^\W\d_'\-]{1,30})"
# (a clause opens a sentence or follows "but", "because"...: "..., but Ottokar just has to go"; an adverb may
# stand between the subject and its verb)
_SUBJECT = re.compile(r"(?:^|[.!?][ \t]+|\n[ \t]*|[ \t](?:but|because|while|so|until|unless)[ \t]+)" + _WORD
                      + r"(?:[ \t]+and[ \t]+" + _WORD + r")?"
                      r"(?:[ \t]+(?:just|also|still|never|always|really|only|already|often|then|simply|finally))?"
                      r"[ \t]+(is|was|has|had|will|would|were|are|have)\b")
_IS_A_PERSON = re.compile(r"[ \t]+an?[ \t]+(?:[\w\-]+[ \t]+){0,3}?(?:person|man|woman|guy|girl|boy|lady|gentleman)\b")
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
    not_names: frozenset[str]

    def _person_word(self, text: str, s: int, e: int) -> bool:
        tok = text[s:e]
        low = tok.lower()
        if not tok[0].isupper() or (len(tok) > 1 and tok.isupper()) or low in STOPWORDS or low in TITLES:
            return False
        if low in self.first or low in self.last:
            return True
        return low not in self.plain  # (plain holds not_names and PARTICLES: common, and no list name)

    def _seed(self, text: str, low: str, s: int, e: int, score: float, add, pair: bool = False) -> int:
        """add() the name that starts with the word text[s:e] if it is a person word; returns its end (0: none)."""
        if s < e and self._person_word(text, s, e) and low[max(0, s - 6):s].split()[-1:] not in _DETERMINED:
            gs, ge, _n, _st = self._grow(text, low, s, e, "T")
            if ge == e:
                m = _NEXT.match(text, e)  # "Directed by Þorkell Hallbjörnsson": two unknown words, one name
                if m is not None and self._person_word(text, *m.span(1)):
                    ge = m.end(1)
            add(gs, ge, score)
            return ge
        if pair and s < e and text[s].isupper() and low[s:e] not in STOPWORDS:
            m = _NEXT.match(text, e)  # "sung by Kat Szalai": a first word that is also a word, then a name
            if m is not None and self._person_word(text, *m.span(1)):
                gs, ge, _n, _st = self._grow(text, low, *m.span(1), "T")
                add(s, ge, score)
                return ge
        return 0

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
        if w in _SAY_BEFORE:  # "said Jordan", "says Košutnik.", "shouted at Maelle", "said Ifor to Maelle"
            m = _AFTER.match(text, j)
            if m is not None and w in _SAY and low[m.start(1):m.end(1)] in ("to", "at"):
                m = _NEXT.match(text, m.end(1))
            if m is not None:
                end = self._seed(text, low, *m.span(1), 0.7, add, pair=True)
                if end and low.startswith(" to ", end):
                    m = _NEXT.match(text, end + 3)
                    if m is not None:
                        self._seed(text, low, *m.span(1), 0.7, add)
        if w in _KIN and low[max(0, i - 6):i].split()[-1:] in _OWNER:  # "my kid Ottavia"
            m = _NEXT.match(text, j)
            if m is not None:
                self._seed(text, low, *m.span(1), 0.7, add)
        if w in _NAMED and low.startswith((" him ", " her "), j):  # "she named him Brisco"
            m = _NEXT.match(text, j + 4)
            if m is not None:
                self._seed(text, low, *m.span(1), 0.7, add)
        elif w in _NAMED and low[max(0, i - 5):i].split()[-1:] in _WAS:  # "her uncle was called Mark McConnan"
            m = _NEXT.match(text, j)  # (a known first name only: "the function is called Parse")
            if m is not None and low[m.start(1):m.end(1)] in self.first:
                self._seed(text, low, *m.span(1), 0.7, add, pair=True)
        if w in _WORKS and i >= 6:  # "the Terada novel"
            s, e = self._word_before(low, i)
            if e and low[e:e + 2] != "'s" and low.endswith("the ", 0, s) and low[s:e] not in self.not_names \
                    and self._person_word(text, s, e):
                gs, ge, _n, _st = self._grow(text, low, s, e, "T")
                add(gs, ge, 0.65)
        if w in _GIVE:  # "had given Szymek his address"
            m = _NEXT.match(text, j)
            if m is not None:
                m2 = _NEXT.match(text, m.end(1))
                if m2 is not None and low[m2.start(1):m2.end(1)] in _HIS:
                    self._seed(text, low, *m.span(1), 0.7, add)
        if (w in _SAY or w in _DOES) and i and low[i - 1] in " \t":  # "Lanoie said"
            s, e = self._word_before(low, i)
            if e and low[e:e + 2] != "'s":
                self._seed(text, low, s, e, 0.7, add)
        if (w in _BY or w in _WORKS_BY) and low.startswith(" by", j):  # "sung by Wit Rutkowski"
            m = _AFTER.match(text, j + 3)
            if m is not None and m.end(1) - m.start(1) == 2 and low.startswith("ex-", m.start(1)):
                k = m.end(1) + 1  # "a song by ex-Beatle Quarry": a former member, then the name
                while k < len(text) and k - m.end(1) < 32 and text[k].isalpha():
                    k += 1
                m = _NEXT.match(text, k)
            if m is not None:
                self._seed(text, low, *m.span(1), 0.7, add, pair=True)
        if w in _OWNED and i >= 3 and low[i - 3:i] == "'s ":  # "Stojadin's address"
            s, e = self._word_before(low, i - 1)
            if e:
                self._seed(text, low, s, e, 0.7, add)

    def _subjects(self, text: str, low: str, cues: set[str], add) -> None:
        """Sentence subjects that are people (see _PRONOUNS); `cues`: the text's words met with SUBJECT_CUES."""
        pronoun = not cues.isdisjoint(_PRONOUNS)
        noun = not cues.isdisjoint(_PERSON_NOUNS)
        plural = " and " in low and not cues.isdisjoint(_PLURAL)
        if not (pronoun or noun or plural):
            return
        for m in _SUBJECT.finditer(text):
            verb = m.group(3)
            if m.group(2) is not None:
                if verb in _PLURAL and self._person_word(text, *m.span(1)) and self._person_word(text, *m.span(2)):
                    self._seed(text, low, *m.span(1), 0.65, add)
                    self._seed(text, low, *m.span(2), 0.65, add)
            elif verb not in _PLURAL or verb == "had":
                if noun and verb in ("is", "was") and _IS_A_PERSON.match(text, m.end()) is not None:
                    self._seed(text, low, *m.span(1), 0.65, add)  # ("Virginia is a kind woman": said outright)
                elif pronoun and low[m.start(1):m.end(1)] not in self.not_names:
                    self._seed(text, low, *m.span(1), 0.65, add)  # (not "Haskell is a language ... he")

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
