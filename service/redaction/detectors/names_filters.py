"""Positive evidence that a name-shaped finding is no person: a month or weekday next to digits
("Jan 12 10:22", "12 Jan"), a company ("Johnson & Johnson", "Baxter Ltd"), a street or place
("Main Street", "Lake Tahoe", "in Dallas"). Also joins "Last, First" into one finding.

Each rule needs a concrete neighbour, never a guess about the word itself, so a name next to nothing
of the sort is kept: privacy wins where the evidence is missing. Each finding costs a bounded look at
its neighbours (a few characters each side): linear in the number of findings.
"""

from __future__ import annotations

import re

_MONTHS_DAYS = frozenset("""jan feb mar apr may jun jul aug sep sept oct nov dec january february march april
june july august september october november december mon tue tues wed thu thur thurs fri sat sun monday
tuesday wednesday thursday friday saturday sunday""".split())
_ORG_SUFFIX = frozenset("""inc llc ltd gmbh corp corporation co plc ag llp lp nv bv sa sarl srl pty kg group
holdings partners associates brothers bros sons foundation institute capital ventures labs technologies
systems solutions consulting pharmaceuticals bank insurance industries enterprises company""".split())
# Words that end a street's or place's name and are no common surname ("Lane", "Park", "Hall" and "Way"
# are surnames as often as places, so "Grover Lane" and "Seo-yeon Park" stay people).
_PLACE_SUFFIX = frozenset("""street st road rd avenue ave boulevard blvd drive place square plaza station airport
county city highway hwy parkway terrace crescent mall stadium arena museum library district province region
township village canyon building hotel hospital university college school cathedral memorial""".split())
NOT_NAME_SUFFIX = _ORG_SUFFIX | _PLACE_SUFFIX  # a word that ends a firm's or a place's name, never a person's
_PLACE_PREFIX = frozenset("mount mt lake fort port saint san santa cape glen lago rio isle".split())
_TITLE_WORDS = frozenset("mr mrs ms miss dr prof".split())
_LOCATIVE = frozenset("in near via en nach".split())  # (French/Spanish "en Virginie", German "nach Hause")
_NEXT_WORD = re.compile(r"[ \t]*(&|[a-z]{1,32})")
# Function words of German that English does not write (a few are also particles or list names: "bin",
# "das", "sie"; two of them in one text are still a fair sign): a text with two of them is German, where
# every noun is capitalised, so a capital is no sign of a name ("Ich trinke Wasser").
_GERMAN = frozenset("""ich nicht und ist das ein eine einen einem einer wir sehr auch noch habe hast haben bitte
keine kein mir dir mich dich sind wird heute gerade schon aber oder wie uns gern sie ihnen bist nach zum zur
mein meine dein deine bin viel vielen es alles klar stimmt brauche hilfe gute guten leid tut dass weil wenn hier
jetzt immer mal doch etwas nichts ganz kann muss gehe geht gibt macht kommt komme""".split())
# ... and French, Spanish, Italian ones: a text with two of them capitalises its sentence starts only.
_ROMANCE = frozenset("""les une est sont avec pour dans pas nous vous elle ils qui que aux votre notre cette mais
je il ne ces des los las unos unas muy para pero porque como esta este hay tiene algo es estoy soy tengo gli
della sono questo""".split())


_HINTS = _GERMAN | _ROMANCE


def language_hint(words: set[str]) -> str:
    """"de" for German text, "xx" for French, Spanish or Italian, "" otherwise (two function words each)."""
    if words.isdisjoint(_HINTS):
        return ""
    if len(words & _GERMAN) >= 2:
        return "de"
    if len(words & _ROMANCE) >= 2:
        return "xx"
    return ""


def _word_after(low: str, e: int) -> tuple[str, int]:
    """The word (or "&") after position e, and its start; ("", -1) when none."""
    m = _NEXT_WORD.match(low, e)
    return (m.group(1), m.start(1)) if m is not None else ("", -1)


def _word_before(low: str, s: int) -> tuple[str, int]:
    i = s
    while i > 0 and low[i - 1] in " \t":
        i -= 1
    if i > 0 and low[i - 1] == "&":
        return "&", i - 1
    j = i
    while j > 0 and i - j < 32 and low[j - 1].isascii() and low[j - 1].isalpha():
        j -= 1  # bounded: in CJK text every character is a letter, and findings sit side by side
    return low[j:i], j


def _title_before(low: str, s: int) -> bool:
    """"Mrs." or "Dr" right before position s."""
    b = max(0, s - 8)
    return _word_before(low, b + len(low[b:s].rstrip(" \t.")))[0] in _TITLE_WORDS


def drop_non_persons(text: str, low: str, found: dict[tuple[int, int], float], plain: frozenset[str],
                     first: frozenset[str]) -> None:
    """Drop findings with a non-person neighbour; `plain`: common words that are no known name."""
    drop = []
    for (s, e), score in found.items():
        span = low[s:e]
        single = span.isalpha()
        nxt, ns = _word_after(low, e)
        prev, ps = _word_before(low, s)
        parts = span.split()
        head = parts[0] if parts else ""
        if len(parts) > 1 and parts[-1] in NOT_NAME_SUFFIX and text[e - len(parts[-1])].isupper():
            drop.append((s, e))  # "Baxter Ltd", "Harrison Avenue" grown as one span
            continue
        if head in _MONTHS_DAYS and (single or score < 0.85):
            after = low[e:e + 3].lstrip(" -/.,")
            before = low[max(0, s - 3):s].rstrip(" -/.,")
            if (after[:1].isdigit() or before[-1:].isdigit() or nxt in _MONTHS_DAYS or prev in _MONTHS_DAYS):
                drop.append((s, e))  # "Jan 12 10:22:01", "12 Jan", "Jan Feb Mar"
                continue
        if nxt and ns >= 0 and text[ns:ns + 1].isupper() and (nxt in _PLACE_SUFFIX or nxt in _ORG_SUFFIX):
            drop.append((s, e))  # "Baker Street", "Harrison Hospital", "Baxter Ltd"
            continue
        if (nxt in plain and score < 0.9 and text[ns].isupper() and text[ns + 1:ns + 2].islower()
                and low[ns + len(nxt):ns + len(nxt) + 1] not in (":", "'") and (score < 0.85 or not (
                    head in first or _title_before(low, s)))):
            drop.append((s, e))  # "Glasgow Haskell Compiler", "Harvey Mudd College": a title goes on
            continue
        if single and ((nxt == "&" and _word_after(low, ns + 1)[0] == span)
                       or (prev == "&" and _word_before(low, ps)[0] == span)):
            drop.append((s, e))  # "Johnson & Johnson": one surname twice around "&" names a firm
            continue
        if single and prev and ps >= 0 and text[ps].isupper() and prev in _PLACE_PREFIX:
            drop.append((s, e))  # "Lake Tahoe", "Mount Hood"
            continue
        if single and score < 0.75 and prev in _LOCATIVE and text[ps].islower():
            drop.append((s, e))  # "the office in Dallas"
    for k in drop:
        del found[k]


def merge_last_first(text: str, low: str, found: dict[tuple[int, int], float], last: frozenset[str],
                     first: frozenset[str]) -> None:
    """`Smith, John` is one name: a lone surname, a comma, a lone first name, and no list going on."""
    if len(found) < 2:
        return
    spans = sorted(found)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        if low[e1:s2] not in (", ", ",") or not low[s1:e1].isalpha() or low[s1:e1] not in last:
            continue
        head = low[s2:e2].split(None, 1)[0]
        if head not in first or (s1, e1) not in found or (s2, e2) not in found:
            continue
        rest = low[e2:e2 + 6]
        if rest.startswith((", ", " and ", " & ")) or (s1 > 1 and low[s1 - 2:s1] == ", "):
            continue  # "Guibord, Cannon and Moore" is a list of people, not one name
        score = max(found.pop((s1, e1)), found.pop((s2, e2)))
        found[(s1, e2)] = score
