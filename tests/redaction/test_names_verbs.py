"""PERSON from what the sentence says a word does (speech verbs, "<participle> by", possessed personal things,
"is from", a word addressed at the start), and unknown names with a middle initial or after a first name that
is also a word. Every example is written for this file."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


def persons(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PERSON"]


@pytest.mark.parametrize("text, name", [
    ('"We shipped it on time," says Vrbanić.', "Vrbanić"),
    ("Good idea, replied Tamsyn to her colleague", "Tamsyn"),
    ("Ouellette said the contract was signed.", "Ouellette"),
    ("The mural was painted by Ilkka Vähämäki in 2003.", "Ilkka Vähämäki"),
    ("Here is Brannagh's phone as promised.", "Brannagh"),
    ("Quillon is from Westbrook Logistics.", "Quillon"),
    ("Darvish, could you send me the minutes?", "Darvish"),
    ("Orlaith K. Dunphy\nSite engineer\nPhone: on file", "Orlaith K. Dunphy"),
    ("Kestrin P Aldana\n\nProject lead", "Kestrin P Aldana"),
    ("Jade Okonjo\nUnit 4, Harbour Road", "Jade Okonjo"),
    ("Shipping to: Hunter B. Wood\nCarrier: ground", "Hunter B. Wood"),
    ("The Iris Vantongeren edition sold out.", "Iris Vantongeren"),
    ("The choir was led by Rue Abernathy-Ngata last year.", "Rue Abernathy-Ngata"),
    ("Produced By:   Eyjólfur Þórhallsson", "Eyjólfur Þórhallsson"),
    ("Vandersloot began painting at nine.", "Vandersloot"),
    ("Honestly? Quarrington and Nash built it together.", "Quarrington"),
    ("Yesterday Deborah and Quarrington built it together.", "Quarrington"),
])
def test_names_that_the_sentence_treats_as_people(engine, text, name):
    assert name in persons(engine, text)


@pytest.mark.parametrize("text", [
    "The Court said it would rule next week.",
    "Reuters said the merger closed on Friday.",
    "However, could you check the logs again?",
    "The report was written by hand in 1998.",
    "Python is from the early nineties.",
    "The project began in the spring.",
    "Salt and Pepper were the only options.",
    "See Appendix B. Results follow below.",
])
def test_things_that_say_or_make_things_are_no_people(engine, text):
    assert persons(engine, text) == []
