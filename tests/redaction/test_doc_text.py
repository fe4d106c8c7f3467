"""Documentation and code carry no personal data: key words used as ordinary words (`pass`, `token`), network
ranges, version strings and hex in docs are left alone, while the real values next to the same words are
still found."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


@pytest.mark.parametrize("text", [
    "def handler(event):\n    if not event:\n        pass\n    queue.put(event)\n",  # Python's pass statement
    "for item in items:\n    pass\n(Pdb) step\n(Pdb) continue",
    "Achtung, der Boden ist nass. Pass auf!",
    "Wir gehen jetzt. Pass gut auf dich auf.",
    "The lexer emits the token \"IDENT\" for every name and the token 'STRING_LIT' for quoted text.",
    "Call tokenizer.detect_encoding(readline) and pass stream.readline(2) to it.",
    "Use the pass keyword as a placeholder; pass (the statement) does nothing.",
])
def test_key_words_in_prose_and_code_are_not_secrets(engine, text) -> None:
    assert "SECRET" not in [t for t, _ in types_of(engine, text)], text


@pytest.mark.parametrize("text,value", [
    ("db pass Zq7!mw2Lx", "Zq7!mw2Lx"),
    ("password is Kx9#mm2Q", "Kx9#mm2Q"),
    ("token: AbQ9x-77qq-Lp", "AbQ9x-77qq-Lp"),
    ('"password": "sunny-Day_42"', "sunny-Day_42"),
    ("PASSWORD=HUNTERTWO", "HUNTERTWO"),  # an assignment keeps an all-capitals value
    ("pass\tW1nter!ze", "W1nter!ze"),
])
def test_values_after_the_same_words_are_still_secrets(engine, text, value) -> None:
    assert ("SECRET", value) in types_of(engine, text)


@pytest.mark.parametrize("text", [
    "subnets = [IPv4Network('198.51.100.0/25'), IPv4Network('198.51.100.128/25')]",
    "allow from 10.40.0.0/16 and 172.20.32.0/20",
    "The default route is 0.0.0.0/0; the loopback range is 127.0.0.0/8.",
    "Requires Python 3.11.4.2 or later; tested with release 2.0.10.1.",
])
def test_networks_and_versions_are_not_ip_addresses(engine, text) -> None:
    assert "IP_ADDRESS" not in [t for t, _ in types_of(engine, text)], text


@pytest.mark.parametrize("text,value", [
    ("eth0 inet 10.40.7.19/16 brd 10.40.255.255", "10.40.7.19/16"),  # a host's own address, with its prefix
    ("the VPN peer 198.51.100.77/32 dropped", "198.51.100.77/32"),
    ("client (203.0.113.45) connected", "203.0.113.45"),
])
def test_host_addresses_with_a_prefix_are_still_found(engine, text, value) -> None:
    assert ("IP_ADDRESS", value) in types_of(engine, text)
