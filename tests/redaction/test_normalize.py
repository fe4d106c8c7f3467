"""The normalised view and its offset map: obfuscations fold, spans map back to whole originals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.redaction import normalize as norm
from service.redaction.normalize import normalize
from tests.redaction.conftest import types_of

# ASCII text rich in what the fast path has to notice: brackets, at/dot in every case, escapes, controls.
_ASCII_BITS = ["at", "AT", "At", "aT", "dot", "DOT", "Dot", "@", ".", " ", "\t", "\n", "[", "]", "(", ")", "{", "}",
               "<", ">", "%", "%40", "%2e", "&", "&#64;", "&amp;", "&period;", "\x00", "\x1b", "\x7f", "john",
               "example", "com", "x"]
ascii_texts = st.one_of(st.lists(st.sampled_from(_ASCII_BITS), max_size=30).map("".join),
                        st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)


class TestNormalize:
    def test_plain_ascii_is_the_identity(self):
        v = normalize("Hello world, meet at noon (sharp).")
        assert v.is_identity and v.text == "Hello world, meet at noon (sharp)."

    @pytest.mark.parametrize("raw,folded", [
        ("jоhn＠gmail．com", "john@gmail.com"),  # Cyrillic o, fullwidth @ and dot
        ("jo\u200bhn@x.com", "john@x.com"),  # zero-width space
        ("john%40x.com", "john@x.com"),
        ("john&#64;x&period;com", "john@x.com"),
        ("john%2540x.com", "john@x.com"),  # double encoding
        ("john [at] example (dot) com", "john@example.com"),
        ("john dot smith at gmail dot com", "john.smith@gmail.com"),
        ("４１１１", "4111"),
        ("café", "cafe"),
    ])
    def test_folds_obfuscations(self, raw, folded):
        assert normalize(raw).text == folded

    def test_spelled_at_in_prose_is_left(self):
        assert normalize("the panel is at www.example.com").text == "the panel is at www.example.com"

    @pytest.mark.parametrize("raw", [
        "jоhn＠gmail．com", "a\u200b\u200cb [at] c (dot) de", "x%40y.com &amp; z", "日本 café ﬁne", "\ud800\udfff!",
    ])
    def test_every_view_span_maps_inside_the_input(self, raw):
        v = normalize(raw)
        prev_end = 0
        for i in range(len(v.text)):
            s, e = v.to_original(i, i + 1)
            assert 0 <= s < e <= len(raw)
            assert e >= prev_end
            prev_end = e
        if v.text:
            assert v.to_original(0, len(v.text))[1] <= len(raw)

    def test_repr_holds_no_text(self):
        assert "secret" not in repr(normalize("my secret ＠ home"))


class TestAsciiFastPath:
    """The ASCII fast path skips work only behind NECESSARY conditions of what it skips."""

    @pytest.mark.parametrize("raw,folded", [
        ("mail john { AT } example <DOT> com now", "mail john@example.com now"),
        ("mail john\t[at]\texample (.) com", "mail john@example.com"),
        ("mail john At gmail Dot com now", "mail john@gmail.com now"),
        ("x a%40b.com", "x a@b.com"),
        ("x a&#64;b&period;com", "x a@b.com"),
        ("a\x00b\x1bc", "abc"),
    ])
    def test_every_ascii_obfuscation_still_folds(self, raw, folded):
        assert raw.isascii() and normalize(raw).text == folded

    @_SETTINGS
    @given(ascii_texts)
    def test_byte_test_sees_every_control_character_and_escape(self, text):
        odd = text.encode("ascii").translate(None, norm._PLAIN_BYTES)
        if norm._CONTROL.search(text):
            assert odd.translate(None, b"%&")  # a control character: the general path runs
        if norm._ESCAPES.search(text):
            assert odd  # a '%' or '&': the escape regex runs

    @_SETTINGS
    @given(ascii_texts)
    def test_separator_gates_pass_every_defanged_or_spelled_separator(self, text):
        if norm._BRACKET_DEFANG.search(text):
            assert norm._BRACKET_HINT.search(text.encode("ascii").translate(norm._BRACKET_MAP))
        for w in (" at ", " AT ", " At "):
            if w in text:
                assert " at " in text.lower()
        for w in (" dot ", " DOT ", " Dot "):
            if w in text:
                assert " dot " in text.lower()

    @_SETTINGS
    @given(ascii_texts)
    def test_identity_only_when_nothing_could_change(self, text):
        v = normalize(text)
        if v.is_identity:
            assert v.text == text
            assert not norm._CONTROL.search(text) and not norm._BRACKET_DEFANG.search(text)


class TestObfuscatedDetection:
    @pytest.mark.parametrize("text,value,etype", [
        ("mail jоhn.smith＠gmail．com now", "jоhn.smith＠gmail．com", "EMAIL_ADDRESS"),
        ("mail john [at] example (dot) com now", "john [at] example (dot) com", "EMAIL_ADDRESS"),
        ("mail john dot smith at gmail dot com now", "john dot smith at gmail dot com", "EMAIL_ADDRESS"),
        ("mail j\u200bohn@exa\u200bmple.com now", "j\u200bohn@exa\u200bmple.com", "EMAIL_ADDRESS"),
        ("card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ok", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "CREDIT_CARD"),
        ("card ４１１１ １１１１ １１１１ １１１１ ok", "４１１１ １１１１ １１１１ １１１１", "CREDIT_CARD"),
        ("call 4 1 5 - 5 5 5 - 2 6 7 1 ok", "4 1 5 - 5 5 5 - 2 6 7 1", "PHONE_NUMBER"),
        ("SSN 536/22/5432 ok", "536/22/5432", "US_SSN"),
        ("host 192.168[.]1[.]20 ok", "192.168[.]1[.]20", "IP_ADDRESS"),
    ])
    def test_redaction_covers_the_whole_obfuscated_value(self, engine, text, value, etype):
        assert (etype, value) in types_of(engine, text)
        out = engine.redact(text).text
        assert out == text.replace(value, f"<{etype}>")

    def test_a_defanged_url_is_found_when_urls_are_asked_for(self, engine):
        text, value = "see hxxps://evil[.]example.com/x ok", "hxxps://evil[.]example.com/x"
        assert engine.analyze(text) == []  # URLs are not personal data by default
        assert [text[f.start:f.end] for f in engine.analyze(text, entities=["URL"])] == [value]
        assert engine.redact(text, entities=["URL"]).text == text.replace(value, "<URL>")
