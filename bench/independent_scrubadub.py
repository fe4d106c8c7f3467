"""Corpus e for bench/independent.py: documents from scrubadub's fake-document generator, a second public
generator whose texts share nothing with presidio-evaluator's templates or our genres.

`scrubadub.comparison.make_fake_document` (scrubadub 2.0.1, MIT) writes Faker's random English sentences and
drops one Faker value into each group of sentences at a random space or full stop: a name, an address (often
on three lines), a phone number, an e-mail address, a postcode, an SSN, a URL or a Twitter handle. Nothing
announces a value -- no "my name is", no "phone:" -- so this is the hardest genre for context-driven
detection, and nobody here wrote or chose a single sentence of it.

Corpus e is held out for good: bench/independent.py never writes its misses, so no detector is tuned on it.

Labels: name -> PERSON, address and postcode -> LOCATION (as presidio-evaluator's STREET_ADDRESS/ZIP_CODE),
phone -> PHONE_NUMBER, email -> EMAIL_ADDRESS, social_security_number -> US_SSN. URL and Twitter handle are
OTHER (never scored): a company URL identifies nobody (the issue's rule), and we have no entity for handles.
"""

from __future__ import annotations

import random

from bench.independent_corpora import OTHER, Sample

SCRUBADUB_MAP = {
    "name": "PERSON", "address": "LOCATION", "postalcode": "LOCATION", "phone": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS", "social_security_number": "US_SSN", "url": OTHER, "twitter": OTHER,
}
# The locales scrubadub's own comparison script generates (scrubadub/scripts: FILTH_IN_LOCALES), with the
# types it generates for each.
LOCALES = {
    "en_US": ["address", "email", "name", "phone", "social_security_number", "twitter", "url"],
    "en_GB": ["address", "email", "name", "phone", "postalcode", "url"],
}


def scrubadub_corpus(n: int, seed: int) -> list[Sample]:
    """`n` one-paragraph documents, alternating locales; each carries one to ten labelled values."""
    from faker import Faker
    from scrubadub.comparison import make_fake_document

    state = random.getstate()  # make_fake_document seeds the global random module; leave it as we found it
    try:
        fakers = {loc: Faker(locale=loc) for loc in LOCALES}
        out: list[Sample] = []
        locs = list(LOCALES)
        for i in range(n):
            loc = locs[i % len(locs)]
            doc, known = make_fake_document(paragraphs=1, seed=seed * 100_003 + i, faker=fakers[loc],
                                            filth_types=LOCALES[loc])
            spans = _locate(doc, known)
            if spans is not None:
                out.append(Sample(doc, spans, "e", loc))
        return out
    finally:
        random.setstate(state)


def _locate(doc: str, known: list[dict]) -> list[tuple[int, int, str]] | None:
    """Each known value's span, found in order (the generator inserts them left to right). None when a
    value cannot be found verbatim (the document's final strip() can cut a value's edge whitespace)."""
    spans = []
    pos = 0
    for item in known:
        value = item["match"].strip()
        i = doc.find(value, pos)
        if i < 0 or not value:
            return None
        spans.append((i, i + len(value), SCRUBADUB_MAP.get(item["filth_type"], OTHER)))
        pos = i + len(value)
    return spans
