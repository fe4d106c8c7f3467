"""Every validator accepts real values and rejects its look-alikes."""

from __future__ import annotations

import pytest

from service.redaction.detectors.validators import (
    base58check_ok,
    bech32_ok,
    card_issuer,
    credit_card_ok,
    eth_address_ok,
    iban_ok,
    luhn_ok,
    ssn_ok,
)
from tests.redaction.conftest import types_of


class TestCreditCard:
    @pytest.mark.parametrize("number", [
        "4111111111111111", "5500005555555559", "378282246310005", "6011111111111117",
        "3530111333300000", "2223000048400011", "30569309025904", "6200000000000005",
    ])
    def test_accepts_valid_numbers_of_each_issuer(self, number):
        assert credit_card_ok(number)

    @pytest.mark.parametrize("number", [
        "4111111111111112",  # Luhn failure
        "1234567812345670",  # passes Luhn, no issuer starts with 1
        "9780306406157",  # ISBN-13
        "0000000000000000",
        "411111111111",  # too short
    ])
    def test_rejects_look_alikes(self, number):
        assert not credit_card_ok(number)

    def test_luhn_rejects_non_digits(self):
        assert not luhn_ok("4111-1111") and not luhn_ok("")

    def test_issuer_needs_the_right_length(self):
        assert card_issuer("37828224631000") is None  # amex prefix, 14 digits

    @pytest.mark.parametrize("text", [
        "card 4111 1111 1111 1111 expires", "cc: 4111-1111-1111-1111", "pay with 4111111111111111",
        "card 3782 822463 10005", "card 4\n1\n1\n1 1111 1111 1111",
    ])
    def test_engine_finds_any_grouping(self, engine, text):
        assert "CREDIT_CARD" in [t for t, _ in types_of(engine, text)]

    @pytest.mark.parametrize("text", [
        "Test card 4111 1111 1111 1112 should fail", "ISBN 978-0-306-40615-7 is a book",
        "Epoch 1639121151 ms 4040079825503 in the log",
    ])
    def test_engine_leaves_look_alikes(self, engine, text):
        assert "CREDIT_CARD" not in [t for t, _ in types_of(engine, text)]


class TestSSN:
    def test_accepts_assigned_ranges(self):
        assert ssn_ok("536225432") and ssn_ok("001010001") and ssn_ok("899991234")

    @pytest.mark.parametrize("digits", ["000123456", "666123456", "900123456", "999123456", "536005432",
                                        "536220000", "078051120", "12345678"])
    def test_rejects_invalid_ranges(self, digits):
        assert not ssn_ok(digits)

    def test_engine_needs_shape_or_context(self, engine):
        assert types_of(engine, "SSN: 536-22-5432") == [("US_SSN", "536-22-5432")]
        assert types_of(engine, "social security number 536225432") == [("US_SSN", "536225432")]
        assert types_of(engine, "Invalid: 666-22-5432 and 912-34-5678") == []


class TestIban:
    @pytest.mark.parametrize("iban", ["DE89370400440532013000", "GB82WEST12345698765432",
                                      "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957"])
    def test_accepts_valid(self, iban):
        assert iban_ok(iban)

    @pytest.mark.parametrize("iban", ["DE89370400440532013001", "DE8937040044053201300", "XX89370400440532013000",
                                      "GB82WEST1234569876543", "DE89 3704"])
    def test_rejects_bad_checksum_length_country(self, iban):
        assert not iban_ok(iban)

    def test_engine_grouped_or_not(self, engine):
        assert types_of(engine, "IBAN DE89 3704 0044 0532 0130 00.") == [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")]
        assert types_of(engine, "to GB82WEST12345698765432 today") == [("IBAN_CODE", "GB82WEST12345698765432")]
        assert "IBAN_CODE" not in [t for t, _ in types_of(engine, "ref GB82 WEST 1234 5698 7654 33")]


class TestCrypto:
    def test_base58check(self):
        assert base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
        assert base58check_ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
        assert not base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")
        assert not base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0")  # 0 is not base58

    def test_bech32_and_bech32m(self):
        assert bech32_ok("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
        assert bech32_ok("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")
        assert not bech32_ok("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
        assert not bech32_ok("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")  # mixed case

    def test_ethereum_eip55(self):
        assert eth_address_ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        assert eth_address_ok("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        assert not eth_address_ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")  # bad checksum
        assert not eth_address_ok("0x0000000000000000000000000000000000000000")
        assert not eth_address_ok("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")

    def test_engine_leaves_hashes(self, engine):
        sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        assert types_of(engine, f"commit {sha1} and digest {sha256} and 0x{sha256}") == []


class TestIpAddress:
    @pytest.mark.parametrize("ip", ["192.168.1.20", "8.8.8.8", "2001:db8::8a2e:370:7334", "::ffff:10.1.2.3",
                                    "fe80::1ff:fe23:4567:890a%eth0", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                                    "2001:db8::1", "10.0.0.9/24"])
    def test_finds_v4_and_v6_forms(self, engine, ip):
        found = types_of(engine, f"host {ip} is down")
        assert found and found[0][0] == "IP_ADDRESS" and ip.split("%")[0] in found[0][1]

    @pytest.mark.parametrize("text", [
        "version 1.2.3.4 released", "Chrome 120.0.6099.109", "999.1.1.1 is not an address", "at 12:30:45 UTC",
        "use std::vector and a::b", "time 2024-01-01T10:00:00Z", "v10.0.19045.2965",
    ])
    def test_leaves_look_alikes(self, engine, text):
        assert "IP_ADDRESS" not in [t for t, _ in types_of(engine, text)]


class TestPhone:
    @pytest.mark.parametrize("text,value", [
        ("call +1 (415) 555-2671 ext. 22 now", "+1 (415) 555-2671 ext. 22"),
        ("phone: 020 7946 0958", "020 7946 0958"),
        ("Tel +44 20 7946 0958.", "+44 20 7946 0958"),
        ("mobile 0049 151 23456789", "0049 151 23456789"),
        ("call me at 415.555.2671", "415.555.2671"),
        ("Telefon: 030 1234567", "030 1234567"),
    ])
    def test_finds_formats(self, engine, text, value):
        assert ("PHONE_NUMBER", value) in types_of(engine, text)

    @pytest.mark.parametrize("text", [
        "Order number 4155552671 was refunded", "invoice #2015550123", "ISBN 978-3-16-148410-0",
        "on 2024-01-15 10:30", "build 10.0.19045.2965", "uuid 123e4567-e89b-12d3-a456-426614174000",
        "Epoch 1710498151", "tracking 1Z999AA10123456784",
    ])
    def test_leaves_look_alikes(self, engine, text):
        assert "PHONE_NUMBER" not in [t for t, _ in types_of(engine, text)]


class TestEmailUrlSecrets:
    def test_email_look_alikes(self, engine):
        assert types_of(engine, "icon@2x.png, @app.route, user@localhost, a@b") == []

    def test_url_look_alikes(self, engine):
        assert types_of(engine, "see config.json, main.py, e.g. this, v2.1.0 and Node.js") == []

    @pytest.mark.parametrize("text", [
        "password=${DB_PASSWORD}", "api_key = os.environ['API_KEY']", "token: <YOUR_TOKEN>",
        "password: ********", "the password manager", "api_key=None",
        "eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0.abcdefghijk",  # header without alg/typ
        "sk-this-is-my-project-name",
    ])
    def test_secret_placeholders_left(self, engine, text):
        assert "SECRET" not in [t for t, _ in types_of(engine, text)]

    @pytest.mark.parametrize("text,value", [
        ("key AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE"),
        ("password=hunter2!", "hunter2!"),
        ('"api_key": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"', "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ])
    def test_secrets_found(self, engine, text, value):
        assert ("SECRET", value) in types_of(engine, text)

    def test_pem_private_key(self, engine):
        text = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcd\n-----END RSA PRIVATE KEY-----\nok"
        found = types_of(engine, text)
        assert found[0][0] == "SECRET" and found[0][1].endswith("PRIVATE KEY-----")

    def test_jwt(self, engine):
        jwt = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
               "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
        assert types_of(engine, f"Bearer {jwt}") == [("SECRET", jwt)]


class TestDateOfBirth:
    def test_only_in_birth_context(self, engine):
        assert types_of(engine, "Date of birth: 12/03/1985") == [("DATE_OF_BIRTH", "12/03/1985")]
        assert types_of(engine, "born on March 4, 1990 in Ohio") == [("DATE_OF_BIRTH", "March 4, 1990")]
        assert types_of(engine, "Meeting on 12/03/1985 and deadline 2024-05-01") == []
