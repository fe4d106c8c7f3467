"""Long texts are redacted in worker processes: same results as in-process (vault, keys and all), a
deadline that answers 503 and leaves a working pool, and an event loop that keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import random

import pytest
from cryptography.fernet import Fernet

from service.errors import RedactionTimeout
from service.redaction import service as redaction_service
from service.redaction.engine import OperatorError, OperatorKeys, OperatorSpec, Vault, decrypt_text
from service.redaction.offload import OffloadPool
from tests.fixtures.principals import bearer, get_token, make_client
from tests.redaction.offload_hold import hold_workers, release, until_received

PSEUDO = OperatorSpec(type="pseudonymize")
HOLD = "[[held-by-the-test]] "  # a text holding this waits in the worker until the test releases it
VALUES = ["Oluwaseun Adeyemi", "k.moreau@example.net", "+44 20 7946 0958", "4111 1111 1111 1111",
          "DE89 3704 0044 0532 0130 00", "ghp_R8mX2kQ9vL4nT7wZ1bY6cH3jF5dS0aE2uP8o", "536-22-8470"]
PARTS = ["Dear Oluwaseun Adeyemi, ", "write to k.moreau@example.net ", "or call +44 20 7946 0958; ",
         "card 4111 1111 1111 1111, ", "IBAN DE89 3704 0044 0532 0130 00. ", "Notes about the weather. ",
         "token ghp_R8mX2kQ9vL4nT7wZ1bY6cH3jF5dS0aE2uP8o ", "SSN 536-22-8470 ", "from 10.1.2.3 ",
         "mail jan.novak@example.cz ", "Mr Tadeusz Wolski called. "]


def dense(chars: int, seed: int = 5) -> str:
    """A PII-dense text of `chars` characters (about a second of detection per 500,000)."""
    rng = random.Random(seed)
    out, n = [], 0
    while n < chars:
        part = rng.choice(PARTS)
        out.append(part)
        n += len(part)
    return "".join(out)[:chars]


class _NotHere:
    """An engine that must not be used: the call has to go to the pool."""

    def redact(self, *args, **kwargs):
        raise AssertionError("redacted in-process")

    analyze = redact


@pytest.fixture(scope="module")
async def pool():
    p = OffloadPool(None, workers=1, timeout=120.0, threshold=1000)
    yield p
    p.close()


def _items(result) -> list[tuple]:
    return [(i.entity_type, i.start, i.end, i.replacement) for i in result.items]


async def test_a_500k_text_redacts_through_the_pool_as_in_process(engine, pool) -> None:
    text = dense(500_000)
    result = await redaction_service.redact(_NotHere(), text, pool=pool)
    for value in VALUES:
        assert value not in result.text
    local = engine.redact(text)
    assert result.text == local.text and _items(result) == _items(local)


async def test_analyze_goes_through_the_pool_too(engine, pool) -> None:
    text = dense(5_000, seed=2)
    assert await redaction_service.analyze(_NotHere(), text, pool=pool) == engine.analyze(text)


async def test_a_vault_through_the_pool_reads_as_after_in_process_calls(engine, pool) -> None:
    first, long, last = "Ask Oluwaseun Adeyemi at k.moreau@example.net.", dense(6_000, seed=3), \
        "Then Mr Tadeusz Wolski, +44 20 7946 0958 and a.new@example.org."
    local_vault, pooled_vault = Vault(), Vault()
    local = [engine.redact(t, operator=PSEUDO, vault=local_vault) for t in (first, long, last)]
    pooled = [await redaction_service.redact(engine, first, operator=PSEUDO, vault=pooled_vault, pool=pool),
              await redaction_service.redact(_NotHere(), long, operator=PSEUDO, vault=pooled_vault, pool=pool),
              await redaction_service.redact(engine, last, operator=PSEUDO, vault=pooled_vault, pool=pool)]
    for a, b in zip(local, pooled):
        assert (a.text, _items(a), a.mapping) == (b.text, _items(b), b.mapping)
    assert pooled_vault.mapping == local_vault.mapping
    assert pooled_vault.restore(pooled[1].text) == long  # every placeholder maps back to its value
    # without a vault of the caller's, the call's own mapping comes back
    fresh = await redaction_service.redact(_NotHere(), long, operator=PSEUDO, pool=pool)
    assert fresh.mapping == engine.redact(long, operator=PSEUDO).mapping


async def test_hash_and_encrypt_keys_travel_with_the_call(engine, pool) -> None:
    text = dense(4_000, seed=4)
    keys = OperatorKeys(hmac_key=b"h" * 32)
    hashed = await redaction_service.redact(_NotHere(), text, operator=OperatorSpec(type="hash"), keys=keys, pool=pool)
    assert hashed.text == engine.redact(text, operator=OperatorSpec(type="hash"), keys=keys).text
    fernet = Fernet(Fernet.generate_key())
    enc = await redaction_service.redact(_NotHere(), text, operator=OperatorSpec(type="encrypt"),
                                         keys=OperatorKeys(fernet=fernet), pool=pool)
    assert "k.moreau@example.net" not in enc.text and decrypt_text(enc.text, fernet) == text


async def test_an_operator_error_in_the_worker_is_an_operator_error(pool) -> None:
    with pytest.raises(OperatorError, match="HMAC key"):
        await redaction_service.redact(_NotHere(), dense(3_000), operator=OperatorSpec(type="hash"), pool=pool)
    assert (await redaction_service.redact(_NotHere(), "x" * 2_000 + " a@example.org", pool=pool)).items


async def test_a_missed_deadline_raises_and_the_pool_recovers(engine, monkeypatch, tmp_path) -> None:
    hold_workers(monkeypatch, tmp_path, HOLD)  # a marked text is never answered: only the deadline ends it
    slow = OffloadPool(None, workers=1, timeout=3.0, threshold=1000)  # (held calls end only by it)
    try:
        assert (await slow.redact("warm " * 300, None, (), None, None, None)).text  # worker started
        with pytest.raises(RedactionTimeout):
            await slow.redact(HOLD + dense(5_000), None, (), None, None, None)
        assert (tmp_path / "received").exists()  # it was the worker's deadline, not the wait for a worker
        text = dense(3_000, seed=6)
        assert (await slow.redact(text, None, (), None, None, None)).text == engine.redact(text).text
    finally:
        slow.close()


# -- through HTTP ----------------------------------------------------------------------------------

async def _redactor(start_app, make_settings, sqlite_url, **settings):
    running = await start_app(make_settings(sqlite_url, **settings))
    running.token = await get_token(running.client, await make_client(running.app, "redactor"))
    return running


async def test_past_the_deadline_a_request_is_a_503_problem_without_its_text(start_app, make_settings, sqlite_url,
                                                                            monkeypatch, tmp_path) -> None:
    hold_workers(monkeypatch, tmp_path, HOLD)
    r = await _redactor(start_app, make_settings, sqlite_url, redaction_timeout_seconds=3.0)
    text = HOLD + dense(20_000)
    response = await r.client.post("/v1/redact", headers=bearer(r.token), json={"text": text})
    assert (tmp_path / "received").exists()
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["error"] == "redaction_timeout" and body["status"] == 503
    assert response.headers["retry-after"] == "1"
    assert all(value not in response.text for value in VALUES) and "weather" not in response.text
    small = dense(3_000, seed=7)
    again = await r.client.post("/v1/redact", headers=bearer(r.token), json={"text": small})
    assert again.status_code == 200, again.text
    assert "k.moreau@example.net" not in again.json()["text"]


async def test_healthz_answers_while_a_big_redaction_runs(start_app, make_settings, sqlite_url, monkeypatch,
                                                          tmp_path) -> None:
    hold_workers(monkeypatch, tmp_path, HOLD)
    r = await _redactor(start_app, make_settings, sqlite_url, redaction_timeout_seconds=3.0)
    warm = await r.client.post("/v1/redact", headers=bearer(r.token), json={"text": dense(3_000)})
    assert warm.status_code == 200
    text = HOLD + dense(500_000 - len(HOLD))  # (500,000 characters: the configured maximum)
    big = asyncio.ensure_future(r.client.post("/v1/redact", headers=bearer(r.token), json={"text": text}))
    await until_received(tmp_path, big)  # the worker has the 500,000 characters and holds them
    health = await r.client.get("/healthz")
    assert health.status_code == 200
    assert not big.done()  # answered while the big one was still being redacted (it cannot finish held)
    release(tmp_path)
    done = await big
    assert done.status_code == 200
    assert all(value not in done.text for value in VALUES)
