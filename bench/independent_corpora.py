"""Corpora for bench/independent.py that this project did not write: presidio-evaluator sentences (a) and
PII-free paragraphs of documentation shipped with Python (d). The genre corpus (b) and its obfuscated copy (c)
are in bench/independent_genres.py.

Every sample is a text plus gold spans. A gold span's type is one of our entity names, or OTHER for a labelled
value we have no entity for (organisations, cities, countries, titles, generic dates...): OTHER spans are never
scored as leaks, and a finding on one is counted as "other", not as a false positive.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
from dataclasses import dataclass, field

OTHER = "OTHER"

# presidio-evaluator's output labels -> ours. STREET_ADDRESS (address, street, building number, postcode) and
# ZIP_CODE are what our LOCATION covers; GPE (city, state, country) is not (a city alone identifies nobody).
# DOMAIN_NAME comes from Faker's url() (a company web site): the issue counts such URLs as identifying nobody,
# so it is OTHER. DATE_TIME is decided per template, see _birth_template.
PRESIDIO_EVAL_MAP = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD", "US_SSN": "US_SSN", "IBAN_CODE": "IBAN_CODE", "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE", "STREET_ADDRESS": "LOCATION", "ZIP_CODE": "LOCATION",
}
_BIRTH = re.compile(r"\b(birth|born|dob|birthday)\b", re.I)


@dataclass(slots=True)
class Sample:
    text: str
    spans: list[tuple[int, int, str]]  # (start, end, our entity type or OTHER)
    corpus: str
    genre: str = ""
    meta: dict = field(default_factory=dict)


class Builder:
    """Concatenates carrier text and labelled values, recording each value's span."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s)

    def pii(self, value: str, etype: str) -> None:
        self.spans.append((self.n, self.n + len(value), etype))
        self.add(value)

    def sample(self, corpus: str, genre: str, **meta) -> Sample:
        return Sample("".join(self.parts), self.spans, corpus, genre, meta)


def _birth_template(template: str) -> bool:
    """A DATE_TIME is a date of birth when its template says so in words ("date of birth", "born on").

    Only the template is read, never the generated sentence: "It's like that since {{date_of_birth}}" fills a
    birth date but nothing in the text says it is one, so no reader (and no detector) could know; it is OTHER.
    """
    return bool(_BIRTH.search(re.sub(r"\{\{.*?\}\}", " ", template)))


def _unescape_newlines(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    r"""Some bundled templates carry a literal backslash-n meaning a line break; make it one, shifting spans."""
    if "\\n" not in text:
        return text, spans
    cuts = [m.start() for m in re.finditer(r"\\n", text)]

    def shift(p: int) -> int:
        return p - sum(1 for c in cuts if c < p)

    return text.replace("\\n", "\n"), [(shift(s), shift(e), t) for s, e, t in spans]


def presidio_evaluator_corpus(n: int, seed: int) -> list[Sample]:
    """n sentences from presidio-evaluator's PresidioSentenceFaker with its bundled templates and person records."""
    from presidio_evaluator.data_generator import PresidioSentenceFaker
    from presidio_evaluator.data_generator.faker_extensions import HospitalProvider
    from presidio_evaluator.data_generator.presidio_sentence_faker import presidio_additional_entity_providers

    # HospitalProvider tries to download a list from the web at start-up; no bundled template uses it.
    providers = [p for p in presidio_additional_entity_providers if p is not HospitalProvider]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=seed, entity_providers=providers)
        results = faker.generate_new_fake_sentences(n)
    templates = faker._sentence_templates
    out = []
    for r in results:
        birth = _birth_template(templates[r.template_id])
        spans = []
        for sp in r.spans:
            if sp.entity_type == "DATE_TIME":
                etype = "DATE_OF_BIRTH" if birth else OTHER
            else:
                etype = PRESIDIO_EVAL_MAP.get(sp.entity_type, OTHER)
            spans.append((sp.start_position, sp.end_position, etype))
        text, spans = _unescape_newlines(r.full_text, spans)
        out.append(Sample(text, spans, "a", f"template-{r.template_id}"))
    return out


# Paragraphs that really carry personal data (author addresses) or that are code listings, not prose.
_EMAILISH = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def pii_free_corpus(n: int, seed: int) -> list[Sample]:
    """n paragraphs of Python's own documentation (pydoc_data.topics, shipped with CPython)."""
    from pydoc_data.topics import topics

    paras: list[str] = []
    for key in sorted(topics):
        for para in re.split(r"\n\s*\n", topics[key]):
            para = para.strip()
            if 60 <= len(para) <= 700 and not _EMAILISH.search(para):
                paras.append(para)
    paras = sorted(set(paras))
    random.Random(seed).shuffle(paras)
    return [Sample(p, [], "d", "pydoc") for p in paras[:n]]
