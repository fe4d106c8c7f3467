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
    "The flag is optional; pass api_key=None to read it from the environment.",  # a keyword argument
    "session = connect(host, client_secret=client_secret, token=cached_token)",  # variables passed on
    "refresh_token: Mapping[str, int] = {}",  # a type annotation
    "token = environ.copy()[\"SESSION_TOKEN\"]",  # a subscription
    'grant = {"token_type": "bearer", "scope": "read"}',
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
    ("pass password=Hq4!mn82", "Hq4!mn82"),  # the assignment inside is still judged
    ("password = lamp_post_42", "lamp_post_42"),  # with a digit: typed by hand, not a variable
    # brackets inside a typed secret do not make it code (attack: a secret shaped to pass as a placeholder)
    ('{"password": "Rv4.t[9Qp1"}', "Rv4.t[9Qp1"),
    ("password: lantern7[k]qq", "lantern7[k]qq"),
    ("export API_KEY=pk.Prod[3d7W]5", "pk.Prod[3d7W]5"),
    ("db_password=Autumn_Password", "Autumn_Password"),  # mixed case: typed by hand, not a variable
])
def test_values_after_the_same_words_are_still_secrets(engine, text, value) -> None:
    assert ("SECRET", value) in types_of(engine, text)


@pytest.mark.parametrize("text", [
    "subnets = [IPv4Network('198.51.100.0/25'), IPv4Network('198.51.100.128/25')]",
    "allow from 10.40.0.0/16 and 172.20.32.0/20",
    "The default route is 0.0.0.0/0; the loopback range is 127.0.0.0/8.",
    "Requires Python 3.11.4.2 or later; tested with release 2.0.10.1.",
    "The dev server listens on 127.0.0.1:8000; set netmask 255.255.252.0 and broadcast 255.255.255.255.",
    "IPv6 loopback is ::1 and ff02::1 reaches every node on the link; ff05::fb is mDNS.",
    "Slice it as cube[a:b:c:d:e:f:1:2] when the axes line up.",  # hex-looking letters, no address
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


@pytest.mark.parametrize("text", [
    "@dataclass\nclass Point:\n    x: int\n\nclass View:\n    @cached.property\n    def area(self): ...",
    "Register it with the decorator @app.get and @router.post; both are shorthands.",
    "scores = features @ weights.mean(axis=0)",  # a matrix product
])
def test_decorators_and_matrix_products_are_not_email_addresses(engine, text) -> None:
    assert "EMAIL_ADDRESS" not in [t for t, _ in types_of(engine, text)], text


@pytest.mark.parametrize("text,value", [
    ("write to liv.moen @ posteo.de today", "liv.moen @ posteo.de"),
    ("mail ODA.BERG @ PROTON.ME now", "ODA.BERG @ PROTON.ME"),
    ("reach me at tove@lab.internal", "tove@lab.internal"),  # no blank: any TLD
])
def test_addresses_with_a_blank_beside_the_at_sign_are_still_found(engine, text, value) -> None:
    assert ("EMAIL_ADDRESS", value) in types_of(engine, text)


@pytest.mark.parametrize("text", [
    "mDNS frames go to 01:00:5e:00:00:fb, and ff:ff:ff:ff:ff:ff is the broadcast address.",
    "IPv6 multicast maps to 33-33-00-00-00-01 on Ethernet.",
])
def test_group_mac_addresses_name_no_device(engine, text) -> None:
    assert "MAC_ADDRESS" not in [t for t, _ in types_of(engine, text)], text


@pytest.mark.parametrize("text,value", [
    ("laptop wifi 3c:22:fb:91:0e:7d joined", "3c:22:fb:91:0e:7d"),
    ("peer 2a02:8071:3ba2:4f00:9d1c:77ff:fe21:c0de dropped", "2a02:8071:3ba2:4f00:9d1c:77ff:fe21:c0de"),
    ("gateway 126.0.0.1 and host 255.255.1.7", "255.255.1.7"),  # only netmask shapes after a 255
])
def test_device_and_host_addresses_are_still_found(engine, text, value) -> None:
    assert value in [v for _, v in types_of(engine, text)]
