"""Quality floors on the labelled corpus (bench/corpus.py): a regression here fails the build.

Floors (issue 5): leak rate < 1% on ordinary text, < 3% on the adversarial part, < 20 false positives
per 1,000 PII-free texts. They are checked on the default seed and on a second seed the detector was
not tuned on, and per entity type a looser per-type ceiling keeps one type from hiding behind others.
"""

from __future__ import annotations

import pytest

from bench.corpus import build_corpus
from bench.redaction import evaluate


@pytest.fixture(scope="module", params=[None, 4242], ids=["default-seed", "held-out-seed"])
def evaluation(request, engine):
    corpus = build_corpus(seed=request.param)
    return corpus, evaluate(engine, corpus)


def test_corpus_is_large_and_covers_every_type(evaluation):
    corpus, ev = evaluation
    assert len(corpus) >= 1000
    types = {t for (part, t), T in ev["types"].items() if T["gold"]}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS", "CRYPTO",
            "SECRET", "PERSON", "DATE_OF_BIRTH"} <= types
    assert ev["parts"]["clean"]["texts"] >= 500 and ev["parts"]["adversarial"]["texts"] >= 300


def test_ordinary_leak_rate_below_one_percent(evaluation):
    P = evaluation[1]["parts"]["ordinary"]
    assert P["leaked"] / P["gold"] < 0.01


def test_adversarial_leak_rate_below_three_percent(evaluation):
    P = evaluation[1]["parts"]["adversarial"]
    assert P["leaked"] / P["gold"] < 0.03


def test_false_positives_per_thousand_clean_texts_below_twenty(evaluation):
    P = evaluation[1]["parts"]["clean"]
    assert 1000 * P["fp"] / P["texts"] < 20


def test_no_type_leaks_more_than_five_percent(evaluation):
    for (part, etype), T in evaluation[1]["types"].items():
        if T["gold"] >= 50:  # smaller samples swing by one value
            assert T["leaked"] / T["gold"] < 0.05, (part, etype)


def test_precision_on_texts_with_pii(evaluation):
    P = evaluation[1]["parts"]["ordinary"]
    assert P["tp"] / P["found"] > 0.97
