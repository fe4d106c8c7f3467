"""Request ids the gateway makes up are written to the log as they are, without a pass of the engine."""

from __future__ import annotations

from service.observability import logging as gateway_logging


def test_an_id_holding_a_run_of_nine_digits_is_drawn_again(monkeypatch) -> None:
    drawn = iter(["5d0417382956104bc7e2aa90f13b68d4", "e1f07a3c2b9d40c8a6f5e3d2c1b0a9f8"])
    monkeypatch.setattr(gateway_logging, "generate_id", lambda nbytes: next(drawn))
    assert gateway_logging.new_request_id() == "e1f07a3c2b9d40c8a6f5e3d2c1b0a9f8"


def test_generated_ids_pass_the_masker_without_the_engine(monkeypatch) -> None:
    masker = gateway_logging._Masker()

    def no_engine():
        raise AssertionError("a generated request id reached the redaction engine")

    monkeypatch.setattr(masker, "engine", no_engine)
    for _ in range(300):  # a run of nine digits turns up in about one random id in seven
        request_id = gateway_logging.new_request_id()
        assert len(request_id) == 32 and int(request_id, 16) >= 0
        assert masker(request_id) == request_id
