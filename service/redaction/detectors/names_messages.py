"""PERSON from the structure of messages: speakers of a chat or SMS transcript (`[10:46] Ligia: ...`,
`Jane (+1 555 0100): ...`), display names in e-mail headers (`From: Amira Haddad <a@x.org>`), and names
in scripts without letter case (Arabic, Hebrew, CJK, Hangul, Thai, Devanagari) or in Cyrillic/Greek after
a person cue ("ask", "Dear", "Name:"), where the Latin-only word lists cannot help.

Threat model: a speaker label or a display name is the one place a transcript or a mail names its
people, whatever the script. A speaker is taken only with evidence of a transcript (a time stamp before
it, or at least three label lines from at least two speakers with this one repeated), and never when it
is a role, a field key or a common word ("User:", "Note:", "ERROR:"); a display name never when it holds a
common word ("Acme Billing") unless it is a known name.

Speed: lines are visited once with one anchored match each; display names look back at most 60
characters from each "<" before an "@"; the cue scan runs only on texts that are not ASCII.
"""

from __future__ import annotations

import re

from service.redaction.detectors.name_lists import STOPWORDS

_SPEAKER = re.compile(
    r"[ \t]*(?P<ts>\[\d{1,2}:\d{2}(?::\d{2})?\][ \t]*)?"
    r"(?P<label>[^\W\d_](?:[^\W\d_'.\- ]|'(?=[^\W\d_])){0,20}(?: [^\W\d_](?:[^\W\d_'.\-]|'(?=[^\W\d_])){0,20}){0,2})"
    r"(?:[ \t]*\((?P<paren>(?:[^()\n]|\([^()\n]{0,8}\)){1,30})\))?[ \t]*:[ \t]")
# a line that opens with a label, a colon and a quotation mark quotes what someone said: 'Ilse:"Who are you?"'
_QUOTED_SPEAKER = re.compile(
    r"(?m)^[ \t]*([^\W\d_][^\W\d_'\-]{1,20}(?:[ \t][^\W\d_][^\W\d_'\-]{1,20})?)[ \t]*:[ \t]*[\"\u201c]")
_HEADER = re.compile(r"(?:from|to|cc|bcc|reply-to|sender|de|von|an|para|da|a)[ \t]*:[ \t]*", re.IGNORECASE)
_CUES = frozenset("dear hi hello hey ask call tell name contact customer patient tenant client mr mrs ms dr "
                  "signed regards thanks colleague friend cc attn".split())
_FOREIGN_TOKEN = r"[^\W\d_A-Za-z][^\W\d_]{0,15}"
_FOREIGN_RUN = re.compile(_FOREIGN_TOKEN + r"(?:[ \t]" + _FOREIGN_TOKEN + r"){0,3}")


def _uncased(c: str) -> bool:
    """A letter of a script without case (Arabic, CJK, Hangul...): no capital can mark a name there."""
    return c.isalpha() and c.lower() == c.upper()


def name_shaped(tok: str) -> bool:
    """Capitalised (any cased script) or written in a script without case."""
    if not tok or (tok.isupper() and len(tok) > 1 and tok.isascii()):
        return False  # "TODO", "ERROR": upper-case Latin words are labels
    return tok[0].isupper() or _uncased(tok[0])


class MessageContexts:
    """Mixin of PersonRecognizer: reads its name sets."""

    first: frozenset[str]
    last: frozenset[str]
    strong: frozenset[str]
    not_names: frozenset[str]
    common: frozenset[str]

    def _known(self, tok: str) -> bool:
        return tok in self.first or tok in self.last

    def _plain_word(self, tok: str) -> bool:
        """A word that says "no person": a role, a field key, a common word that is no known name."""
        return tok in self.not_names or tok in STOPWORDS or (tok in self.common and not self._known(tok))

    # -- transcripts -----------------------------------------------------------------------

    def _speakers(self, text: str, low: str, add) -> None:
        lines: list[tuple[int, int, str, bool]] = []
        last_ls = -1
        i = text.find(": ")
        while i >= 0:
            ls = text.rfind("\n", max(0, i - 72), i) + 1
            if (ls or i <= 72) and ls != last_ls:  # a label starts its line, at most ~70 characters before
                last_ls = ls
                m = _SPEAKER.match(text, ls, i + 2)
                if m is not None:
                    s, e = m.span("label")
                    paren = m.group("paren")
                    # a time stamp, or a phone number in brackets ("Ana (+34 600 11 22 33): ..."), marks a message
                    mark = "ts" if m.group("ts") is not None else (
                        "tel" if paren is not None and sum(c.isdigit() for c in paren) >= 6 else "")
                    lines.append((s, e, low[s:e], mark))
            i = text.find(": ", i + 2)
        if not lines:
            return
        counts: dict[str, int] = {}
        for _s, _e, lab, _ts in lines:
            counts[lab] = counts.get(lab, 0) + 1
        dialogue = len(lines) >= 3 and len(counts) >= 2
        # a dialogue whose speakers include a known name or a repeated label: every speaker is a person
        known = any(all(w in self.strong for w in lab.split()) for lab in counts)
        named = dialogue and (known or any(counts[lab] >= 2 for lab in counts))
        for s, e, lab, ts in lines:
            if not (ts or (dialogue and counts[lab] >= 2) or named):
                continue
            toks = text[s:e].split()
            words = lab.split()
            if any(not name_shaped(t) for t in toks) and not (
                    ts and dialogue and all(w in self.strong for w in words)):
                continue  # (a time-stamped speaker who writes a first name in lower case: "[10:21] marco:")
            # a phone number, or a time stamp among speakers with known names, lets a known name that is also
            # a word speak ("Angel", "See"); a log's "[08:02] Retry:" has no such neighbour
            word_ok = ts == "tel" or (ts == "ts" and known)
            # ... and so does a dialogue with a known speaker let a first name that is also a word ("Heather")
            if any(w not in self.strong and (self._plain_word(w) or (
                    w in self.common and not word_ok and not (named and w in self.first))) for w in words) or (
                    len(lab) < 2 and not _uncased(lab[:1])):
                continue  # "Date:", "Subject:", "Will:" are header keys or words before they are speakers
            add(s, e, 0.85)

    def _quoted_speakers(self, text: str, low: str, add) -> None:
        """'Brodie: "Who are you?"', 'Kim:"I'm ..."': a speaker whose words are quoted needs no transcript
        around it; the label must still be no role, key or common word ("Note:", "Example:")."""
        for m in _QUOTED_SPEAKER.finditer(text):
            s, e = m.span(1)
            toks = text[s:e].split()
            words = low[s:e].split()
            if any(not name_shaped(t) for t in toks) or any(
                    w not in self.strong and self._plain_word(w) for w in words):
                continue
            add(s, e, 0.85 if any(self._known(w) for w in words) else 0.7)

    # -- e-mail headers ----------------------------------------------------------------------

    def _header_display_names(self, text: str, low: str, add) -> None:
        """`From: Amira Haddad <a@x.org>, "Li Wei" <l@y.cn>`: the display name before each "<address>"."""
        lt = text.find("<")
        count = 0
        while lt >= 0 and count < 500:
            count += 1
            close = text.find(">", lt, lt + 130)
            if close > 0 and "@" in text[lt:close]:
                self._display_before(text, low, lt, add)
            lt = text.find("<", lt + 1)

    def _display_before(self, text: str, low: str, lt: int, add) -> None:
        ds = lt
        while ds > 0 and lt - ds < 60 and text[ds - 1] not in "\n,;:<>":
            ds -= 1
        if ds == 0 or text[ds - 1] not in ",:;":
            return  # a display name follows a header label or a comma between recipients
        if text[ds - 1] == ":" and _HEADER.fullmatch(low, max(0, ds - 12), ds) is None:
            line = low.rfind("\n", 0, ds) + 1
            if _HEADER.fullmatch(low, line, ds) is None:
                return
        raw = text[ds:lt]
        value = raw.strip().strip("\"'").strip()
        toks = value.split()
        if not 1 <= len(toks) <= 4 or any(not t.replace("-", "").replace("'", "").isalpha() for t in toks):
            return
        if any(not name_shaped(t) for t in toks):
            return
        lows = [t.lower() for t in toks]
        if any(self._plain_word(t) for t in lows):
            return
        if len(toks) == 1 and not (self._known(lows[0]) or _uncased(toks[0][0])):
            return  # "GitHub <noreply@...>"
        s = text.find(value, ds, lt)
        add(s, s + len(value), 0.85)

    # -- names in other scripts after a cue ---------------------------------------------------

    def _foreign_after_cue(self, text: str, low: str, add) -> None:
        """`ask أنس النمر to call`, `Dear Иван Петров,`: a run of non-Latin words after a person cue."""
        for m in _FOREIGN_RUN.finditer(text):
            s, e = m.span()
            toks = m.group().split()
            if any(not name_shaped(t) for t in toks) or any(len(t) > 12 for t in toks):
                continue
            i = s
            while i > 0 and s - i < 8 and text[i - 1] in " \t:,\r\n":
                i -= 1
            j = i
            while j > 0 and low[j - 1].isalpha() and low[j - 1].isascii():
                j -= 1
            if low[j:i] in _CUES:
                add(s, e, 0.85)
