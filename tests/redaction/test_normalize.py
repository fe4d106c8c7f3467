"""The normalised view and its offset map: obfuscations fold, spans map back to whole originals."""

from __future__ import annotations

import pytest

from service.redaction.normalize import normalize
from tests.redaction.conftest import types_of


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
        ("see hxxps://evil[.]example.com/x ok", "hxxps://evil[.]example.com/x", "URL"),
    ])
    def test_redaction_covers_the_whole_obfuscated_value(self, engine, text, value, etype):
        assert (etype, value) in types_of(engine, text)
        out = engine.redact(text).text
        assert out == text.replace(value, f"<{etype}>")
