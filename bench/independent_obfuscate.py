"""Corpus c for bench/independent.py: the independent values of corpus b, each transformed by one failure class
of issue #13 (line break inside the value, spaced-out characters, odd separators between digit groups, random
case, markup around the value, homoglyphs, zero-width characters) and put back in its own carrier.

One value per text is transformed and scored; the text's other values become OTHER (they are scored, untouched,
in corpus b), so the figure for c measures the transformations alone.
"""

from __future__ import annotations

import random
import re

from bench.independent_corpora import OTHER, Sample

_SEPS = ["_", "/", "·", "–", "~", "|", "•"]
_HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
         "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "H": "Н", "K": "К", "M": "М", "T": "Т", "B": "В"}
_DIGIT_TYPES = {"PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IN_AADHAAR", "IBAN_CODE"}
_CASE_TYPES = {"EMAIL_ADDRESS", "IBAN_CODE"}


def _linebreak(r: random.Random, v: str, t: str) -> str | None:
    inner = [i for i in range(2, len(v) - 1) if v[i - 1].isalnum() or v[i].isalnum()]
    if len(v) < 6 or not inner:
        return None
    i = r.choice(inner)
    return v[:i] + r.choice(["\n", "\r\n", "=\n", "=\r\n"]) + v[i:]


def _spaced(r: random.Random, v: str, t: str) -> str | None:
    if t in ("SECRET", "CRYPTO") or len(v) > 40:
        return None
    return "  ".join(" ".join(word) for word in v.split())


def _separators(r: random.Random, v: str, t: str) -> str | None:
    if t not in _DIGIT_TYPES:
        return None
    groups = re.findall(r"[A-Za-z0-9]+", v)
    if len(groups) < 2:
        body = re.sub(r"\W", "", v)
        groups = [body[i:i + 4] for i in range(0, len(body), 4)]
    if len(groups) < 2:
        return None
    lead = "+" if v.startswith("+") else ""
    return lead + r.choice(_SEPS).join(groups)


def _random_case(r: random.Random, v: str, t: str) -> str | None:
    if t not in _CASE_TYPES:
        return None
    out = v.lower() if r.random() < 0.4 else "".join(c.upper() if r.random() < 0.5 else c.lower() for c in v)
    return out if out != v else None


def _markup(r: random.Random, v: str, t: str) -> str | None:
    tag = r.choice(["td", "span", "b", "value", "ns:field"])
    return f"<{tag}>{v}</{tag}>"


def _homoglyph(r: random.Random, v: str, t: str) -> str | None:
    idx = [i for i, c in enumerate(v) if c in _HOMO]
    if not idx:
        return None
    chosen = set(r.sample(idx, min(len(idx), r.randint(1, 2))))
    return "".join(_HOMO[c] if i in chosen else c for i, c in enumerate(v))


def _zero_width(r: random.Random, v: str, t: str) -> str | None:
    if len(v) < 4:
        return None
    chars = list(v)
    for _ in range(r.randint(1, 3)):
        chars.insert(r.randint(1, len(chars) - 1), r.choice(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]))
    return "".join(chars)


TRANSFORMS = [_linebreak, _spaced, _separators, _random_case, _markup, _homoglyph, _zero_width]


def obfuscated_corpus(base: list[Sample], seed: int) -> list[Sample]:
    """One sample per base sample whose value admits a transformation (cycling through the transformations)."""
    r = random.Random(seed + 7)
    out = []
    for k, s in enumerate(base):
        scored = [i for i, sp in enumerate(s.spans) if sp[2] != OTHER]
        r.shuffle(scored)
        for j in range(len(TRANSFORMS)):
            fn = TRANSFORMS[(k + j) % len(TRANSFORMS)]
            hit = None
            for i in scored:
                a, e, t = s.spans[i]
                new = fn(r, s.text[a:e], t)
                if new is not None:
                    hit = (i, new)
                    break
            if hit:
                break
        if not hit:
            continue
        i, new = hit
        a, e, t = s.spans[i]
        if fn is _markup:  # the gold span is the value, not its tags
            pre = new.index(">") + 1
            ns, ne = a + pre, a + pre + (e - a)
        else:
            ns, ne = a, a + len(new)
        delta = len(new) - (e - a)
        spans = []
        for j2, (a2, e2, t2) in enumerate(s.spans):
            if j2 == i:
                spans.append((ns, ne, t))
            else:
                shift = delta if a2 >= e else 0
                spans.append((a2 + shift, e2 + shift, OTHER))
        out.append(Sample(s.text[:a] + new + s.text[e:], spans, "c", fn.__name__.lstrip("_"),
                          {"base_genre": s.genre}))
    return out
