"""DATE_OF_BIRTH: a date in a birth context (other dates and timestamps are not personal data).

A date counts only after a birth cue, in en, de, fr, es, it, pt and nl: prose ("born on", "geboren am",
"né le", "nacido el", "nato il", "nascido em", "geboren op"), labels and field keys (`Date of birth:`,
`DOB 04/24/60`, `"dob": "1990-07-21"`, `birth_date=...`, `<dob>...</dob>`, `<birthDate value="..."/>`)
and an answer after a question ("date of birth? It's 4/24/1960"). Between the cue and the date only a
bounded filler may stand: separators, markup tags, a few small words ("is", "on", "am", "le", "it's"), a
speaker label ("User:") and a place ("born in New York City on ..."); a full stop ends the context (so a
date in a later sentence is not taken) unless an answer follows it ("date of birth. It's 4/19/1937").
A year alone ("born in 1960") is not redacted: it identifies nobody on its own and is what history and
biographies are made of.

Cost: one regex pass finds the cues (after a word-set gate), then ONE anchored, bounded match runs at
each cue's end: no window is rescanned per cue, so the work is linear in the input on any input
("born born born ...", "dob dob ...", long filler runs).
"""

from __future__ import annotations

import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

_MONTH_NAMES = (
    # en
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    # de
    "januar jänner februar märz maerz mai juni juli oktober dezember mär mrz okt dez "
    # fr
    "janvier février fevrier mars avril juin juillet août aout septembre octobre novembre décembre decembre "
    "janv févr fév fevr avr juil déc "
    # es
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
    "ene abr ago dic "
    # it
    "gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre gen mag giu lug set ott "
    # pt
    "janeiro fevereiro março marco maio junho julho setembro outubro novembro dezembro fev out "
    # nl
    "januari februari maart mei augustus mrt"
)
_MONTH_SET = frozenset(_MONTH_NAMES.split())
# The month is any 3-10 letter word here and is checked against _MONTH_SET afterwards: one class run
# instead of trying a hundred names (case-insensitively) at every position the match backtracks to.
_M = r"[^\W\d_]{3,10}\.?"
_ORD = r"(?:st|nd|rd|th|er|e|º|°)?"
_YEAR = r"(?:\d{4}|'?\d{2})"
_DATE = (
    r"(?P<date>(?=\d)(?:"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"                                   # 1960-04-24, 1960/04/24
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"                        # 24.04.1960, 4/24/60
    r"|\d{1,2} \d{1,2} \d{4}"                                          # 24 04 1960
    r"|\d{1,2}" + _ORD + r"\.?[ \t]{0,2}(?:of[ \t]+|de[ \t]+)?[-/ ]?" + _M +  # 24 April 1960, 24-Apr-60,
    r"(?:,?[ \t]{0,2}(?:de[ \t]+)?[-/ ]?" + _YEAR + r")?"              # 24 de abril de 1960, 24. April
    r"|\d{8})"                                                         # 19600424 (validated below)
    r"|(?=[^\W\d_])" + _M + r"[ \t]{0,2}[-/ ]?\d{1,2}" + _ORD +       # April 24th, 1960, Apr-24-1960
    r"(?:,?[ \t]{0,2}[-/ ]?" + _YEAR + r")?"
    r")(?![\d/.:-]\d)(?!\d)"
)

# Filler between a cue and its date: one element per repetition, each element either one separator
# character, one markup tag, one small word, a speaker label or a place; bounded, and no element can be
# split two ways, so a failed match backtracks at most a few dozen steps.
_FILLER = (
    r"(?:[\s:=,;\-–—(\[{\"'`>?!*|#]"
    r"|\.(?=[ \t]*(?:it'?s|it is|that'?s|mine is|sure|yes|ok|okay)(?![\w']))"
    r"|</?[a-z][\w:.-]{0,30}(?:\s[^<>]{0,100})?/?>"
    r"|<"
    r"|(?:is|was|were|on|am|le|el|il|em|op|den|the|of|it'?s|it|i|my|its|sure|yes|ok|okay|um|uh|well|value|"
    r"val|approx|dia|día|date|o|a|à|be|been|he|she|they|we|you|are|de|da|do|du|del|der)(?![\w'])"
    r"|(?-i:[A-Z][a-z]{0,11}):"
    r"|(?:in|at|à|a|en|te|em|near|nel|nella)[ \t]+(?-i:[A-ZÀ-Ý][\w'.-]{1,30})"
    r"(?:,?[ \t]+(?-i:[A-ZÀ-Ý][\w'.-]{1,30})){0,2}"
    r"){0,40}"
)
_AFTER = re.compile(_FILLER + _DATE, re.IGNORECASE)

# Cues, searched in the lower-cased view, grouped by their first letter (b, d, f, g or n): a pattern that starts
# with a letter set lets the scan skip every other position at C speed (a lookahead or lookbehind first would make
# it try every position); the lookbehind after that letter asks that no letter or digit comes before it.
_LB = r"(?<![a-z0-9].)"
_CUE = re.compile(
    r"(?:d" + _LB + r"(?:ate[\s_.-]{0,3}of[\s_.-]{0,3}birth|ateofbirth|\.[ ]?o\.[ ]?b\.?|ob|"
    r"ate[\s_]de[\s_]naissance|ata[\s_]di[\s_]nascita|ata[\s_]de[\s_]nascimento)"
    r"|b" + _LB + r"(?:irth[\s_.-]{0,3}(?:date|day|dt)|irth|-?day|orn)"
    r"|g" + _LB + r"(?:eburtsdatum|eburtstag|eb\.?[ ]?datum|eboren|eb\.|eboortedatum)"
    r"|n" + _LB + r"(?:aissance|[ée]e?(?=[ \t]+(?:le|en|à|a)[ \t])|acimiento|acid[oa]|ascita|"
    r"at[oa](?=[ \t]+(?:il|a|ad|in|nel)[ \t])|ascimento|ascid[oa])"
    r"|f" + _LB + r"(?:echa[\s_]de[\s_]nacimiento|\.[ ]?nac\.?|ec\.?[ ]?nac\.?)"
    r")(?![a-z])"
)

_GATE_WORDS = frozenset(
    "birth birthdate birthday bday dob born dateofbirth birthdt geburtsdatum geburtstag geboren geb "
    "naissance ne nee nacimiento nacido nacida nac nascita nato nata nascimento nascido nascida geboortedatum".split()
)

_NUM = re.compile(r"\d+")
_ALPHA = re.compile(r"[^\W\d_]{3,}")
_MAX_REACH = 420  # the longest filler plus date: a cue with no digit this close cannot match


def _year_ok(y: str) -> bool:
    y = y.lstrip("'")
    return len(y) == 2 or (len(y) == 4 and 1850 <= int(y) <= 2100)


def _ymd_ok(y: int, m: int, d: int) -> bool:
    return 1850 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31


def _plausible(value: str) -> bool:
    """A calendar-shaped date: day 1-31, month 1-12 (either order), year 1850-2100 or two digits."""
    nums = _NUM.findall(value)
    word = _ALPHA.search(value)
    if word:  # a month name: a day and maybe a year
        if word.group().lower() not in _MONTH_SET:
            return False
        if not 1 <= len(nums) <= 2 or len(nums[0]) > 2 or not 1 <= int(nums[0]) <= 31:
            return False
        return len(nums) == 1 or _year_ok(nums[1])
    if len(nums) == 1 and len(nums[0]) == 8:
        v = nums[0]
        return (_ymd_ok(int(v[:4]), int(v[4:6]), int(v[6:])) or _ymd_ok(int(v[4:]), int(v[2:4]), int(v[:2]))
                or _ymd_ok(int(v[4:]), int(v[:2]), int(v[2:4])))
    if len(nums) != 3:
        return False
    a, b, c = nums
    if len(a) == 4:
        return _ymd_ok(int(a), int(b), int(c))
    if not _year_ok(c):
        return False
    x, y = int(a), int(b)
    return (1 <= x <= 12 and 1 <= y <= 31) or (1 <= x <= 31 and 1 <= y <= 12)


class DobRecognizer(Recognizer):
    name = "dob"
    entities = ("DATE_OF_BIRTH",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        low = ctx.lower
        words = ctx.words
        if words.isdisjoint(_GATE_WORDS) and not ("o" in words and "d" in words and "b" in words and (
                "d.o.b" in low or "d. o. b" in low)):
            return []
        text = ctx.text
        shape = ctx.shape
        out: list[Candidate] = []
        done = 0
        nxt = -1  # the first digit at or after the last position asked about (len(text) when there is none)
        for cue in _CUE.finditer(low):
            end = cue.end()
            if end <= done:
                continue
            # every date holds a digit; cue ends only grow, so each search starts past the last one's answer
            # (the text is scanned for digits at most once in all)
            if nxt < end:
                if shape is not None:  # an ASCII text: its digits are the "0" bytes of the shape
                    nxt = shape.find(b"0", end)
                    if nxt < 0:
                        nxt = len(text)
                else:
                    d = _NUM.search(text, end)
                    nxt = len(text) if d is None else d.start()
            if nxt == len(text) or nxt - end > _MAX_REACH:
                continue
            m = _AFTER.match(text, end)
            if m is None:
                continue
            s, e = m.span("date")
            if _plausible(text[s:e]):
                out.append((s, e, 0.9, "DATE_OF_BIRTH"))
                done = e
        return out


DOB = DobRecognizer()
