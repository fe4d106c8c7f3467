"""Corpora for bench/independent.py that this project did not write: presidio-evaluator sentences (a) and PII-free
texts (d): documentation shipped with Python and mimesis's sample text. The genre corpus (b) and its obfuscated
copy (c) are in bench/independent_genres.py and bench/independent_obfuscate.py.

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

    def seq(self, *parts: str | tuple[str, str]) -> None:
        """Carrier strings and (value, type) pairs, in order."""
        for part in parts:
            if isinstance(part, tuple):
                self.pii(*part)
            else:
                self.add(part)

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


# Entity kinds that are rare among the bundled templates (a few templates each out of about 200); the focused pass
# draws only from templates that contain one, so that each of these types gets enough values to compare.
_RARE = ("date_of_birth", "ssn", "iban", "ip_address", "email", "us_driver_license", "credit_card_number",
         "phone_number", "zipcode", "postcode")


def presidio_evaluator_corpus(n: int, seed: int, n_focus: int = 0) -> list[Sample]:
    """n sentences from presidio-evaluator's PresidioSentenceFaker with its bundled templates and person records,
    then n_focus more drawn only from the bundled templates that carry a rare entity kind (genre "focus-...")."""
    from presidio_evaluator.data_generator import PresidioSentenceFaker
    from presidio_evaluator.data_generator.faker_extensions import HospitalProvider
    from presidio_evaluator.data_generator.presidio_sentence_faker import presidio_additional_entity_providers

    # HospitalProvider tries to download a list from the web at start-up; no bundled template uses it.
    providers = [p for p in presidio_additional_entity_providers if p is not HospitalProvider]
    out: list[Sample] = []
    # Its person records draw middle-initial styles from the global `random` before the generator seeds itself:
    # seed the global state first, or two runs with one seed differ.
    random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=seed, entity_providers=providers)
        everything = list(faker._sentence_templates)
        out += _convert(faker.generate_new_fake_sentences(n), everything, "template")
        if n_focus:
            # Same generator, same person records; only the template list is narrowed (a private attribute:
            # the public constructor would reload the records, which takes most of a minute).
            focus = [t for t in everything if any("{{" + k + "}}" in t.lower() or "<" + k + ">" in t.lower()
                                                   for k in _RARE)]
            faker._sentence_templates = focus
            out += _convert(faker.generate_new_fake_sentences(n_focus), focus, "focus-template")
            faker._sentence_templates = everything
    return out


def _convert(results, templates: list[str], tag: str) -> list[Sample]:
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
        out.append(Sample(text, spans, "a", f"{tag}-{r.template_id}"))
    return out


# Paragraphs that really carry personal data (author addresses, credits) are dropped.
_EMAILISH = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_CREDITS = re.compile(r"\b(author|copyright|contributed by|written by|maintainer)\b", re.I)
_STDLIB = ["argparse", "asyncio", "base64", "bisect", "calendar", "collections", "concurrent.futures", "contextlib",
           "csv", "dataclasses", "datetime", "decimal", "difflib", "email.message", "enum", "fractions", "functools",
           "gettext", "glob", "gzip", "hashlib", "heapq", "html.parser", "http.client", "http.cookies", "imaplib",
           "importlib", "inspect", "ipaddress", "itertools", "json", "locale", "logging", "mailbox", "mimetypes",
           "operator", "optparse", "pathlib", "pickle", "pprint", "queue", "random", "re", "sched", "secrets",
           "shelve", "shlex", "shutil", "smtplib", "socket", "sqlite3", "statistics", "string", "subprocess",
           "tarfile", "tempfile", "textwrap", "threading", "tokenize", "typing", "unittest", "urllib.parse",
           "uuid", "wave", "weakref", "xml.dom.minidom", "zipfile", "zoneinfo"]


def _paragraphs(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", text or ""):
        para = para.strip()
        if 60 <= len(para) <= 700 and not _EMAILISH.search(para) and not _CREDITS.search(para):
            out.append(para)
    return out


def _stdlib_docstrings() -> list[str]:
    """Docstrings of standard-library modules, their classes and functions."""
    import importlib
    import inspect

    out: list[str] = []
    for name in _STDLIB:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        out += _paragraphs(inspect.getdoc(mod) or "")
        for _, obj in sorted(vars(mod).items()):
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and getattr(obj, "__module__", "") == mod.__name__:
                out += _paragraphs(inspect.getdoc(obj) or "")
    return out


def _mimesis_text(n: int, seed: int) -> list[str]:
    """Sentences from mimesis's bundled text data (en, de, fr, es), a few per text."""
    from mimesis import Text
    from mimesis.locales import Locale

    gens = [Text(Locale(loc), seed=seed + i) for i, loc in enumerate(("en", "de", "fr", "es"))]
    return [gens[i % len(gens)].text(quantity=3) for i in range(n)]


def pii_free_corpus(n: int, seed: int) -> list[Sample]:
    """n PII-free texts nobody here wrote: about 60% paragraphs of Python's documentation (pydoc_data.topics),
    20% standard-library docstrings, 20% mimesis sample text in four languages."""
    from pydoc_data.topics import topics

    r = random.Random(seed)
    pydoc = sorted({p for key in sorted(topics) for p in _paragraphs(topics[key])})
    docstr = sorted(set(_stdlib_docstrings()))
    r.shuffle(pydoc)
    r.shuffle(docstr)
    k_doc, k_mim = n // 5, n // 5
    out = [Sample(p, [], "d", "pydoc") for p in pydoc[:n - k_doc - k_mim]]
    out += [Sample(p, [], "d", "docstring") for p in docstr[:k_doc]]
    out += [Sample(p, [], "d", "mimesis-text") for p in _mimesis_text(k_mim, seed)]
    return out
