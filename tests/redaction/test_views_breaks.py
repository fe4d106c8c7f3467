"""Line breaks the joined view now reads across: a quoted-printable soft break after a "." or "-" inside a
token, and an IBAN a program wrapped a few characters after its country code (own examples)."""

from __future__ import annotations

import pytest

from service.redaction.engine import RedactionEngine


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


def _found(engine: RedactionEngine, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start:f.end]) for f in engine.analyze(text)]


@pytest.mark.parametrize(("text", "value"), [
    ("deferred: to=<marta.quill@postbox.=\ncom>, relay=none", "marta.quill@postbox.=\ncom"),
    ("Reply to olu.ade@mail-=\r\nhub.example.org today", "olu.ade@mail-=\r\nhub.example.org"),
])
def test_a_soft_break_after_inner_punctuation_is_joined(engine, text, value) -> None:
    assert ("EMAIL_ADDRESS", value) in _found(engine, text)


@pytest.mark.parametrize("sep", ["\n", "\r\n"])
@pytest.mark.parametrize(("head", "rest"), [("GB33B", "UKB20201555555555"), ("DE75", "512108001245126199"),
                                            ("FR7630006", "000011234567890189")])
def test_an_iban_wrapped_after_its_head_is_found_whole(engine, sep, head, rest) -> None:
    text = f"Please pay to {head}{sep}{rest} by Friday."
    assert ("IBAN_CODE", f"{head}{sep}{rest}") in _found(engine, text)


@pytest.mark.parametrize("text", ["The PLAN\nAHEAD program starts", "ticket AB12C\nDEF closed",
                                  "serial XY12ABC\nDEFGHIJKLMNOP", "A1 B2\nC3 D4"])
def test_capitals_across_a_break_that_make_no_iban_are_left_alone(engine, text) -> None:
    assert _found(engine, text) == []
