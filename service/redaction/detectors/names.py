"""PERSON from several name sources plus context, with no model.

Data (`data/`, built by bench/build_name_data.py from Faker and the US Census lists): first and last
names folded to ASCII. A name that is also an ordinary word (`ambiguous_names.txt`: "Will", "May",
"Grace") or a well-known non-person proper noun or column-header word (`not_names.txt`) counts only
next to another name or after context. Context that needs no list at all is in names_context.py (phrases: "Dear", "Mr",
"Regards,", "Name:"), names_fields.py (name fields and `key: value` lines, e-mail local parts, CJK and
Hangul names, lists of surnames) and names_messages.py (transcript speakers, e-mail header display names,
names in scripts without case after a cue), names_verbs.py (what a sentence says a word does) and
names_blocks.py (the name lines heading a postal address); names_filters.py drops months next to digits, companies,
streets and places, and joins "Last, First".

Threat model: prompts name people in every culture and layout; a name the lists miss leaks, so list
evidence and context evidence are independent ways in, and false positives are kept down by filters
that need positive evidence of a non-person (a digit next to "Jan", "Street" after "Baker").

Speed: the text is lower-cased once, its words become a set, and that set is intersected with the name
sets in C; texts without a name, a context word or an unknown capitalised run skip everything else.
Only the few hits are located (str.find) and grown into full names over a bounded number of tokens.
Every pass is a C-level scan or a bounded step per hit: cost stays linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext
from service.redaction.detectors.name_lists import PARTICLES, STOPWORDS, TITLES, _read_words, load_names
from service.redaction.detectors.names_blocks import STREET_LINE, BlockContexts
from service.redaction.detectors.names_context import (  # noqa: F401 - the tables are re-exported for tests
    _CTX_KIND, _CTX_TRIGGERS, _CTX_WORDS_BEFORE, _PHRASE_WORDS, _STOP_AFTER, _TITLE_RUN, _TITLE_RUN_SHAPE,
    PhraseContexts, _prev_token)
from service.redaction.detectors.names_fields import _KEY_TRIGGERS, FieldContexts
from service.redaction.detectors.names_messages import MessageContexts
from service.redaction.detectors.names_verbs import SUBJECT_CUES
from service.redaction.detectors.names_verbs import TRIGGERS as _VERB_TRIGGERS
from service.redaction.detectors.names_verbs import VerbContexts, vocative
from service.redaction.detectors.names_filters import (NOT_NAME_SUFFIX, drop_non_persons, language_hint,
                                                       merge_last_first)

_WORDS = re.compile(r"[a-z]+")
_RIGHT = re.compile(r"(?:'s)?(?P<sep>[ \t]+|-)(?:([a-z])\.[ \t]*)?([a-z][a-z']*)")
# Title-case words inside a name that are stop words elsewhere ("Nguyen Van An", "Tran Le Do")
_NAME_STOPS = frozenset("an le do ho vu ly".split())
_MAX_WIDE = 32  # names of a script of their own searched again, the first found (as the engine caps repeats)


class PersonRecognizer(PhraseContexts, FieldContexts, MessageContexts, VerbContexts, BlockContexts, Recognizer):
    name = "person"
    entities = ("PERSON",)

    def __init__(self, first: frozenset[str] | None = None, last: frozenset[str] | None = None,
                 without: str = ""):
        """`first`/`last` replace the shipped lists (tests); `without` drops sources (see load_names)."""
        solo: frozenset[str] | None = None
        if first is None or last is None:
            first, last, solo = load_names(without)
        ambiguous = _read_words("ambiguous_names.txt") | STOPWORDS
        not_names = _read_words("not_names.txt")
        self.first = first
        self.last = last
        self.not_names = not_names
        self.any_name = (first | last) - STOPWORDS - PARTICLES - TITLES
        blocked = ambiguous | not_names | PARTICLES | TITLES
        self.strong_first = first - blocked
        self.strong_last = last - blocked
        if solo is not None:
            self.strong_first &= solo
            self.strong_last &= solo
        self.strong = self.strong_first | self.strong_last
        self.common = _read_words("common_words.txt") | STOPWORDS | not_names | TITLES | PARTICLES
        self.plain = self.common - first - last  # common words that are no name of any list
        # Every word any word-set gate of `find` asks about: one C-level pass over the text's words
        # leaves a handful, and each gate then meets that handful instead of all the text's words.
        self.gate_words = self.strong | _CTX_TRIGGERS | _KEY_TRIGGERS | _VERB_TRIGGERS | SUBJECT_CUES
        self.load_cjk()

    # -- growing a seed into a full name ---------------------------------------------------

    def _next_part(self, text: str, low: str, pos: int) -> tuple[int, int, str] | None:
        """The Title-case name-like token right after `pos` (across spaces or a hyphen): (start, end, token)."""
        m = _RIGHT.match(low, pos)
        if m is None or m.group(2):
            return None
        ts, te = m.span(3)
        tok = m.group(3)
        if self._cased(text, ts, te) != "T" or len(tok) < 2 or (te < len(low) and low[te].isdigit()):
            return None
        if tok in self.first or tok in self.last or (tok not in self.common and tok not in STOPWORDS):
            return ts, te, tok
        return None

    def _grow(self, text: str, low: str, s: int, e: int, seed_case: str) -> tuple[int, int, int, int]:
        """Extend a seed token over adjacent name tokens. Returns (start, end, n_tokens, n_strong)."""
        n = 1
        strong = 1 if low[s:e] in self.strong else 0
        unknown_used = False
        titled = seed_case != "l"
        while n < 6:  # to the right
            m = _RIGHT.match(low, e)
            if not m:
                break
            tok = m.group(3)
            ts, te = m.span(3)
            if te < len(low) and (low[te].isalnum() or low[te] in "_<"):
                break  # glued to digits or a placeholder
            case = self._cased(text, ts, te)
            hyphen = m.group("sep") == "-"
            if tok in PARTICLES and titled:
                # "de la Cruz", "van der Berg", "bin Salman", "Al-Saud", "Nguyen Van An"
                p_end = te
                m2 = _RIGHT.match(low, p_end)
                if m2 and not m2.group(2) and m2.group(3) in PARTICLES and self._cased(text, *m2.span(3)) == "l":
                    p_end = m2.end(3)
                nxt = self._next_part(text, low, p_end)
                if nxt is not None and nxt[2] not in TITLES:
                    e = nxt[1]
                    n += 1
                    strong += nxt[2] in self.strong
                    continue
                break
            if len(tok) == 1 and titled and case != "l" and not m.group(2):
                m2 = _RIGHT.match(low, te)  # "John Q Public": an initial without a dot
                if (m2 is not None and not m2.group(2) and m2.group("sep") != "-" and len(m2.group(3)) > 1
                        and self._cased(text, *m2.span(3)) == "T" and m2.group(3) not in STOPWORDS):
                    e = m2.end(3)
                    n += 1
                    continue
                break
            if hyphen and case == "l" and titled and 2 <= len(tok) <= 5 and tok not in self.common:
                e = te  # "Min-jun", "Seo-yeon": a hyphenated given name written in lower case after it
                continue
            if case == "l" and titled:
                break
            if tok in self.any_name or (case == "T" and tok in _NAME_STOPS and low[s:e] in self.last):
                e = te
                n += 1
                strong += tok in self.strong
                continue
            seed = low[s:e]
            if (not unknown_used and seed_case == "T" and case == "T" and len(tok) > 2
                    and tok not in STOPWORDS and tok not in TITLES and tok not in NOT_NAME_SUFFIX
                    and (seed in self.first or (seed in self.strong_last and tok not in self.common))):
                e = te  # "Maria Okonkwo", "Wang Xiuying": a capitalised unknown next to a known name
                n += 1
                unknown_used = True
                continue
            break
        while n < 6:  # to the left
            prev = _prev_token(low, s)
            if prev is None:
                break
            ps, pe, initial = prev
            if initial:  # "J. Smith"
                if text[ps].isupper() and titled:
                    s = ps
                    before = _prev_token(low, s)
                    if before is not None and not before[2]:
                        bs, be, _ = before  # "Melisande M. Auger": a capitalised word before a middle initial
                        btok = low[bs:be]
                        if (self._cased(text, bs, be) == "T" and len(btok) > 1 and btok not in self.common
                                and btok not in TITLES and btok not in _CTX_WORDS_BEFORE):
                            s = bs
                            n += 1
                    continue
                break
            tok = low[ps:pe]
            case = self._cased(text, ps, pe)
            if case == "l" and titled:
                break
            if tok in TITLES or tok in _CTX_WORDS_BEFORE:
                break  # "Hi Park Seo-yeon": the greeting is no part of the name
            if tok in self.any_name and (tok in self.first or tok in self.strong):
                s = ps
                n += 1
                strong += tok in self.strong
                continue
            break
        return s, e, n, strong

    @staticmethod
    def _occurrences(low: str, words: set[str] | frozenset[str]):
        """(start, end, word) of every whole-word occurrence of `words`. Small texts: str.find per
        word; large ones: one pass over all words (keeps a 1 MB text linear)."""
        if len(low) > 20_000 and len(words) > 8:
            for m in _WORDS.finditer(low):
                w = m.group()
                if w in words:
                    i, j = m.span()
                    if (i == 0 or not (low[i - 1].isalnum() or low[i - 1] == ">")) and (
                            j == len(low) or not (low[j].isalnum() or low[j] == "<")):
                        yield i, j, w
            return
        n = len(low)
        for w in words:
            lw = len(w)
            i = low.find(w)
            while i != -1:
                j = i + lw
                if (i == 0 or not (low[i - 1].isalnum() or low[i - 1] == ">")) and (
                        j == n or not (low[j].isalnum() or low[j] == "<")):
                    yield i, j, w
                i = low.find(w, j)

    def _propagate(self, text: str, low: str, found: dict[tuple[int, int], float]) -> None:
        """Mark other mentions of an accepted name's uncommon words ("Okonkwo" later in the text)."""
        toks = set()
        wide: dict[str, int] = {}  # names in a script of their own ("--\n燕镞钰" signs a mail whose From: line
        # named her), with where each is first found
        for (s, e), score in found.items():
            if score >= 0.5:
                span = low[s:e]
                if not span.isascii():
                    if len(span) >= 2 and _WORDS.search(span) is None and wide.get(span, s + 1) > s:
                        wide[span] = s
                    if not any("a" <= c <= "z" for c in span):
                        continue
                for t in _WORDS.findall(span):
                    if len(t) > 2 and t not in self.common and t not in TITLES:
                        toks.add(t)
        if not toks and not wide:
            return
        spans = sorted(found)
        starts = [a for a, _ in spans]
        ends = [b for _, b in spans]
        hits = list(self._occurrences(low, toks)) if toks else []
        for w in sorted(wide, key=wide.__getitem__)[:_MAX_WIDE]:  # a str.find pass each: bounded, so linear
            bounded = not _uncased_word(w)  # (CJK and kana write no blanks: any occurrence is the name)
            i = low.find(w)
            while i >= 0:
                j = i + len(w)
                if not bounded or ((i == 0 or not low[i - 1].isalnum()) and (j == len(low) or not low[j].isalnum())):
                    hits.append((i, j, w))
                i = low.find(w, j)
        for i, j, _t in hits:
            k = bisect_right(starts, i) - 1
            if k >= 0 and i < ends[k]:
                continue  # already inside a finding
            found[(i, j)] = 0.7

    # -- the scan ------------------------------------------------------------------------

    def find(self, ctx: ScanContext) -> list[Candidate]:
        low = ctx.lower
        text = ctx.text
        words = ctx.words
        gated = words & self.gate_words  # (words & X == gated & X for every X inside gate_words)
        hits = gated & self.strong
        triggers = gated & _CTX_TRIGGERS
        has_ctx = bool(triggers) or "--" in text  # (the "-- " signature line)
        # Title runs (names the lists do not know) count only in "uncommon" texts; the runs are found
        # first because the test is far dearer than the scan and most texts have no run at all.
        runs = self._title_runs(text, low, ctx.shape)
        if runs and not self._uncommon(words, text, runs):
            runs = []
        at = "@" in text
        wide = not text.isascii()
        # a transcript: three speaker lines "Name: ...", or time-stamped ones "[10:46] Name: ..."
        n_colons = text.count(": ")
        colons = n_colons >= 3 or (n_colons and ("] " in text or "): " in text))
        vcard = "vcard" in words
        block = "\n" in text and STREET_LINE.search(text) is not None  # a street line under a block's head
        quoted = (':"' in text or ': "' in text or ":\u201c" in text or ": \u201c" in text) and "\n" in text
        verbs = gated & _VERB_TRIGGERS
        told = bool(verbs) or " is from " in low or vocative(text) is not None
        subjects = gated & SUBJECT_CUES
        if (not hits and not has_ctx and not runs and not at and not wide and not colons and not vcard and not told
                and not subjects and not quoted and not block):
            return []
        found: dict[tuple[int, int], float] = {}
        lang = language_hint(words) if (hits or runs or has_ctx) else ""

        def add(s: int, e: int, score: float) -> None:
            key = (s, e)
            if found.get(key, 0.0) < score:
                found[key] = score

        for i, j, w in self._occurrences(low, hits):
            case = self._cased(text, i, j)
            s, e, n, strong = self._grow(text, low, i, j, case)
            if case == "l" and ((s and low[s - 1] in "@./")
                                or (low[e:e + 1] in ("@", ".", "/") and low[e + 1:e + 2].isalpha())):
                continue  # a lower-case name inside a host, path or address ("uni-heidelberg.de")
            if n >= 2 and lang == "de" and case != "l" and not any(
                    t in self.strong_first for t in _WORDS.findall(low[s:e])):
                score = 0.45  # "Gute Idee", "Neue Wohnung": German nouns; a name there has a first name
            elif n >= 2 and strong >= 1 and case != "l":
                score = 0.85
            elif n >= 2 and case == "l" and strong >= n:
                score = 0.6  # "john smith"; "voit un", "cas en" in French text have a word that is no sure name
            elif n >= 2:
                score = 0.5 if case == "T" else 0.3
            elif case == "T" and w in self.common and _sentence_start(low, s):
                score = 0.45  # "Ping fails from ...": a common word that opens a sentence needs more
            elif case == "T" and lang and w not in self.strong_first and (lang == "de" or _sentence_start(low, s)):
                score = 0.45  # German capitalises nouns ("Ich trinke Wasser"), others their sentence starts
            elif case == "T" and _inner_capital(text, i, j):
                score = 0.3  # "NaN", "JavaScript": a capital inside the word marks an identifier
            elif case == "T":
                score = 0.65 if w in self.strong_first else 0.55
            elif case == "U":
                score = 0.4
            else:
                score = 0.35
            add(s, e, score)
        for s, e, score, core in runs:
            if lang == "de" and not (all(t in self.any_name for t in core) and any(t in self.strong_first for t in core)):
                continue  # "Gute Nacht", "Herzlichen Glückwunsch": German capitalises its nouns
            if lang and not any(t in self.any_name for t in core):
                continue  # "Gute Nacht", "Des Suprêmes Biens": capitals of a language that uses more of them
            add(s, e, score)
        if has_ctx:
            self._phrase_spans(text, low, words, triggers, add, lang == "de")
        keys = gated & _KEY_TRIGGERS
        if keys:  # (each pass returns at once without its trigger; the call itself is what is saved)
            self._field_spans(text, low, keys, add)
        if vcard:
            self._vcard_names(text, low, add)
        if told:
            self._verb_spans(text, low, verbs, add)
        if subjects:
            self._subjects(text, low, subjects, add)
        if hits and "," in text:
            self._surname_lists(text, low, ctx.shape, add)
        if at:
            self._email_names(text, low, add)
            self._header_display_names(text, low, add)
        if colons:
            self._speakers(text, low, add)
        if quoted:
            self._quoted_speakers(text, low, add)
        if block:
            self._address_heads(text, low, add)
        if wide:
            self._cjk_spans(text, add)
            self._foreign_after_cue(text, low, add)
        if not found:
            return []
        if " and " in low:
            self._coordinated(text, low, found)
        _extend_edges(text, low, found, lang)
        self._propagate(text, low, found)
        for (s, e), score in list(found.items()):
            # a context word right before any finding raises it
            if score < 0.85:
                prev = _prev_token(low, s)
                if prev is not None and not prev[2]:
                    w = low[prev[0]:prev[1]]
                    if w == "is":
                        prev = _prev_token(low, prev[0])
                        w = low[prev[0]:prev[1]] if prev is not None and not prev[2] else ""
                    if w in _CTX_WORDS_BEFORE and (text[s].isupper() or w in _ADDRESS_WORDS):
                        found[(s, e)] = max(score, 0.75)  # (not "son champ": French "son" is "his")
        drop_non_persons(text, low, found, self.plain, self.first)
        merge_last_first(text, low, found, self.last, self.first)
        return [(s, e, sc, "PERSON") for (s, e), sc in found.items()]


# the words before a name that speak to or of a person whatever the case of the name ("hi john")
_ADDRESS_WORDS = frozenset("mr mrs ms miss dr prof dear hi hello hey named called".split())
_NAME_PREFIXES = frozenset("mc mac de la le di da du van von o' d' al el".split())


def _inner_capital(text: str, i: int, j: int) -> bool:
    """A capital after the first letter that no name prefix explains ("NaN", but not "McAdams", "DeShawn")."""
    for k in range(i + 1, j):
        if text[k].isupper():
            return text[i:k].lower() not in _NAME_PREFIXES and not text[i:j].isupper()
    return False


# After a name: a word opened by a capital that no fold makes ASCII ("Sandra Þórólfsdóttir", "Ivan Дегтев"), a
# middle initial before one ("Kolbeinn A. Þórðarson"), or the capitalised half of a hyphenated surname ("Matias
# A Yli-Sirniö"); before it, a particle ("De Luca began", "early van Beers"). The name lists and Title-run
# patterns read ASCII letters only, so without this the rest of such a name stays in clear.
_UNFOLDED_NEXT = re.compile(  # (an initial "Þ" may stand before an ASCII word)
    r"(?:[ \t]+[A-Z]\.?)?[ \t]+([^\W\d_A-Za-z])(?:[^\W\d_'\-]{1,30}|\.?(?:[ \t]+[A-Z][a-z']{1,30})?)"
    r"|-[A-Z][a-z']{1,30}")
# (not "der", "den", "le" alone: articles in German and French, "in der Kölner Straße"; in German or Romance text,
# where these are words too, only a capitalised one, "Van Rensburg", "De Luca")
_EDGE_PARTICLES = frozenset("de van von du da di del della ten ter".split())


def _extend_edges(text: str, low: str, found: dict[tuple[int, int], float], lang: str) -> None:
    for (s, e), score in list(found.items()):
        if score < 0.5:
            continue
        ns, ne = s, e
        for _ in range(3):
            m = _UNFOLDED_NEXT.match(text, ne)
            if m is None or (m.group(1) is not None and not m.group(1).isupper()):
                break
            if m.end() < len(text) and text[m.end()].isalnum():
                break
            ne = m.end()
        prev = _prev_token(low, ns)
        if prev is not None and not prev[2] and low[prev[1]:ns] != "-":
            p = low[prev[0]:prev[1]]
            if p in ("der", "den"):  # "van der Berg"
                before = _prev_token(low, prev[0])
                if before is not None and not before[2] and low[before[0]:before[1]] in ("van", "von"):
                    prev, p = before, "van"
            if p in _EDGE_PARTICLES and (not lang or text[prev[0]].isupper()):
                ns = prev[0]
        if (ns, ne) != (s, e):
            del found[(s, e)]
            if found.get((ns, ne), 0.0) < score:
                found[(ns, ne)] = score


def _uncased_word(w: str) -> bool:
    """Written in Han, kana or Hangul (scripts that separate no words with blanks)."""
    c = w[0]
    return "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7a3"


def _sentence_start(low: str, s: int) -> bool:
    i = s
    while i > 0 and low[i - 1] in " \t":
        i -= 1
    return i == 0 or low[i - 1] in "\n.!?:"
