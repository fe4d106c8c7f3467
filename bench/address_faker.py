"""Address leak on Faker-built documents in the manner of scrubadub's fake-document generator (our own texts).

Corpus e of bench/independent.py (scrubadub's generator) is held out; this probe learns from the public generator
code instead. It writes its OWN documents: carrier sentences from Faker's lorem provider (Latin words) and from
Faker's English text provider, with our own seeds, and drops values into them at a random space or full stop with
no context word, as that generator does. Address values come from Faker's en_US and en_GB address providers and are
varied the way scrubadub's AddressFilth varies them (re-implemented here, tagged so failures can be counted by
kind): separators (newline, ", ", spaces, mixed), the en_GB street number removed or given a letter ("912b"), a
building line added, the postcode removed or lower-cased, a country line added, the whole value upper- or
lower-cased. en_GB postcodes also stand alone. Names, phones and e-mails are dropped in too, so that a LOCATION
finding on none of the values counts as a false positive.

  PYTHONPATH=. .venv/bin/python bench/address_faker.py [--n 400] [--seed 1] [--show 20] [--kind KIND]

Prints, per locale, the share of address and postcode values not wholly covered by findings (any type: a partial
span is a leak), the share wholly covered by LOCATION, the leak per variation kind, and false LOCATION spans.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_LOCALES = ("en_US", "en_GB")


def _separators(addr: str, rnd: random.Random, tags: list[str]) -> str:
    target = rnd.choice(["comma", "newline", "mixed", "spaces", "keep"])
    tags.append("sep-" + target)
    if target == "comma":
        return addr.replace("\n", ", ")
    if target == "newline":
        return addr.replace(", ", "\n")
    if target == "spaces":
        return addr.replace(", ", " ").replace("\n", " ")
    if target == "mixed":
        parts = re.split(r", |\n", addr)
        out = parts[0]
        for p in parts[1:]:
            out += rnd.choice([", ", "\n", " "]) + p
        return out
    return addr


def _street_number(addr: str, rnd: random.Random, tags: list[str]) -> str:
    target = rnd.choice(["remove", "letter", "keep", "keep", "keep", "keep"])
    lines = addr.split("\n")
    first = lines[0].split(" ")
    if target == "keep" or not first[0].isdigit():
        return addr
    tags.append("num-" + target)
    if target == "remove":
        return "\n".join([" ".join(first[1:])] + lines[1:])
    return "\n".join([" ".join([first[0] + rnd.choice(string.ascii_letters)] + first[1:])] + lines[1:])


def _building(addr: str, faker, rnd: random.Random, tags: list[str]) -> str:
    if rnd.random() < 0.25:
        tags.append("building")
        kind = rnd.choice(["Building", "House", "Block"])
        b = f"{faker.last_name()} {kind}" if rnd.random() < 0.5 else f"{kind} {faker.last_name()}"
        return b + "\n" + addr
    return addr


def _postcode(addr: str, rnd: random.Random, tags: list[str]) -> str:
    target = rnd.choice(["remove", "lower", "keep", "keep", "keep"])
    if target == "keep":
        return addr
    tags.append("pc-" + target)
    lines = addr.split("\n")
    if target == "remove":
        return "\n".join(lines[:-1])
    return "\n".join(lines[:-1] + [lines[-1].lower()])


def _country(addr: str, rnd: random.Random, tags: list[str]) -> str:
    target = rnd.choice(["country", "upper", "keep", "keep", "keep"])
    if target == "keep":
        return addr
    tags.append("country")
    c = rnd.choice(["United Kingdom", "Britain", "England", "Scotland", "Wales", "Cymru", "GB"])
    return addr + "\n" + (c.upper() if target == "upper" else c)


def _case(addr: str, rnd: random.Random, tags: list[str]) -> str:
    x = rnd.random()
    if x >= 0.9:
        tags.append("upper")
        return addr.upper()
    if x >= 0.8:
        tags.append("lower")
        return addr.lower()
    return addr


def make_address(faker, loc: str, rnd: random.Random) -> tuple[str, list[str]]:
    addr = faker.address()
    tags: list[str] = []
    if addr.split("\n")[-1][:3] in ("APO", "FPO", "DPO"):
        tags.append("military")
    elif loc == "en_US" and ("Apt." in addr or "Suite" in addr):
        tags.append("unit")
    elif loc == "en_GB" and (addr.startswith("Flat") or addr.startswith("Studio")):
        tags.append("gb-flat")
    if loc == "en_US" and rnd.random() < 1 / 6 and addr[0].isdigit():
        tags.append("us-no-number")  # not a scrubadub variation (its number edits are en_GB only): a probe of ours
        addr = addr.split(" ", 1)[1]
    if loc == "en_GB":
        addr = _street_number(addr, rnd, tags)
        addr = _building(addr, faker, rnd, tags)
        addr = _postcode(addr, rnd, tags)
        addr = _country(addr, rnd, tags)
    addr = _separators(addr, rnd, tags)
    addr = _case(addr, rnd, tags)
    return addr, tags


def _carrier(lorem, english, rnd: random.Random) -> str:
    return (lorem if rnd.random() < 0.5 else english).text() + " "


def make_docs(n: int, seed: int) -> list[tuple[str, list[tuple[int, int, str, list[str]]], str]]:
    """`n` documents alternating locales: (text, [(start, end, type, tags)], locale)."""
    from faker import Faker

    rnd = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in _LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed * 7919 + i)
    lorem = Faker("la")
    lorem.seed_instance(seed * 31 + 5)
    docs = []
    for i in range(n):
        loc = _LOCALES[i % 2]
        f = fakers[loc]
        kinds = ["address", "address", "address", "name", "phone", "email"] + (["postcode"] * 2 if loc == "en_GB"
                                                                                else [])
        doc = ""
        spans = []
        for _ in range(rnd.randint(1, 6)):
            text = _carrier(lorem, f, rnd)
            pos = rnd.choice(list(re.finditer(r"[\s.]", text)))
            kind = rnd.choice(kinds)
            tags: list[str] = []
            if kind == "address":
                value, tags = make_address(f, loc, rnd)
            elif kind == "postcode":
                value = f.postcode()
                tags = ["postcode"]
            elif kind == "name":
                value = f.name()
            elif kind == "phone":
                value = f.phone_number()
            else:
                value = f.email()
            sep = pos.group()
            if "\n" in value:
                sep = "\n"
            head = text[:pos.start()] + (sep if sep != "." else ". ")
            start = len(doc) + len(head)
            spans.append((start, start + len(value), kind, tags))
            doc += head + value + sep + text[pos.end():]
        doc += "\n\n"
        stripped = doc.lstrip()
        cut = len(doc) - len(stripped)
        doc = stripped.rstrip()
        spans = [(a - cut, b - cut, k, t) for a, b, k, t in spans if b - cut <= len(doc)]
        docs.append((doc, spans, loc))
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=0, help="print this many leaked values")
    ap.add_argument("--kind", help="print only leaks whose tags hold this kind")
    ap.add_argument("--fp", action="store_true", help="print the false LOCATION spans")
    args = ap.parse_args(argv)
    from service.redaction.engine import RedactionEngine

    engine = RedactionEngine.default()
    docs = make_docs(args.n, args.seed)
    stats: dict[str, Counter] = defaultdict(Counter)
    by_tag: dict[str, Counter] = defaultdict(Counter)
    shown = 0
    fps = []
    for text, spans, loc in docs:
        found = [(f.start, f.end, f.entity_type) for f in engine.analyze(text)]
        cov = set()
        loc_cov = set()
        for a, b, t in found:
            cov.update(range(a, b))
            if t == "LOCATION":
                loc_cov.update(range(a, b))
        for a, b, kind, tags in spans:
            if kind not in ("address", "postcode"):
                continue
            chars = [i for i in range(a, b) if text[i].isalnum()]
            leak = any(i not in cov for i in chars)
            typed = all(i in loc_cov for i in chars)
            key = f"{loc} {kind}"
            stats[key]["values"] += 1
            stats[key]["leaked"] += leak
            stats[key]["typed"] += typed
            for t in tags or ["plain"]:
                by_tag[f"{loc} {t}"]["values"] += 1
                by_tag[f"{loc} {t}"]["leaked"] += leak
            if leak and shown < args.show and (not args.kind or args.kind in tags):
                shown += 1
                got = [(text[x:y], t) for x, y, t in found if x < b and y > a]
                print(f"--- {loc} {tags}\n{text[a:b]!r}\n  found: {got}")
        for a, b, t in found:
            if t == "LOCATION" and not any(a < sb and b > sa for sa, sb, _, _ in spans):
                fps.append(text[a:b])
    for key, c in sorted(stats.items()):
        print(f"{key:18} values {c['values']:4d}  leak {100 * c['leaked'] / c['values']:5.1f}%  "
              f"typed {100 * c['typed'] / c['values']:5.1f}%")
    tot = sum(c["values"] for c in stats.values())
    print(f"{'ALL':18} values {tot:4d}  leak {100 * sum(c['leaked'] for c in stats.values()) / tot:5.1f}%")
    print("by kind: " + "; ".join(f"{k} {100 * c['leaked'] / c['values']:.0f}% ({c['values']})"
                                  for k, c in sorted(by_tag.items())))
    print(f"false LOCATION spans: {len(fps)}")
    if args.fp:
        for s in fps:
            print("  FP", repr(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
