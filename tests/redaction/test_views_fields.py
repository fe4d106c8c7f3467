"""Values broken by a line break inside a field of a record, spaced out with letters the fold widens, and
digit groups joined by middle dots or bullets (issue #13): the joined and table views read them whole.
Examples are our own; each test fails on the views before this change."""

from __future__ import annotations

import pytest

from service.redaction.normalize import normalize
from service.redaction.views import derived_views, table_view
from service.redaction.views_breaks import field_breaks, joiner


def _covered(engine, text: str, value: str) -> bool:
    """Every letter and digit of `value` lies inside some finding."""
    start = text.index(value)
    cov = {i for f in engine.analyze(text) for i in range(f.start, f.end)}
    return all(i in cov for i in range(start, start + len(value)) if text[i].isalnum())


def _joined(text: str) -> str:
    return next(v.text for v in derived_views(text) if v.name == "joined")


class TestLineBreakInsideAField:
    @pytest.mark.parametrize("text,value", [
        ('{"person": {"surname": "Quist", "birth_date": "197\n4-03-18", "ref": "A1"}}', "197\n4-03-18"),
        ('{"payment": {"iban": "DE44500105175407\n324931", "amount": 12}}', "DE44500105175407\n324931"),
        ("<patient>\n  <dob>03/11\r\n/1962</dob>\n  <ward>4</ward>\n</patient>", "03/11\r\n/1962"),
        ("service:\n  contact: Ingrid \nVaskova\n  mail: ingrid.vas\r\nkova@example.net\n  port: 8080\n",
         "ingrid.vas\r\nkova@example.net"),
        ("service:\n  contact: Ingrid \nVaskova\n  mail: ingrid.vaskova@example.net\n", "Ingrid \nVaskova"),
        ("owner:\n  mail: ingrid.vas\r\nkova@example.net\ndatabase:\n  port: 1\n", "ingrid.vas\r\nkova@example.net"),
        ("[09:14] Pia: which number?\n[09:15] Olu: +44 7700 \n900461\n", "+44 7700 \n900461"),
        ("Jun 3 10:01:55 fw dhcpd: DHCPACK on 10.1.2.3 to 00:1b:44:=\n11:3a:b7 via eth1\nJun 3 10:01:56 fw dhcpd: ok",
         "00:1b:44:=\n11:3a:b7"),
    ])
    def test_a_value_broken_inside_a_quoted_string_an_element_or_a_keyed_line(self, engine, text, value):
        assert _covered(engine, text, value)

    def test_the_break_goes_and_the_blanks_beside_it_stay(self):
        assert "birth_date\": \"1974-03-18\"" in _joined('{"birth_date": "197\n4-03-18",\n"x": 1}')
        assert "contact: Ingrid Vaskova\n" in _joined("app:\n  contact: Ingrid \nVaskova\n  port: 1\n")
        assert "<dob>03/11/1962</dob>" in _joined("<dob>03/11\r\n/1962</dob>")
        # a quoted-printable soft break goes with its "="
        assert "via 00:1b:44:11:3a:b7 on" in _joined("lease: via 00:1b:44:=\n11:3a:b7 on eth1\nnext: 2")

    def test_a_blank_between_two_words_only_where_the_second_is_a_capitalised_word(self):
        assert joiner("name: Ingrid\nVaskova", 12, 13) == " "
        assert joiner("key: 7hQpLmZx\nRt2Wk", 13, 14) == ""  # inside a token
        assert joiner("key: qpLmZx\nRTwk", 11, 12) == ""  # not a capitalised word
        assert joiner("mail: ingrid.vas\nkova@example.net", 16, 17) == ""

    @pytest.mark.parametrize("text", [
        "Note: see below\nThe meeting moved to Friday because the room was taken by another team\nThanks",
        "Subject: lunch\n- bread\n- cheese\n",
        "name: Ada\nrole: admin\n",  # every line has its own key
        "Dear team,\nthe report is attached.\nBest,\nMo",  # no keys, no quotes, no elements
        "<p>first</p>\n<p>second</p>",  # the element closed on its own line
        'x = "a"\ny = "b"\n',
        "Jun 3 10:01:55 fw dhcpd: DHCPACK to 00:1b:44:11:3a:b7 via eth1\nJun 3 10:01:56 fw 10:11:12",
        "Me: see you at five?\nSeraf\nina: sure\n",  # a speaker's name broken in two
    ])
    def test_lines_that_are_not_one_field_stay_apart(self, text):
        assert field_breaks(text) == [], text

    def test_linear_and_cheap_without_records(self):
        assert field_breaks("plain prose without any line breaks at all") == []
        assert field_breaks("a\nb\nc") == []


class TestTableRows:
    def test_a_row_wrapped_inside_a_cell_is_one_row_under_its_headers(self, engine):
        text = ("id,name,mail,phone\n"
                "1,Ingrid Vaskova,ingrid@example.net,+44 7700 900461\n"
                "2,Oskar Brandt,oskar.bra\r\nndt@example.org,+44 7700 900462\n"
                "3,Mila Horvat,mila@example.com,+44 7700 900463\n")
        v = table_view(text)
        assert v is not None and "mail: oskar.brandt@example.org" in v.text
        assert "name: Mila Horvat" in v.text  # the table goes on after the wrapped row
        assert _covered(engine, text, "oskar.bra\r\nndt@example.org")

    def test_a_cell_that_is_one_element_reads_under_its_header(self, engine):
        text = ("id,name,postcode\n"
                "1,Ingrid Vaskova,<i>40213</i>\n"
                "2,<b>Oskar Brandt</b>,50667\n"
                "3,Mila Horvat,<span>10115</span>\n")
        v = table_view(text)
        assert v is not None and "postcode: 40213\n" in v.text and "name: Oskar Brandt\n" in v.text
        assert _covered(engine, text, "40213") and _covered(engine, text, "10115")

    def test_a_short_line_after_a_table_still_ends_it(self):
        text = "id,name,mail\n1,Ann Lee,ann@example.net\n2,Bo Kim,bo@example.net\ntotal 2\n\nbye"
        v = table_view(text)
        assert v is not None and "total 2" in v.text and "name: total" not in v.text


class TestSpacedRuns:
    @pytest.mark.parametrize("text,value", [
        ("Ask Þ ó r d í s about the keys", "Þ ó r d í s"),
        ("Her date of birth? It's 2 7 / 4 / 1 9 8 8", "2 7 / 4 / 1 9 8 8"),
        ("As agreed, here's M i r k o's phone", "M i r k o"),
        ("My name is L i v", "L i v"),
        ("Please thank E v a for me", "E v a"),
    ])
    def test_spaced_names_and_dates(self, engine, text, value):
        assert _covered(engine, text, value)

    def test_a_letter_the_fold_widens_is_still_one_token(self):
        assert "Saemundur called" in _joined(normalize("S æ m u n d u r called").text)  # "æ" folds to "ae"

    def test_a_run_does_not_start_inside_a_word_with_an_apostrophe(self):
        assert "It's 27/4/1988" in _joined("It's 2 7 / 4 / 1 9 8 8")
        assert "here's Mirko's" in _joined("here's M i r k o's phone")

    def test_three_single_letters_join_only_as_a_capitalised_word(self):
        assert all(v.name != "joined" for v in derived_views("options a b c and x y z"))
        assert all(v.name != "joined" for v in derived_views("Q & A at noon"))


class TestMiddleDotsAndBullets:
    @pytest.mark.parametrize("sep", ["\u00b7", "\u2022"])
    def test_between_digits_they_fold_to_a_hyphen(self, engine, sep):
        value = sep.join(["0612", "88", "43", "90"])
        assert normalize(f"mobile {value}").text == "mobile 0612-88-43-90"
        assert _covered(engine, f"you can reach me on {value} after six", value)

    def test_an_ip_address_and_words_keep_their_dots(self):
        assert normalize("host 10\u00b720\u00b730\u00b740 up").text == "host 10.20.30.40 up"
        assert normalize("col\u00b7legi 3\u00b7x").text == "col.legi 3.x"


class TestQuotedAndBracketed:
    def test_a_spaced_name_right_after_a_quote_marker(self, engine):
        text = "}}Best regards\n}}D a g f i n n  B e r g e\n}}Fjordline AS"
        assert "}}Dagfinn Berge\n" in _joined(text)
        assert _covered(engine, text, "D a g f i n n  B e r g e")

    def test_an_address_in_angle_brackets_after_an_element_is_text_not_a_tag(self):
        from service.redaction.views import markup_view
        v = markup_view("From: <value>Ilse Brandt</value> <ilse.b@example.org>\nTo: x@example.org")
        assert v is not None and "From: Ilse Brandt <ilse.b@example.org>" in v.text
        # a real tag after the element still ends its line
        v = markup_view("<name>Ilse Brandt</name> <city>Kiel</city>")
        assert v is not None and "Ilse Brandt\n" in v.text


class TestSentenceBrokenOnce:
    @pytest.mark.parametrize("text,value", [
        ("Our new office is at 418\r\n Linden Avenue", "418\r\n Linden Avenue"),
        ("The parcel went to 77 rue\n des Lilas", "77 rue\n des Lilas"),
        ("You can call me on 0612 8\n843901", "0612 8\n843901"),
    ])
    def test_a_two_line_sentence_reads_as_one_line(self, engine, text, value):
        assert _covered(engine, text, value)

    def test_the_break_goes_and_its_blank_stays(self):
        from service.redaction.views_breaks import sentence_breaks
        assert "is at 418 Linden Avenue" in _joined("Our new office is at 418\r\n Linden Avenue")
        assert sentence_breaks("Hello there my friend\nJoe") == []  # nothing beside it, two letters
        assert sentence_breaks("We moved the meeting.\nSee you there") == []  # the sentence ended
        assert sentence_breaks("Harbour Road 12\n Westbury\n Iceland") == []  # a block of three lines
        assert sentence_breaks(" 12 Quay Street\n Westbury") == []  # an indented block
        assert sentence_breaks("Hi Bo\n Joe") == []  # too short to be prose
