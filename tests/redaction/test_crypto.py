"""CRYPTO: checksum-valid addresses anywhere; a random-looking base58-shaped token only after a wallet cue."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


@pytest.mark.parametrize("text,value", [
    ("send the wallet again?\nAmaka: 1eQVh18TSwHru4fnLS9yFrmRTP4XGHPtqX\nok", "1eQVh18TSwHru4fnLS9yFrmRTP4XGHPtqX"),
    ("my BTC address is 3HTPIlAdZUvrj8w0E0RIqe04imNZIfyBwX thanks", "3HTPIlAdZUvrj8w0E0RIqe04imNZIfyBwX"),
    ("pay 1BoatSLRHtKNngkdXEeobR76b53LETtpyT today", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
])
def test_wallet_addresses_are_found(engine, text, value):
    assert ("CRYPTO", value) in types_of(engine, text)


@pytest.mark.parametrize("text", [
    "request id 1eQVh18TSwHru4fnLS9yFrmRTP4XGHPtqX failed",  # no wallet cue, checksum fails
    "wallet name 1stQuarterBudgetPlanningSheetFinal",  # a word-like token after a cue: no digits
    "the wallet 1eQVh18TSwHru4fnLS9yFrmRTP4XGHPtqXzzzzzzzzzzzzzz is too long",
])
def test_look_alikes_are_not_wallets(engine, text):
    assert not [v for t, v in types_of(engine, text) if t == "CRYPTO"]
