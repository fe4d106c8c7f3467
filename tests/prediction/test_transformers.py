"""The `transformers` backend (extra `ml`), on tiny models the test builds, trains briefly and saves.

Nothing is downloaded: the models load from a local directory with `local_files_only` and the hub is
switched off. Without the extra these tests skip locally and say so; under CI=true they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.principals import bearer, get_token, make_client

if os.environ.get("CI") == "true":
    import torch  # noqa: F401 - CI installs the ml extra; a missing one must fail, not skip
    import transformers  # noqa: F401
else:
    pytest.importorskip("torch", reason="the ml extra is not installed (pip install -e '.[ml]')")
    pytest.importorskip("transformers", reason="the ml extra is not installed (pip install -e '.[ml]')")

POSITIVE = ["good great fine", "great good", "fine good day", "good good", "great day"]
NEGATIVE = ["bad awful poor", "awful bad", "poor bad day", "bad bad", "awful day"]
WORDS = sorted({w for t in POSITIVE + NEGATIVE for w in t.split()} | {"the", "a", "you", "said"})


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "<": 4, ">": 5, "_": 6}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", eos_token="[SEP]", bos_token="[CLS]"), len(vocab)


@pytest.fixture(scope="module")
def classifier_dir(tmp_path_factory) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    tokenizer, size = _tokenizer()
    config = BertConfig(vocab_size=size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=2,
                        id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    model = BertForSequenceClassification(config)
    batch = tokenizer(POSITIVE + NEGATIVE, padding=True, return_tensors="pt")
    labels = torch.tensor([1] * len(POSITIVE) + [0] * len(NEGATIVE))
    optim = torch.optim.AdamW(model.parameters(), lr=0.01)
    model.train()
    for _ in range(60):
        loss = model(**batch, labels=labels).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
    model.eval()
    path = tmp_path_factory.mktemp("tiny-classifier")
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def generator_dir(tmp_path_factory) -> Path:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    tokenizer, size = _tokenizer()
    model = GPT2LMHeadModel(GPT2Config(vocab_size=size, n_embd=16, n_layer=1, n_head=2, n_positions=64,
                                       bos_token_id=2, eos_token_id=3, pad_token_id=0))
    path = tmp_path_factory.mktemp("tiny-generator")
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
async def ml_app(start_app, make_settings, sqlite_url, classifier_dir, generator_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    models = tmp_path / "models.yaml"
    models.write_text(
        "default: tiny-clf\nmodels:\n"
        f"  - {{id: tiny-clf, backend: transformers, task: text-classification, path: '{classifier_dir}'}}\n"
        f"  - {{id: tiny-gen, backend: transformers, task: text-generation, path: '{generator_dir}'}}\n"
        "  - {id: sentiment, backend: builtin, task: sentiment}\n")
    running = await start_app(make_settings(sqlite_url, models_file=models))
    running.token = await get_token(running.client, await make_client(running.app, "predictor"))
    return running


async def test_local_classifier_serves_predictions(ml_app) -> None:
    labels = {}
    for text in ("good great day", "awful bad day"):
        r = await ml_app.client.post("/v1/predict", headers=bearer(ml_app.token), json={"input": text})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["model"] == "tiny-clf" and 0 <= body["output"]["score"] <= 1
        labels[text] = body["output"]["label"]
    assert labels == {"good great day": "POSITIVE", "awful bad day": "NEGATIVE"}


async def test_local_generator_output_is_text_and_filtered(ml_app) -> None:
    r = await ml_app.client.post("/v1/predict", headers=bearer(ml_app.token),
                                 json={"input": "good day maria@example.org", "model": "tiny-gen",
                                       "parameters": {"max_new_tokens": 5, "do_sample": False}})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["output"]["text"], str)
    assert r.json()["redactions"] == [{"entity_type": "EMAIL_ADDRESS", "count": 1}]


async def test_models_lists_local_models(ml_app) -> None:
    ids = {m["id"] for m in (await ml_app.client.get("/v1/models", headers=bearer(ml_app.token))).json()["data"]}
    assert {"tiny-clf", "tiny-gen", "sentiment"} <= ids


def test_missing_directory_is_a_config_error(tmp_path) -> None:
    from service.config import ConfigError
    from service.prediction.local import load_local_models
    from service.prediction.registry import ModelSpec

    with pytest.raises(ConfigError, match="not a directory"):
        load_local_models([ModelSpec(id="x", backend="transformers", task="text-classification",
                                     path=tmp_path / "missing")])
