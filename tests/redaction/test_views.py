"""Derived views (service/redaction/views.py): values packaged in markup, tables, wrapped lines, spaced-out
letters, odd separators and JSON escapes are found, and every finding maps back to the whole value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.redaction.views import derived_views, joined_view, markup_view, table_view
from tests.redaction.conftest import cost_ratio, types_of


class TestMarkup:
    @pytest.mark.parametrize("text,value,etype", [
        ("<td>olga.brandt@example.net</td>", "olga.brandt@example.net", "EMAIL_ADDRESS"),
        ("<tr><td>+1 628 555 0170</td></tr>", "+1 628 555 0170", "PHONE_NUMBER"),
        ("<ns:pan>5555555555554444</ns:pan>", "5555555555554444", "CREDIT_CARD"),
        ("<contact><mail>kofi.mensah@example.org</mail></contact>", "kofi.mensah@example.org", "EMAIL_ADDRESS"),
        ("<li>IBAN: DE89370400440532013000</li>", "DE89370400440532013000", "IBAN_CODE"),
        ("<p>server<br/>10.20.30.40<br/>down</p>", "10.20.30.40", "IP_ADDRESS"),
        ("<![CDATA[ssn 536-22-5431]]>", "536-22-5431", "US_SSN"),
        ("<!-- owner: tariq.haddad@example.com -->", "tariq.haddad@example.com", "EMAIL_ADDRESS"),
    ])
    def test_a_value_touching_tags_is_found_whole(self, engine, text, value, etype):
        assert (etype, value) in types_of(engine, text)
        assert value not in engine.redact(text).text

    def test_inline_tags_that_split_a_value_do_not_hide_it(self, engine):
        text = "write to <b>ines</b>.<i>moreau</i>@example.fr today"
        found = types_of(engine, text)
        assert [t for t, _ in found] == ["EMAIL_ADDRESS"]
        assert found[0][1] == "ines</b>.<i>moreau</i>@example.fr"  # the tag before the value stays

    def test_attribute_values_are_still_found(self, engine):
        text = '<input name="mail" value="lena.fischer@example.de">'
        assert ("EMAIL_ADDRESS", "lena.fischer@example.de") in types_of(engine, text)

    def test_the_markup_view_labels_values_with_their_element_and_column(self):
        base = "<table><tr><th>Name</th><th>Phone</th></tr><tr><td>A B</td><td>123</td></tr></table><dob>x</dob>"
        v = markup_view(base)
        assert v is not None
        assert "\nName: A B\n" in v.text and "\nPhone: 123\n" in v.text and "\ndob: x\n" in v.text

    def test_keys_the_view_made_up_are_never_part_of_a_finding(self):
        base = "<dob>1990-07-21</dob>"
        v = markup_view(base)
        i = v.text.index("dob: ")
        s, e = v.to_base(i, v.text.index("21") + 2)  # a span that starts on the made-up key
        assert base[s:e] == "1990-07-21"

    def test_less_than_signs_in_prose_or_code_are_not_markup(self):
        assert markup_view("if a < b and c > d: swap") is None
        assert markup_view("3<4 and 5>2") is None


class TestTables:
    def test_each_cell_is_labelled_with_its_column_header(self):
        base = "id,holder,phone\n1,Ama Owusu,555 0100\n2,Kwame Asante,555 0101\n"
        v = table_view(base)
        assert v is not None
        assert "\nholder: Ama Owusu" in v.text and "\nphone: 555 0101" in v.text
        s = v.text.index("Kwame")
        assert base[slice(*v.to_base(s, s + len("Kwame Asante")))] == "Kwame Asante"

    @pytest.mark.parametrize("base", [
        "name\tmail\nA\tb@example.com\nC\td@example.com\n",
        "| name | mail |\n|------|------|\n| A | b@example.com |\n",
        'name;city;mail\n"Doe; J";Lyon;j@example.com\n',
    ])
    def test_tsv_markdown_and_quoted_semicolon_tables(self, base):
        v = table_view(base)
        assert v is not None and "mail: " in v.text
        s = v.text.index("@") - 1
        span = v.to_base(s, s + len("b@example.com"))
        assert span is not None and "@" in base[span[0]:span[1]]

    def test_a_prose_line_with_a_comma_is_not_a_table(self):
        assert table_view("Hello Maria, thanks\nSee you soon, bye\n") is None

    def test_values_in_a_csv_export_are_found(self, engine):
        text = "name,email,phone\nLiu Yang,liu.yang@example.cn,+86 139 1099 8888\n"
        found = types_of(engine, text)
        assert ("EMAIL_ADDRESS", "liu.yang@example.cn") in found
        assert ("PHONE_NUMBER", "+86 139 1099 8888") in found


class TestJoined:
    @pytest.mark.parametrize("text,value,etype", [
        ("mail me: noor.aziz@exam\nple.com thanks", "noor.aziz@exam\nple.com", "EMAIL_ADDRESS"),
        ("mail me: noor.aziz@\r\nexample.com thanks", "noor.aziz@\r\nexample.com", "EMAIL_ADDRESS"),
        ("card 4111 1111 1111 11=\n11 thanks", "4111 1111 1111 11=\n11", "CREDIT_CARD"),
        ("card 4111 1111 11=\r\n11 1111 ok", "4111 1111 11=\r\n11 1111", "CREDIT_CARD"),
        ("n o o r . a z i z @ e x a m p l e . c o m", "n o o r . a z i z @ e x a m p l e . c o m", "EMAIL_ADDRESS"),
        ("call 628_555_0170 now", "628_555_0170", "PHONE_NUMBER"),
        ("call 628|555|0170 now", "628|555|0170", "PHONE_NUMBER"),
        ("call 628~555~0170 now", "628~555~0170", "PHONE_NUMBER"),
        ('{"email": "noor\\u0040example.com"}', "noor\\u0040example.com", "EMAIL_ADDRESS"),
        ('"{\\"mail\\": \\"noor@example.com\\"}"', "noor@example.com", "EMAIL_ADDRESS"),
    ])
    def test_a_split_or_escaped_value_is_found_whole(self, engine, text, value, etype):
        assert (etype, value) in types_of(engine, text)
        assert engine.redact(text).text == text.replace(value, f"<{etype}>")

    @pytest.mark.parametrize("text,value,etype", [
        ("your email is o k a f o r @ e x a m p l e . c o m. Right?", "o k a f o r @ e x a m p l e . c o m",
         "EMAIL_ADDRESS"),
        ("My name is Ms. A d a e z e  N .  O k a f o r", "A d a e z e  N .  O k a f o r", "PERSON"),
        ("Please tell me your date of birth. It's 11/2\n3/1971", "11/2\n3/1971", "DATE_OF_BIRTH"),
        ("Regards,\nChinwe Okonk\nwo", "Chinwe Okonk\nwo", "PERSON"),
    ])
    def test_spaced_out_and_wrapped_values(self, engine, text, value, etype):
        assert (etype, value) in types_of(engine, text)

    @pytest.mark.parametrize("text", ["Dear Adaeze Okafor\nand team", "I a m here", "a b c d e f g",
                                      "first_name: Adaeze\nsurname: Okafor\n", "patient: Adaeze Okafor\nward: 4B",
                                      "the quick brown\nfox jumps"])
    def test_ordinary_wrapping_and_single_letters_are_not_joined_into_values(self, engine, text):
        assert all("\n" not in v and "a m" not in v for _t, v in types_of(engine, text))

    def test_only_findings_that_touch_an_edit_come_from_the_joined_view(self):
        v = joined_view("alpha beta\ngamma x@\ny.com")
        assert v is not None
        assert not v.keeps(0, 5)  # "alpha": nothing joined there
        i = v.text.index("x@")
        assert v.keeps(i, i + len("x@y.com"))

    def test_ordinary_line_breaks_between_words_are_kept(self):
        assert joined_view("Dear Sam,\nthanks for the call.\nBest") is None


class TestDefaults:
    def test_urls_are_not_redacted_by_default_but_personal_parts_inside_them_are(self, engine):
        text = "see https://docs.example.com/guide?owner=rina.sato@example.jp for details"
        assert types_of(engine, text) == [("EMAIL_ADDRESS", "rina.sato@example.jp")]
        assert ("URL", "https://docs.example.com/guide?owner=rina.sato@example.jp") in \
            types_of_with(engine, text, ["URL"])

    def test_plain_prose_builds_no_view(self):
        assert derived_views("The deployment failed again after we upgraded last night.") == []


def types_of_with(engine, text, entities):
    return [(f.entity_type, text[f.start:f.end]) for f in engine.analyze(text, entities=entities)]


_PIECES = ["<td>", "</td>", "<b>", "<x:y a='1'>", "<!--", "-->", "<![CDATA[", "]]>", ",", "\t", "|", ";", "\n",
           "\r\n", "=\n", " ", "a", "B", "7", "_", "~", "\\u0040", '\\"', "@", ".", "é", "\u200b", "<", ">", '"']


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_every_view_maps_every_span_inside_the_text(text):
    for v in derived_views(text):
        n = len(v.text)
        for s in range(0, n, 3):
            for e in (s + 1, min(n, s + 7), n):
                if e <= s:
                    continue
                span = v.to_base(s, e)
                if span is not None:
                    assert 0 <= span[0] < span[1] <= len(text)


@pytest.mark.parametrize("motif", ["<a b='x'>", "<td>", "<!--", "a,b\n", "Name,Email\nx,y\n", "| a | b |\n", "x@\n",
                                   "@a\n", "a b c d e ", "1_2~3|", "\\u0040", "=\n", "a.\nb", "<th>A</th>",
                                   "a@b\nc", "x" * 70 + "\na@b.c "])
def test_building_views_is_linear(motif):
    """The one kind of timing test allowed here: a cost RATIO (CPU time, see conftest.cost_ratio) of 64 KB
    against 4 KB of the same adversarial motif; linear is 16, quadratic 256."""
    small = (motif * (4096 // len(motif) + 1))[:4096]
    big = (motif * (65536 // len(motif) + 1))[:65536]
    assert cost_ratio(lambda text: list(derived_views(text)), small, big) < 24
