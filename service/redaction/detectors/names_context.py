"""PERSON context that needs no name list: the words after a context phrase ("Dear", "Name:", "Mr",
"Regards," + line break, "Attendees:"), and runs of capitalised uncommon words in texts that look
like they hold names the lists do not know.

A context phrase is searched for only when every word of it is in the text's word set (it cannot occur
otherwise), so most texts pay one set test per trigger word; each search is a C-level literal scan.
"""

from __future__ import annotations

import re

from service.redaction.detectors.base import _ALPHA_ONLY
from service.redaction.detectors.name_lists import CONTEXT_KINDS, FOREIGN_STOP, PARTICLES, STOPWORDS, TITLES

_WORDS = re.compile(r"[a-z]+")
_TOKEN_AT = re.compile(r"[a-z][a-z']*")
# (possessive runs: a letter given back can never be a blank, nor a blank a letter, so no match changes, but
# the many failed tries, one per capital, end at once instead of backtracking through the word)
_TITLE_RUN = re.compile(
    r"[A-Z][a-z']++(?:[ \t]++(?:(?:de|da|van|von|der|den|del|la|le|di|du|dos|ten|ter)[ \t]++){0,2}"
    r"[A-Z][a-z']++){1,2}"
)
# ... and with a middle initial ("Ichita H. Takeda", "Stojadin R Pudic"): slower, so only asked for when the
# text holds a capital alone between blanks
_TITLE_RUN_I = re.compile(_TITLE_RUN.pattern.replace(r"(?:[ \t]++(?:(?:de", r"(?:[ \t]++(?P<initial>[A-Z]\.?[ \t]++)?(?:(?:de"))
# the same runs in the shape map of an ASCII view (capitals read "A"): a literal first, a faster scan
_TITLE_RUN_SHAPE = re.compile(_TITLE_RUN.pattern.replace("[A-Z]", "A").encode("ascii"))
# a capital alone, but not the pronoun "I" (with its dot it may be an initial): without one, _TITLE_RUN_I finds
# what _TITLE_RUN finds, and most English texts hold an "I"
_INITIAL = re.compile(r"[ \t](?:[A-HJ-Z]\.?|I\.)[ \t]")
_TITLE_RUN_I_SHAPE = re.compile(_TITLE_RUN_I.pattern.replace("[A-Z]", "A").encode("ascii"))
_CTX_KIND = CONTEXT_KINDS
_CONTEXT_PHRASES = tuple(_CTX_KIND)
_CTX_BY_WORD: dict[str, list[str]] = {}
for _p in _CONTEXT_PHRASES:
    if _CTX_KIND[_p] == "weak":
        continue  # "to"/"from"/"and" are everywhere; their names are found by _grow/_title_runs
    _first = re.split(r"[ '/]", _p)[0]
    if _first == "--":
        continue
    _CTX_BY_WORD.setdefault(_first, []).append(_p)
_CTX_TRIGGERS = frozenset(_CTX_BY_WORD)
# Every [a-z]+ word of a phrase, split as ScanContext.words splits the text: a phrase can only occur in
# a text whose word set holds all of them, so phrases that cannot occur are never searched for.
_PHRASE_WORDS = {p: frozenset(p.encode("utf-8").translate(_ALPHA_ONLY).decode("ascii").split())
                 for ps in _CTX_BY_WORD.values() for p in ps}
# (possessive: no piece of the separator can give characters to the next, so a long run of blanks after a cue
# is crossed once; with backtracking, "dear" + 4,000 blanks tried every three-way split of the run)
_AFTER_CTX = re.compile(
    r"(?P<sep>[\"']?+[ \t]*+[.,:;!?=\-]*+[ \t]*+[\"']?+[ \t]*+(?:\r?\n[ \t]*+(?:[-*\u2022][ \t]*+)?){0,2}+)"
    r"(?P<n1>[a-z][a-z']*+)"
)
_NEXT_TOKEN = re.compile(r"(?:[ \t]++|-|[ \t]*+\.[ \t]*+)([a-z][a-z']*+)")
_LIST_SEP = re.compile(r"[ \t]*(?:[,;/&]|\band\b|\r?\n[ \t]*[-*\u2022])[ \t]*(?:(?:and|&)[ \t]+)?")
_SIG_DASH = re.compile(r"--[ \t]*\r?\n")  # the e-mail signature separator "-- " on its own line


class PhraseContexts:
    """Mixin of PersonRecognizer: reads its name sets (`first`, `any_name`, `strong`, `common`, ...)."""

    first: frozenset[str]
    any_name: frozenset[str]
    strong: frozenset[str]
    strong_first: frozenset[str]
    not_names: frozenset[str]
    common: frozenset[str]

    @staticmethod
    def _cased(text: str, s: int, e: int) -> str:
        if s < e and text[s].isupper():
            return "U" if e - s > 1 and text[s:e].isupper() else "T"
        return "l"

    def _phrase_spans(self, text: str, low: str, words: set[str], triggers: set[str], add,
                      nouns_capitalised: bool = False) -> None:
        """add(start, end, score) for the name after every context phrase in the text (`triggers`:
        `words & _CTX_TRIGGERS`). `nouns_capitalised`: the text is German, where a capital marks a noun."""
        for m, c in self._contexts(low, words, triggers):
            n1 = m.group("n1")
            if n1 in _STOP_AFTER or n1 in _CTX_TRIGGERS:
                continue  # rejected by _after_context, or a context phrase itself ("Email:\n\nDear X")
            kind = _CTX_KIND[c]
            sep = m.group("sep")
            if kind == "self" and (n1 not in (self.first if nouns_capitalised else self.any_name)
                                   or n1 in self.common) and (nouns_capitalised or not text[m.start("n1")].isupper()):
                continue  # "ich bin müde", "Ich bin Tischler", "it's unterwegs": a state or a trade, not a name
            if c == "name" and ("'" in sep or '"' in sep):
                if ":" not in sep and "=" not in sep and n1 not in self.any_name:
                    continue  # prose about an identifier: 'the variable name "LANG"', 'the built-in name "Ellipsis"'
            if "\n" in sep and kind not in ("signoff", "label", "list", "title", "noun"):
                continue
            if "." in sep and kind != "title":
                continue  # "... not people. Grace period": a sentence ended
            if kind in ("list", "noun") and ":" not in sep and "-" not in sep and c != "cc":
                if kind == "list":
                    continue
                kind = "weak"  # "the customer Will ..." needs a real name
            if kind == "signoff" and "\n" not in sep and (
                    c not in ("thanks", "thank you", "cheers") or "," not in sep):
                continue
            if kind == "list":
                for span in self._list_items(text, low, m.start("n1")):
                    add(span[0], span[1], span[2])
                continue
            span = self._after_context(text, low, m.start("n1"), kind)
            if span is not None:
                e = span[1]
                if low[e:e + 1] == "@" or (low[e:e + 1] in "._" and low[e + 1:e + 2].isalnum()):
                    continue  # "Email: jane.doe@...": the address is the finding, not a name
                add(*span)

    @staticmethod
    def _contexts(low: str, words: set[str], triggers: set[str]):
        """(match of the word after a context phrase, the phrase) for every phrase in the text."""
        for w in triggers:
            for phrase in _CTX_BY_WORD[w]:
                if not _PHRASE_WORDS[phrase] <= words:
                    continue
                # the phrase not followed by [a-z], leftmost first and past the previous one (what a regex
                # finditer of `phrase(?![a-z])` finds), by str.find; the left boundary is checked by hand
                i = low.find(phrase)
                while i >= 0:
                    j = i + len(phrase)
                    if "a" <= low[j:j + 1] <= "z":
                        i = low.find(phrase, i + 1)
                        continue
                    if i == 0 or not low[i - 1].isalpha():
                        m = _AFTER_CTX.match(low, j)
                        if m is not None:
                            yield m, phrase
                    i = low.find(phrase, j)
        if "--" in low:
            for dm in _SIG_DASH.finditer(low):
                if dm.start() and low[dm.start() - 1] != "\n":
                    continue
                m = _AFTER_CTX.match(low, dm.end() - 1)
                if m is not None:
                    yield m, "--"

    def _name_token(self, tok: str, case: str, allow_lower: bool) -> bool:
        """Is `tok` acceptable as part of a name right after a context phrase?"""
        if len(tok) < 2 or tok in STOPWORDS or tok in TITLES:
            return False
        if tok in self.not_names:
            return False  # "Hi Claude", "Dear Paris team"
        if tok in self.any_name and (tok in self.strong or case != "l" or allow_lower):
            return True
        if tok in self.common:
            return False
        return case != "l" or allow_lower

    def _after_context(self, text: str, low: str, ts: int, kind: str) -> tuple[int, int, float] | None:
        """Span of up to three name tokens starting at ts, as licensed by the context kind."""
        allow_lower = kind == "intro"
        if kind == "self":
            kind = "intro"  # (its first word was checked by _phrase_spans)
        if kind == "signoff":
            line = _signature_line(text, low, ts)
            if line is not None:
                return line
        m = _TOKEN_AT.match(low, ts)
        if m is None:
            return None
        te = m.end()
        tok = low[ts:te]
        case = self._cased(text, ts, te)
        if len(tok) == 1 and te < len(low) and low[te] == "." and case != "l" and kind != "weak":
            nm = _NEXT_TOKEN.match(low, te)  # "P. Orbay"
            if nm is None or self._cased(text, *nm.span(1)) == "l" or nm.group(1) in STOPWORDS or \
                    len(nm.group(1)) < 2 or _mixed_case(text[nm.start(1):nm.end(1)]):
                return None
            return ts, nm.end(1), 0.85
        if tok in PARTICLES and case != "l" and kind != "weak":
            nm = _NEXT_TOKEN.match(low, te)  # "DE ASSIS ...", "Van Dyke"
            if nm is not None and self._cased(text, *nm.span(1)) != "l":
                rest = self._after_context(text, low, nm.start(1), kind)
                if rest is not None:
                    return ts, rest[1], rest[2]
            return None
        if _mixed_case(text[ts:te]) and tok not in self.any_name:
            return None
        weak_unknown = False
        if kind == "weak":
            if not (tok in self.first and case != "l" and tok not in self.common) and tok not in self.strong_first:
                if case != "T" or not self._name_token(tok, case, False):
                    return None
                weak_unknown = True  # "the deposit to Nunzia Zizzi": needs a second uncommon word
        elif kind == "title":
            if case == "l" or tok in STOPWORDS or len(tok) < 2:
                return None
        elif allow_lower and case == "T" and tok in self.not_names and tok in self.any_name:
            pass  # "my name is Lincoln", "her maiden name is Ferrari": said to be a name, whatever else it names
        elif not self._name_token(tok, case, allow_lower):
            # "Customer: Cameo Zirpoli", "I'm Victoria Ershova": a common first word counts when an uncommon one
            # follows
            if kind not in ("label", "noun", "intro") or case == "l" or tok in STOPWORDS or len(tok) < 2:
                return None
            nm = _NEXT_TOKEN.match(low, te)
            if nm is None or "." in low[te:nm.start(1)] or self._cased(text, *nm.span(1)) == "l" or \
                    (nm.group(1) not in self.any_name and not self._name_token(nm.group(1), "T", False)):
                return None  # (a known name next counts too: in German text the cue is all a Title run has)
        known = tok in self.any_name
        s, e, n = ts, te, 1
        tok_s = ts  # start of the last token taken
        while n < 4:
            nm = _NEXT_TOKEN.match(low, e)
            if nm is None:
                break
            ns, ne = nm.span(1)
            ntok = nm.group(1)
            ncase = self._cased(text, ns, ne)
            if "." in low[e:ns] and not (e - tok_s == 1 and text[tok_s].isupper()):
                break  # only an initial may cross a dot ("J. Smith", "Haide E. Arias")
            if ntok in PARTICLES and case != "l" and ncase != "U":
                nm2 = _NEXT_TOKEN.match(low, ne)
                if nm2 and nm2.group(1) in PARTICLES and self._cased(text, *nm2.span(1)) == ncase:
                    nm2 = _NEXT_TOKEN.match(low, nm2.end(1))  # "van der Berg", "de la Cruz"
                if nm2 and self._cased(text, *nm2.span(1)) != "l" and nm2.group(1) not in STOPWORDS:
                    e = nm2.end(1)
                    n += 1
                    continue
                break
            if (ncase == "l" and case != "l" and low[e] == "-" and ns == e + 1 and 2 <= len(ntok) <= 5
                    and ntok not in self.common):
                e = ne  # "Min-jun": a hyphenated given name in lower case
                continue
            if ncase == "l" and case != "l":
                break
            if len(ntok) == 1 and case != "l":
                nm2 = _NEXT_TOKEN.match(low, ne)  # a middle initial, with or without its dot ("Maika E van")
                if nm2 is None or (self._cased(text, *nm2.span(1)) == "l" and nm2.group(1) not in PARTICLES):
                    break
                e = ne
                tok_s = ns
                continue
            if not (self._name_token(ntok, ncase, allow_lower) or (
                    ncase == "T" and ntok in self.not_names and ntok in self.any_name)) or (
                    _mixed_case(text[ns:ne]) and ntok not in self.any_name):
                break  # (a listed name that names something else first counts inside a name: "Sofia Lima")
            known = known or ntok in self.any_name
            e = ne
            tok_s = ns
            n += 1
        if kind == "weak" and ((n < 2 and case != "T") or (weak_unknown and n < 2)):
            return None
        score = 0.85 if (known or n >= 2 or kind in ("title", "intro")) else 0.7
        return s, e, score

    def _title_runs(self, text: str, low: str, shape: bytes | None) -> list[tuple[int, int, float, list[str]]]:
        """Two or three capitalised words none of which is a common word ("Nereu Chapiniti said"):
        a name the lists do not know. Lower score; placed and product names rarely pass all tests.
        Returns (start, end, score, core tokens) per run."""
        out = []
        n = len(text)
        common = self.common
        if shape is None:
            runs = (_TITLE_RUN_I if _INITIAL.search(text) else _TITLE_RUN).finditer(text)
        elif (b" A " in shape or b" A." in shape or b"\tA" in shape or b" A\t" in shape) and _INITIAL.search(text):
            runs = _TITLE_RUN_I_SHAPE.finditer(shape)  # (the literals: a capital alone, needed for _INITIAL)
        else:
            runs = _TITLE_RUN_SHAPE.finditer(shape)
        for m in runs:
            start, end = m.span()
            if start and (text[start - 1].isalnum() or text[start - 1] in "_.@/"):
                continue
            if end < n and (text[end].isalnum() or text[end] in "_@"):
                continue
            q = text.find("'s", start, end)
            if q > 0 and (q + 2 == end or text[q + 2] in " \t"):
                end = q  # "Fereng Szegedy's Cautionary Tales": a possessive ends the name
            # a run is ASCII letters, apostrophes and blanks: its [a-z]+ words are the pieces between them
            toks = low[start:end].replace("'", " ").split()
            # "Ichita H. Takeda": a capital alone (with or without its dot) is an initial, no core word
            initials = None
            if m.re.groups and m.group("initial") is not None:
                initials = {w[0].lower() for w in text[start:end].split() if len(w.rstrip(".")) == 1}
                toks = [t for t in toks if len(t.rstrip(".")) > 1 or t.rstrip(".") not in initials]
            # "Yesterday Nereu Chapiniti": drop a leading common word (sentence start), unless it is a first
            # name before one uncommon word ("Ruby Guibord", "Regina Blinova") or before an initial
            while toks and (toks[0] in common or toks[0] in FOREIGN_STOP) and toks[0] not in self.strong and not (
                    toks[0] in self.first and (initials or self._lead_first(toks))):
                start = low.index(toks[0], start) + len(toks[0])
                while start < end and not low[start].isalpha():
                    start += 1
                toks = toks[1:]
            core = [t for t in toks if t not in PARTICLES]
            if len(core) < 2 or len(core) > 3:
                continue
            lead_first = core[0] in common and self._lead_first(toks)
            # an uncommon word first lets a surname that is also a word end the name ("Braslav Basic", "Keiran
            # White"), and so do particles any last word ("Jaydee van der Rest")
            tail_ok = (len(core) == 2 and len(core[0]) > 2 and core[0] not in common and core[0] not in FOREIGN_STOP
                       and (core[1] in self.last or len(toks) > 2))
            for k, t in enumerate(core):
                if (len(t) < 3 and t not in self.first) or ((t in common or t in FOREIGN_STOP) and not (
                        (k == 0 and lead_first) or (initials and (t in self.first or t in self.last))
                        or (k == 1 and tail_ok and t not in STOPWORDS and t not in self.not_names))):
                    break  # ("Morgan T. Garner": around an initial, known names count though they are words)
            else:
                # (no word of a run is mixed-case: the pattern allows only a capital and then lower case)
                any_name = self.any_name
                score = 0.6 if any(t in any_name for t in core) else 0.55
                out.append((start, end, 0.7 if initials else score, core))
        return out

    def _lead_first(self, toks: list[str]) -> bool:
        """A first name that is also a word before one uncommon word ("Ruby Guibord", "Jo van Gameren")."""
        return (len(toks) >= 2 and toks[0] in self.first and toks[0] not in STOPWORDS and toks[-1] not in self.common
                and toks[-1] not in FOREIGN_STOP and len(toks[-1]) > 2
                and (len(toks) == 2 or all(t in PARTICLES for t in toks[1:-1])))

    def _uncommon(self, words: set[str], text: str, runs: list[tuple[int, int, float, list[str]]]) -> bool:
        """Does the text look like it may hold names the lists do not know? (more than 40 uncommon
        words: code, ids or foreign text; or at least two uncommon words that appear capitalised).
        Only asked when a title run was found: the run's own core words usually settle it at once."""
        seen: set[str] = set()
        for _s, _e, _sc, core in runs:
            for t in core:
                if t in words and (t.capitalize() in text or t.upper() in text) and (
                        t not in self.common or t in self.first):
                    seen.add(t)  # (core words are longer than two letters; a common one is a first name or a
                    # surname after an uncommon word, "Keiran White", which is no sign of uncommon text)
                    if len(seen) >= 2:
                        return True
        unc = words - self.common
        if len(unc) > 40:
            return True
        hits = 0
        for w in unc:
            if len(w) > 2 and (w.capitalize() in text or w.upper() in text):
                hits += 1
                if hits >= 2:
                    return True
        return False

    def _list_items(self, text: str, low: str, pos: int) -> list[tuple[int, int, float]]:
        """Names in a list after "Attendees:"/"CC:": items split by , ; / and, or bullets."""
        out = []
        for _ in range(30):
            span = self._after_context(text, low, pos, "label")
            if span is None:
                break
            if span[1] - span[0] > 2 and (span[2] >= 0.85 or self._cased(text, span[0], span[1]) != "l"):
                out.append(span)
            sep = _LIST_SEP.search(low, span[1], min(len(low), span[1] + 80))
            if sep is None or sep.end() == sep.start() or "\n" in low[span[1]:sep.start()]:
                break
            pos = sep.end()
        return out


# Words that _after_context rejects as the first word after any context phrase, whatever the kind:
# stop words of two letters or more that are no name particle (one-letter ones may be initials).
_STOP_AFTER = frozenset(w for w in STOPWORDS if len(w) >= 2 and w not in PARTICLES)

_CTX_WORDS_BEFORE = frozenset(
    "mr mrs ms miss dr prof dear hi hello hey name named called with by from to cc attn patient customer "
    "client colleague manager boss wife husband son daughter friend brother sister mother father mom dad "
    "tenant landlord contact regards thanks".split()
)


def _signature_line(text: str, low: str, ts: int) -> tuple[int, int, float] | None:
    """A line of one to four capitalised words after a sign-off ("Regards,\nBarnaby Quell") is the
    sender's name, common words or not; a stop word ("The Support Team") says it is not."""
    le = low.find("\n", ts, ts + 80)
    if le < 0:
        le = min(len(low), ts + 80)
        if le < len(low):
            return None
    line = text[ts:le].rstrip(" \t\r,.")
    toks = line.split()
    if not 1 <= len(toks) <= 4 or any(
            not (t[0].isupper() or (t[0].isalpha() and t[0].lower() == t[0].upper()))
            or not t.replace("-", "").replace("'", "").replace(".", "").isalpha()
            or _mixed_case(t) or t.lower() in STOPWORDS or t.lower() in TITLES for t in toks):
        return None
    return ts, ts + len(line), 0.85


# a capital after a name prefix is a name's ("McConnan", "MacKenzie", "O'Brien", "DeShawn", "IJzermans")
_PREFIXED_NAME = re.compile(r"(?:Mc|Mac|Fitz|O'|D'|De|Di|La|IJ)[A-Z]?[a-z']+")


def _mixed_case(tok: str) -> bool:
    """OpenAI, iPhone, GitHub: internal capitals mark products, not (unknown) people."""
    if _PREFIXED_NAME.fullmatch(tok) is not None:
        return False
    if tok.isascii():  # (an ASCII string has a capital after the first letter iff lowering changes it)
        rest = tok[1:]
        return rest != rest.lower() and not tok.isupper()
    return not tok.isupper() and any(c.isupper() for c in tok[1:])


def _prev_token(low: str, s: int) -> tuple[int, int, bool] | None:
    """The word (or initial "j.") just before position s across spaces or a hyphen: (start, end, is_initial)."""
    i = s - 1
    if i >= 0 and low[i] == "-":
        i -= 1
    else:
        while i >= 0 and low[i] in " \t":
            i -= 1
        if i == s - 1:
            return None
    if i >= 1 and low[i] == "." and low[i - 1].isalpha() and (i < 2 or not low[i - 2].isalpha()):
        return i - 1, i + 1, True
    end = i + 1
    while i >= 0 and end - i <= 40 and (low[i].isalpha() or low[i] == "'"):
        i -= 1  # bounded: a word longer than any name is no name (and CJK text is one long "word")
    if i + 1 == end or (i >= 0 and (low[i].isalnum() or low[i] in "_>")):
        return None  # glued to digits or a placeholder: part of some other token
    return i + 1, end, False
