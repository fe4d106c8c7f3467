"""PERSON from structure rather than lists: the value of a name field (`"first_name": "..."`,
`customer: ...`, `<name>...</name>`, and the `key: value` lines that markup and CSV are rendered into),
the display name next to an e-mail address whose local part spells it (`Nguyen Van An <an.nguyen@...>`),
CJK and Hangul names after a name label or before an honorific (王秀英先生, 山田さん, 김민준님), and
lists of surnames (`Guibord, Cannon and Moore`).

Threat model: a name the lists do not know, in a place whose structure says it is a name. A field key
is matched whole against closed sets (`file_name`, `host name` are not name keys), and the value must
look like a name (letters only, no digits, `@`, `/` or `_`; a generic key such as `name` also needs
capitalised words that are known names or not common words), so configuration values ("Build and
Test", "my-service") are not taken for people.

Speed: each pass is gated by a set or substring test; keys, `@` and honorifics are found with
`str.find` and each hit costs a bounded look-around (at most 80 characters), so the cost is linear.
"""

from __future__ import annotations

import re

from service.redaction.detectors.name_lists import STOPWORDS, _read_words
from service.redaction.detectors.names_messages import name_shaped

# Whole keys (lower case, separators removed) whose value is a person's name whatever it looks like ...
_STRICT_KEYS = frozenset("""firstname lastname givenname familyname fullname middlename maidenname surname forename
fname lname personname nameofperson cardholder cardholdername holdername accountholder accountholdername
patientname customername clientname employeename contactname applicantname membername studentname
passengername guestname tenantname ownername sendername recipientname beneficiaryname payeename
emergencycontact emergencycontactname nextofkin spousename fathername mothername legalname displayname
realname nombre apellido apellidos prenom nomdefamille vorname nachname nome cognome fn""".split())
# ... and keys whose value is a person's name when it looks like one.
_GENERIC_KEYS = frozenset("""name nom customer client patient employee contact holder owner author assignee
reporter sender recipient guest passenger tenant member signer signatory beneficiary payee attendee
applicant student doctor physician nurse manager landlord""".split())
# the words a text must hold (split at "_" and non-letters, as ScanContext.words does) for the field pass
# to run: every whole key, and the last word of every split one ("card_holder", "next_of_kin")
_KEY_TRIGGERS = _STRICT_KEYS | _GENERIC_KEYS | {"kin", "famille"}
_FIELD_SEP = re.compile(r"""["']?+[ \t]*+(?:[:=>]|\uff1a)[ \t]*+(["']?)""")
_SEP_START = frozenset("\"' \t:=>\uff1a")  # the characters a _FIELD_SEP match can start with
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_- ")
_NULLISH = frozenset("""null none nil n/a na unknown redacted anonymous string test example tbd required
optional true false yes no value name undefined empty""".split())
_BAD_VALUE = re.compile(r"[\d@/\\_#$%*+=:]")  # ids, addresses, paths, expressions: no name
_VALUE_STOP = re.compile(r"""["'\n\r,;|<>{}\[\]()]""")
_LATIN_TOKEN = re.compile(r"[^\W\d_][^\W\d_'\u2019.\-]*(?:['\u2019.\-][^\W\d_]+)*\.?")
_CJK_CLASS = "[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]"  # kana, Han, Hangul syllables
_CJK = re.compile(_CJK_CLASS + "{1,4}(?:[ \u30fb\u00b7]" + _CJK_CLASS + "{1,3})?")
_GENERIC_LOCALS = frozenset("""info support admin sales noreply no reply contact hello team mail office billing
help service webmaster postmaster hr jobs careers news newsletter marketing security abuse privacy legal
accounts finance dev ops root test user example notifications notification alerts donotreply bounce""".split())
_LOCAL_SPLIT = re.compile(r"[._%+\-0-9]+")
_DISPLAY_TOKEN = re.compile(r"[^\W\d_][\w'\-]*$")
_SURNAME_LIST = re.compile(r"[A-Z][a-z'\-]+(?:, [A-Z][a-z'\-]+)+,? (?:and|&) [A-Z][a-z'\-]+")
_SURNAME_LIST_SHAPE = re.compile(_SURNAME_LIST.pattern.replace("[A-Z]", "A").encode("ascii"))
# Honorifics written after a CJK name, and words that take them but are no name ("customer", "teacher").
_HAN_SUFFIX = ("先生", "女士", "小姐", "老师", "老師", "教授", "医生", "醫生", "经理", "經理")
_JA_SUFFIX = ("さん", "さま", "様", "氏", "くん", "ちゃん", "殿")
_KO_SUFFIX = ("님", "씨")
_VCARD_N = re.compile(r"(?:item\d+\.)?n(?:;[^:\n]{0,60})?:")  # "N:", "N;CHARSET=UTF-8:", "item1.N:"
_KO_NOT_NAMES = frozenset("고객 선생 회원 교수 사장 부장 과장 대리 팀장 원장 의사 기사 작가 여러분 당신 하느 부처 주인 손".split())
_CJK_LABELS = ("姓名", "名前", "氏名", "名字", "联系人", "聯絡人", "担当者", "이름", "성명", "담당자")


def _comma_parts(text: str, s: int, e: int):
    """(start, text) of the comma-separated pieces of text[s:e] (vCard lists "additional" names so)."""
    pos = s
    while True:
        c = text.find(",", pos, e)
        if c < 0:
            yield pos, text[pos:e]
            return
        yield pos, text[pos:c]
        pos = c + 1


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


class FieldContexts:
    """Mixin of PersonRecognizer: reads its name sets and `_grow`."""

    first: frozenset[str]
    last: frozenset[str]
    strong: frozenset[str]
    strong_first: frozenset[str]
    not_names: frozenset[str]
    common: frozenset[str]

    def load_cjk(self) -> None:
        self.cjk_surnames = _read_words("cjk_surnames.txt")

    # -- name fields -----------------------------------------------------------------------

    def _field_spans(self, text: str, low: str, triggers: set[str], add) -> None:
        """add() the value of every name field; `triggers` is the text's word set met with _KEY_TRIGGERS."""
        if not triggers or (":" not in text and "=" not in text and ">" not in text and "\uff1a" not in text):
            return
        for w in triggers:
            i = low.find(w)
            while i >= 0:
                j = i + len(w)
                # the cheap tests first: most mentions are prose or part of a longer word ("filename");
                # a separator starts with a quote, a blank, ":", "=", ">" or a full-width colon
                if (i and low[i - 1].isalnum()) or low[j:j + 1] not in _SEP_START:
                    i = low.find(w, j)
                    continue
                m = _FIELD_SEP.match(low, j)
                if m is None:
                    i = low.find(w, j)
                    continue
                k = i
                while k > 0 and i - k < 24 and low[k - 1] in _KEY_CHARS:
                    k -= 1
                while k < i and low[k] in " -_":
                    k += 1
                key = low[k:j].replace("_", "").replace("-", "").replace(" ", "")
                if not (k and low[k - 1].isalnum()) and (key in _STRICT_KEYS or key in _GENERIC_KEYS):
                    span = self._field_value(text, low, m.end(), key in _STRICT_KEYS)
                    if span is not None:
                        add(span[0], span[1], 0.9 if key in _STRICT_KEYS else 0.85)
                i = low.find(w, j)

    def _field_value(self, text: str, low: str, vs: int, strict: bool) -> tuple[int, int] | None:
        """The span of a name-shaped value starting at `vs`, or None."""
        stop = _VALUE_STOP.search(low, vs, vs + 81)
        ve = stop.start() if stop is not None else min(len(low), vs + 80)
        if stop is None and ve < len(low):
            return None  # longer than any name
        raw = text[vs:ve]
        value = raw.strip()
        if not value or _BAD_VALUE.search(value) is not None:
            return None
        if not strict and not name_shaped(value[0]):
            return None  # the first word fails the name_shaped test below ("name: web"): the cheap test first
        s = vs + (len(raw) - len(raw.lstrip()))
        e = s + len(value)
        if _CJK.fullmatch(value):
            return (s, e) if len(value) >= 2 or strict else None  # "last_name": "骆": one syllable is a surname
        seg = raw[s - vs:e - vs]  # the value with its capitals, offsets as in text
        lv = seg.lower()
        if lv in _NULLISH:
            return None
        toks = lv.split()
        if not 1 <= len(toks) <= (5 if strict else 4) or any(_LATIN_TOKEN.fullmatch(t) is None for t in toks):
            return None
        if (all(t.strip(".") in self.not_names for t in toks) and not (strict and name_shaped(value))) or any(
                t in STOPWORDS and len(t) > 1 and (n == 0 or not seg[lv.index(t)].isupper()) and not (
                    strict and seg[lv.index(t)].isupper() and (t in self.first or t in self.last))
                for n, t in enumerate(toks)):
            return None  # "Build and Test", "N/A"; a capitalised "An" inside "Nguyen Van An" is a name, and so
            # is a capitalised surname in a surname's field ('"last_name": "Sales"')
        named = [t.strip(".") in self.first or t.strip(".") in self.last for t in toks]
        if strict:
            # a first or last name field holds a name whatever it means as a word ("Mai", "Bouquet"), but
            # a lower-case common word there is a placeholder or a description, not a name
            if not all(n or t.strip(".") not in self.common or name_shaped(seg[lv.index(t)])
                       for t, n in zip(toks, named, strict=True)):
                return None
            return s, e
        if not all(name_shaped(seg[lv.index(t):lv.index(t) + len(t)]) for t in toks):
            return None  # generic keys need capitalised words ("name: my-service" is no person)
        if len(toks) == 1 and not named[0] and not (len(toks[0]) > 1 and not toks[0].isascii()):
            return None
        if not all(n or t.strip(".") not in self.common or len(t.strip(".")) == 1
                   for t, n in zip(toks, named, strict=True)):
            return None
        return s, e

    def _vcard_names(self, text: str, low: str, add) -> None:
        """`N:Family;Given;Additional;Prefix;Suffix` of a vCard: each of the first three parts is a name in
        any script ("N:길;이완;;;"); FN is a strict name key of the field pass."""
        ls = 0
        n = len(low)
        while ls < n:
            le = low.find("\n", ls)
            if le < 0:
                le = n
            if low.startswith(("n:", "n;", "item"), ls):
                m = _VCARD_N.match(low, ls, le)
                if m is not None:
                    self._vcard_parts(text, m.end(), le, add)
            ls = le + 1

    def _vcard_parts(self, text: str, vs: int, le: int, add) -> None:
        pos = vs
        for _k in range(3):
            if pos > le:
                break
            sep = text.find(";", pos, le)
            end = sep if sep >= 0 else le
            for part_s, part in _comma_parts(text, pos, end):
                raw = part.strip().rstrip("\r")
                if raw and len(raw) <= 60 and _BAD_VALUE.search(raw) is None and any(c.isalpha() for c in raw):
                    s = part_s + (len(part) - len(part.lstrip()))
                    add(s, s + len(raw), 0.9)
            if sep < 0:
                break
            pos = sep + 1

    # -- e-mail display names and local parts --------------------------------------------

    def _email_names(self, text: str, low: str, add) -> None:
        at = low.find("@")
        count = 0
        while at > 0 and count < 200:
            count += 1
            ls = at
            while ls > 0 and at - ls < 64 and (low[ls - 1].isalnum() or low[ls - 1] in "._%+-"):
                ls -= 1
            local = [t for t in _LOCAL_SPLIT.split(low[ls:at]) if len(t) >= 2 and t not in _GENERIC_LOCALS]
            if local:
                self._display_name(text, low, ls, local, add)
            at = low.find("@", at + 1)

    def _display_name(self, text: str, low: str, ls: int, local: list[str], add) -> None:
        """`Nguyen Van An <an.nguyen@...>`: capitalised words right before the address that share a word
        (or initial + surname) with its local part; else a capitalised local-part word shortly before it."""
        p = ls
        while p > 0 and low[p - 1] in " \t<([\"'":
            p -= 1
        toks: list[tuple[int, int]] = []
        end = p
        while len(toks) < 5 and end > 0 and ls - end < 80:
            st = end
            while st > 0 and ls - st < 80 and (low[st - 1].isalpha() or low[st - 1] in "'-"):
                st -= 1
            if st == end or not text[st].isupper() or _DISPLAY_TOKEN.match(low, st, end) is None:
                break
            toks.append((st, end))
            if st == 0 or low[st - 1] != " " or st < 2 or low[st - 2] in " \t\n":
                break
            end = st - 1
        if toks:
            words = [low[a:b] for a, b in reversed(toks)]
            joined = "".join(local)
            match = any(w in local for w in words) or (
                len(words) >= 2 and joined in (words[0][0] + words[-1], words[0] + words[-1][0],
                                               words[-1] + words[0][0], words[0] + words[-1]))
            if match and (len(words) >= 2 or words[0] in self.first or words[0] in self.last):
                add(toks[-1][0], toks[0][1], 0.85)
                return
        window_start = max(0, ls - 120)
        for t in local:
            if len(t) < 3 or t in self.common:
                continue
            i = low.find(t, window_start, ls)
            while i >= 0:
                j = i + len(t)
                if (text[i].isupper() and (i == 0 or not low[i - 1].isalnum())
                        and (j >= len(low) or not low[j].isalnum())):
                    s, e, _n, _st = self._grow(text, low, i, j, "T")
                    add(s, e, 0.8)
                i = low.find(t, j, ls)

    # -- lists of surnames -----------------------------------------------------------------

    def _surname_lists(self, text: str, low: str, shape: bytes | None, add) -> None:
        """`Guibord, Cannon and Moore`: every item is a known name or an uncommon word, one is a name
        that may count alone, none is a place or product; a leading common word is a sentence start."""
        if "," not in text or (" and " not in low and " & " not in low):
            return
        # every match holds ", " + a capital and " and " or " & " + a capital: absent from the shape, no scan
        if shape is not None and (b", A" not in shape or (b" and A" not in shape and b" & A" not in shape)):
            return
        for m in (_SURNAME_LIST.finditer(text) if shape is None else _SURNAME_LIST_SHAPE.finditer(shape)):
            s0, e0 = m.span()
            if s0 and (low[s0 - 1].isalnum() or low[s0 - 1] in "_.@"):
                continue
            items = [(x.start() + s0, x.end() + s0) for x in re.finditer(r"[a-z][a-z'\-]*", low[s0:e0])
                     if x.group() not in ("and",)]
            while items and low[items[0][0]:items[0][1]] in self.common and \
                    low[items[0][0]:items[0][1]] not in self.first and low[items[0][0]:items[0][1]] not in self.last:
                items.pop(0)
            names = [low[a:b] for a, b in items]
            # a first name that also names a month or a place ("April") is one more name in a list of them
            firsts = sum(n in self.strong_first for n in names) >= 2
            if len(names) < 3 or any((n in self.not_names and not (firsts and n in self.first)) or n in STOPWORDS
                                     for n in names):
                continue
            if not any(n in self.strong for n in names):
                continue
            if all(n in self.first or n in self.last or n not in self.common for n in names):
                for a, b in items:
                    add(a, b, 0.8)

    # -- CJK and Hangul --------------------------------------------------------------------

    def _cjk_spans(self, text: str, add) -> None:
        for label in _CJK_LABELS:
            i = text.find(label)
            while i >= 0:
                j = i + len(label)
                while j < len(text) and text[j] in " \t:\uff1a":
                    j += 1
                m = _CJK.match(text, j)
                if m is not None and m.end() - m.start() >= 2:
                    add(m.start(), m.end(), 0.9)
                i = text.find(label, i + 1)
        for suffixes, kind in ((_HAN_SUFFIX, "han"), (_JA_SUFFIX, "ja"), (_KO_SUFFIX, "ko")):
            for suf in suffixes:
                i = text.find(suf)
                while i >= 0:
                    span = self._before_honorific(text, i, kind)
                    if span is not None:
                        add(span[0], span[1], 0.85)
                    i = text.find(suf, i + len(suf))

    def _before_honorific(self, text: str, i: int, kind: str) -> tuple[int, int] | None:
        if kind == "ko":
            e = i - 1 if i and text[i - 1] == " " else i
            s = e
            while s > 0 and e - s < 5 and _is_hangul(text[s - 1]):
                s -= 1
            word = text[s:e]
            if not 2 <= len(word) <= 4 or (s and _is_hangul(text[s - 1])) or word in _KO_NOT_NAMES:
                return None
            return (s, e) if word[0] in self.cjk_surnames else None
        s = i
        while s > 0 and i - s < 4 and _is_han(text[s - 1]):
            s -= 1
        run = text[s:i]
        if len(run) < 2:
            return None
        if kind == "ja":
            return s, i
        for k in (3, 2, 4):  # Chinese: a surname starts the name ("见了李明先生" -> 李明)
            if len(run) >= k and (run[-k] in self.cjk_surnames or run[-k:-k + 2] in self.cjk_surnames):
                return i - k, i
        return (i - min(3, len(run)), i) if len(run) <= 3 else None
