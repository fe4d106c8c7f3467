"""The redaction endpoints through HTTP: formats, operators, limits, hostile input, no stalls."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.principals import bearer, get_token, make_client

TEXT = "Contact Maria Gonzalez at maria.gonzalez@example.org or +1 415 555 0132; card 4111 1111 1111 1111."


@pytest.fixture
async def redactor(app_sqlite):
    app_sqlite.token = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "redactor"))
    return app_sqlite


async def _redact(r, body: dict) -> dict:
    response = await r.client.post("/v1/redact", headers=bearer(r.token), json=body)
    assert response.status_code == 200, response.text
    return response.json()


class TestRedact:
    async def test_default_replace_with_offsets_into_the_input(self, redactor) -> None:
        body = await _redact(redactor, {"text": TEXT})
        types = [e["entity_type"] for e in body["entities"]]
        assert types == ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"]
        for e in body["entities"]:
            assert e["replacement"] == f"<{e['entity_type']}>"
            assert 0 <= e["start"] < e["end"] <= len(TEXT) and 0 < e["score"] <= 1
        assert [TEXT[e["start"]:e["end"]] for e in body["entities"]][1] == "maria.gonzalez@example.org"
        assert body["text"] == ("Contact <PERSON> at <EMAIL_ADDRESS> or <PHONE_NUMBER>; card <CREDIT_CARD>.")

    async def test_offsets_are_code_points_even_after_astral_characters(self, redactor) -> None:
        text = "😀😀 mail 😀@ maria@example.org"
        body = await _redact(redactor, {"text": text})
        e = body["entities"][0]
        assert text[e["start"]:e["end"]] == "maria@example.org"

    async def test_pseudonymize_numbers_equal_values_equally(self, redactor) -> None:
        text = "a@example.org wrote to b@example.org, then A@EXAMPLE.ORG again"
        body = await _redact(redactor, {"text": text, "operator": {"type": "pseudonymize"}})
        assert [e["replacement"] for e in body["entities"]] == ["<EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_2>",
                                                                "<EMAIL_ADDRESS_1>"]

    async def test_mask_keeps_the_last_characters(self, redactor) -> None:
        body = await _redact(redactor, {"text": "card 4111 1111 1111 1111", "entities": ["CREDIT_CARD"],
                                        "operator": {"type": "mask", "keep_last": 4, "masking_char": "#"}})
        assert body["text"].endswith("1111") and "4111 1111" not in body["text"] and "#" in body["text"]

    async def test_hash_is_stable_keyed_and_irreversible(self, redactor) -> None:
        one = await _redact(redactor, {"text": "maria@example.org", "operator": {"type": "hash"}})
        two = await _redact(redactor, {"text": "x MARIA@example.org", "operator": {"type": "hash"}})
        assert one["entities"][0]["replacement"] == two["entities"][0]["replacement"]
        assert "maria" not in one["text"].lower()
        import hashlib

        plain = hashlib.sha256(b"maria@example.org").hexdigest()[:16]
        assert plain not in one["text"]  # keyed: not a bare hash of the value

    async def test_entities_filter_and_allow_list(self, redactor) -> None:
        body = await _redact(redactor, {"text": TEXT, "entities": ["EMAIL_ADDRESS"]})
        assert [e["entity_type"] for e in body["entities"]] == ["EMAIL_ADDRESS"]
        body = await _redact(redactor, {"text": TEXT, "allow_list": ["Maria Gonzalez"]})
        assert "PERSON" not in [e["entity_type"] for e in body["entities"]]

    async def test_batch_redacts_each_item(self, redactor) -> None:
        r = await redactor.client.post("/v1/redact/batch", headers=bearer(redactor.token), json={
            "items": [{"text": "mail a@example.org"}, {"text": "nothing here"},
                      {"text": "card 4111 1111 1111 1111", "operator": {"type": "mask"}}]})
        items = r.json()["items"]
        assert [len(i["entities"]) for i in items] == [1, 0, 1] and items[1]["text"] == "nothing here"

    async def test_entities_endpoint_lists_types_with_descriptions(self, redactor) -> None:
        items = (await redactor.client.get("/v1/entities", headers=bearer(redactor.token))).json()["items"]
        names = {i["entity_type"] for i in items}
        assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS", "PERSON",
                "CRYPTO", "URL", "DATE_OF_BIRTH", "SECRET"} <= names
        assert all(i["description"] for i in items)


class TestBadInput:
    @pytest.mark.parametrize("body", [
        {"text": "x", "entities": ["NOT_A_TYPE"]}, {"text": "x", "operator": {"type": "rot13"}},
        {"text": "x", "operator": {"type": "mask", "masking_char": "ab"}}, {"text": 5}, {"txt": "x"},
        {"text": "x", "operator": {"type": "mask", "keep_last": -1}},
    ])
    async def test_invalid_requests_are_422_problems(self, redactor, body) -> None:
        r = await redactor.client.post("/v1/redact", headers=bearer(redactor.token), json=body)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")

    async def test_text_over_the_limit_is_413(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, max_text_chars=1000))
        token = await get_token(running.client, await make_client(running.app, "redactor"))
        r = await running.client.post("/v1/redact", headers=bearer(token), json={"text": "a" * 1001})
        assert r.status_code == 413

    async def test_lone_surrogates_and_controls_in_raw_json_never_500(self, redactor) -> None:
        raw = b'{"text": "\\ud800 mail \\u0000 a@example.org \\udfff \\u202e\\u200b"}'
        r = await redactor.client.post("/v1/redact", headers={**bearer(redactor.token),
                                                              "content-type": "application/json"}, content=raw)
        assert r.status_code in (200, 422)
        if r.status_code == 200:
            assert "a@example.org" not in r.text

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=200))
    async def test_any_unicode_gives_200_or_a_clear_4xx(self, redactor, text: str) -> None:
        raw = json.dumps({"text": text}).encode()  # json escapes lone surrogates as \udXXX
        r = await redactor.client.post("/v1/redact", headers={**bearer(redactor.token),
                                                              "content-type": "application/json"}, content=raw)
        assert r.status_code in (200, 413, 422), r.text
        if r.status_code == 200:
            for e in r.json()["entities"]:
                assert 0 <= e["start"] < e["end"] <= len(text)

    async def test_predictor_and_auditor_scopes(self, app_sqlite) -> None:
        auditor = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "auditor"))
        predictor = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "predictor"))
        assert (await app_sqlite.client.post("/v1/redact", headers=bearer(auditor), json={"text": "x"})).status_code == 403
        assert (await app_sqlite.client.post("/v1/redact", headers=bearer(predictor), json={"text": "x"})).status_code == 200
        assert (await app_sqlite.client.post("/v1/redact", json={"text": "x"})).status_code == 401


class TestNoStall:
    async def test_a_large_text_does_not_stall_small_requests(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, max_body_bytes=8 * 1024 * 1024, max_text_chars=2_000_000))
        token = await get_token(running.client, await make_client(running.app, "redactor"))
        big = ("Ordinary words about the weather and 4111 1111 1111 1111 and maria@example.org. " * 13000)[:1_000_000]
        latencies: list[float] = []
        big_done = asyncio.Event()

        async def small_stream() -> None:
            await asyncio.sleep(0.05)
            while not big_done.is_set():
                started = time.perf_counter()
                r = await running.client.post("/v1/redact", headers=bearer(token), json={"text": "hi a@example.org"})
                assert r.status_code == 200, r.text
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(0.01)

        async def big_one() -> float:
            started = time.perf_counter()
            r = await running.client.post("/v1/redact", headers=bearer(token), json={"text": big})
            assert r.status_code == 200
            big_done.set()
            return time.perf_counter() - started

        big_seconds, _ = await asyncio.gather(big_one(), small_stream())
        assert latencies, "no small request completed while the large one ran"
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] if len(latencies) > 1 else latencies[0]
        print(f"1 MB redaction took {big_seconds:.2f}s; {len(latencies)} small requests meanwhile, "
              f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        assert len(latencies) >= 5
        assert latencies[-1] < max(0.25, big_seconds / 4)
