"""PERSON from what a sentence or a layout says about a lone word: the subject of a sentence in a text that
speaks of a person, "<Name> is a <...> man", two names doing something together, a possessive that ends a
run of capitalised words, kin ("my niece Ottavia"), naming ("she named him Brisco"), giving ("gave Szymek
his keys"), speech to someone ("shouted at Maelle"), quoted speakers, and the head of a postal address
block. Every example is written for this file."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


def persons(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PERSON"]


@pytest.mark.parametrize("text, name", [
    # a subject in a text that speaks of him or her
    ("Orsolyka is always on time. Ask her about the rota.", "Orsolyka"),
    ("Tjorven had lent Tjorven his bike again.", "Tjorven"),
    ("Brisco was late twice, so we moved his shift.", "Brisco"),
    # the sentence says it is a person
    ("Steven is a very patient person.", "Steven"),
    ("Ilmari is a quiet old man from the coast.", "Ilmari"),
    # two of them doing something together
    ("Who wrote it? Quennell and Villa were the authors.", "Quennell"),
    ("Who wrote it? Quennell and Villa were the authors.", "Villa"),
    # a verb of living
    ("Perpetua lives in a flat above the bakery.", "Perpetua"),
    # a possessive ends a run of capitalised words
    ("We read from Aurelio Pezzutti's Collected Letters last night.", "Aurelio Pezzutti"),
    ("Tamsin R Oakeshott's lawyers filed the appeal.", "Tamsin R Oakeshott"),
    ("It was Gwladys's kid who found the keys.", "Gwladys"),
    ("Everyone loved Hollis's song at the wedding.", "Hollis"),
    # kin after a possessive, naming, giving, speech to someone
    ("Please add my niece Ottavia to the booking.", "Ottavia"),
    ("We lost our son Radomir in the crowd for an hour.", "Radomir"),
    ("On the third day she named him Brisco.", "Brisco"),
    ("The clerk had handed Szymek his receipt already.", "Szymek"),
    ("Stop that! shouted Ifor at Maelle.", "Ifor"),
    ('Ifor shouted at Maelle: "Come back!"', "Maelle"),
    ("Not again, said Ifor to Maelle", "Maelle"),
    ("My name is Tobiah Kerslake but my friends call me Tobiah", "Tobiah Kerslake"),
    ("My name is Tobiah Kerslake but everyone calls me Toby", "Toby"),
    # a clause after "but", with an adverb before its verb, in a text that speaks of him or her
    ("She missed the bus, but Wendelin still has to sign in by nine.", "Wendelin"),
    # said outright to be a person, though the word also names a place
    ("Madison is a cheerful young woman.", "Madison"),
    # the author of a novel
    ("I preferred the Okonkwo-Reyes novel to the film.", "Okonkwo-Reyes"),
    ("Unlike the Vandermeulen novel, the sequel is short.", "Vandermeulen"),
    # called, with a first name first; a capital after a name prefix is no product's
    ("His grandmother was called Ruth MacAllister.", "Ruth MacAllister"),
    ("Dear Aoife McGonagle, thanks for the parcel.", "Aoife McGonagle"),
    # a listed name that names something else first, inside a full name or said to be a name
    ("My name is Sofia Lima and I need a new card.", "Sofia Lima"),
    ("I'm Victoria Ershova, calling about my order.", "Victoria Ershova"),
    ("Her maiden name is Ferrari", "Ferrari"),
    ("My name is Lincoln", "Lincoln"),
    # lists: founders, and first names that are also months
    ("The shop was started by three founders: Oyelaran, Buckley and Price.", "Oyelaran"),
    ("We invited five: Maribel, Kelly, April, June and Sarah.", "April"),
    ("We invited five: Maribel, Kelly, April, June and Sarah.", "June"),
    # the maker of a work, after "by" (and a former band named first)
    ("Have you read the poem by Ottoline Vasquez-Reyes?", "Ottoline Vasquez-Reyes"),
    ("That album by ex-Stooge Brannigan still sells.", "Brannigan"),
    # the whole name: letters no fold makes ASCII, a hyphenated surname, a particle in front
    ("Please call Ragnheiður Þórhallsdóttir back today.", "Ragnheiður Þórhallsdóttir"),
    ("Dear Guðrún Þ. Jónsdóttir, your parcel is here", "Guðrún Þ. Jónsdóttir"),
    ("Please welcome Ivan Дмитриев to the team.", "Ivan Дмитриев"),
    ("Our new auditor, Aino K Ylä-Mäkinen, starts Monday.", "Aino K Ylä-Mäkinen"),
    ("Van Rensburg said the figures were final.", "Van Rensburg"),
])
def test_lone_names_the_sentence_treats_as_people(engine, text, name):
    assert any(name in found for found in persons(engine, text))


@pytest.mark.parametrize("text, names", [
    ('Ysolde: "Where were you?"\nBram:"At the station."', ["Ysolde", "Bram"]),
    ("Dorotea Vlk\n\n2210 Orchard Row 5\nSuite 12\nLeeds", ["Dorotea Vlk"]),
    ("> Keiran Black\n> Quillfeather Holdings Ltd\n> 14 Canal Side\n> Bristol", ["Keiran Black"]),
    ("Benedek Ferrari\nNorthwind Traders SA\n880 Harbour Road 3", ["Benedek Ferrari"]),
    ("Oskar: Ready?\nHeather: Almost, give me a minute.\nOskar: Fine.", ["Oskar", "Heather"]),
])
def test_speakers_and_address_heads(engine, text, names):
    found = persons(engine, text)
    for n in names:
        assert n in found


@pytest.mark.parametrize("text", [
    "Haskell is a lazy functional language. He wrote a parser in it.",
    "Erlang is a language for telephone switches; she used it at work.",
    "Salt and Pepper were the only options.",
    "The Court said it would rule next week, and he agreed.",
    'Note: "restart the worker"\nExample: "worker --once"',
    "Customer Service\n12 Main Street\nSpringfield",
    "Morgan Stanley\n1585 Broadway\nNew York",
    "Acme Widgets Ltd\n\n40 Mill Lane\nYork",
    "Head Office\n\n7 Quay Street\nGalway",
    "Main Hall\n\n7 Quay Street\nGalway",
    "Everything is fine. He said so.",
    "My team called it done.",
    "The server gave Python its own process.",
    "The function is called Parse and it returns a tree.",
    "The module is called Tkinter. He likes it.",
    "It's April already, and the garden is green.",
    "We visited Paris, London, Berlin and Rome.",
    "The Python novel was a joke, he said.",
    "The Tkinter Black theme was used by default.",
    "Rust is a language, but Haskell is older, he said.",
    "This book by hand-picked experts is a guide.",
])
def test_things_that_are_no_people(engine, text):
    assert persons(engine, text) == []


@pytest.mark.parametrize("text, expected", [
    ("Wir wohnen in der Kölner Straße 121", []),  # (a German article is no particle of a name)
    ("We met Pieter van der Berg at the fair.", ["Pieter van der Berg"]),
])
def test_particles_before_a_name(engine, text, expected):
    assert persons(engine, text) == expected


@pytest.mark.parametrize("text, name, count", [
    # a name in a script of its own is found again where no cue stands ("--" signature under a From: line)
    ("From: 司马秋云 <qy@example.cn>\nSubject: Re: the quote\n\nAgreed.\n\n--\n司马秋云\n", "司马秋云", 2),
    # time-stamped speakers: an apostrophe inside the name, a first name written in lower case
    ("[09:01] Ama'ebi: Is it shipped?\n[09:02] Doria: Yes, today.\n[09:03] Ama'ebi: Thanks", "Ama'ebi", 2),
    ("[09:01] diego: Is it shipped?\n[09:02] Doria: Yes, today.\n[09:03] diego: Thanks", "diego", 2),
    # a capitalised surname in a surname field, though it is also a word
    ('{"first_name": "Ilona", "last_name": "Sales"}', "Sales", 1),
])
def test_names_found_in_every_place(engine, text, name, count):
    assert persons(engine, text).count(name) == count


@pytest.mark.parametrize("text", [
    "[08:00] error: disk full\n[08:01] retry: again\n[08:02] error: disk full",
    "[08:00] warning: disk full\n[08:01] mark: again\n[08:02] warning: disk full",
    '{"name": "Sales", "region": "EMEA"}',
])
def test_labels_and_values_that_are_no_people(engine, text):
    assert persons(engine, text) == []


@pytest.mark.parametrize("text", [
    "Redis lives in memory.", "Terraform was slow yesterday. She restarted it.",
    "Grafana has a new dashboard. He likes it.", "Postgres and Redis were both down.",
    "The Webpack novel approach.", "Terraform's kid module failed.", "Markdown and Jinja were both templates.",
])
def test_software_is_not_a_person_alone(engine, text):
    """The sentence rules read a lone capitalised word as a person; the names of software are not (listed in
    not_names.txt, which still lets them count inside a full name)."""
    assert [f for f in engine.analyze(text) if f.entity_type == "PERSON"] == []
