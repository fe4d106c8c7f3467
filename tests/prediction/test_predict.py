"""/v1/predict with the built-in model, the model registry file, and the OpenAI SDK against the gateway."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from service.config import ConfigError
from service.prediction.registry import load_registry
from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.server import gateway_env, run_cli, serve
from tests.fixtures.upstream import UPSTREAM_KEY

LABELLED = [
    ("I absolutely love this phone, the battery lasts forever!", "positive"),
    ("Fantastic support team, they fixed my problem in minutes.", "positive"),
    ("Great value for money and it looks beautiful.", "positive"),
    ("The hotel staff were friendly and the room was spotless.", "positive"),
    ("What a wonderful surprise, thank you so much!", "positive"),
    ("This update made everything faster and smoother. Excellent work.", "positive"),
    ("I'm really happy with how the project turned out.", "positive"),
    ("Best pizza in town, highly recommended.", "positive"),
    ("The course was clear, useful and fun.", "positive"),
    ("Delivery was quick and the packaging was perfect.", "positive"),
    ("This is the worst purchase I have ever made.", "negative"),
    ("Terrible service, rude staff and a dirty room.", "negative"),
    ("The app keeps crashing and I lost all my data. Awful.", "negative"),
    ("I hate waiting on hold for an hour just to be disconnected.", "negative"),
    ("The food was cold, bland and overpriced.", "negative"),
    ("Broken on arrival and the refund process is a nightmare.", "negative"),
    ("Very disappointed, it stopped working after two days.", "negative"),
    ("The meeting was a frustrating waste of time.", "negative"),
    ("Horrible experience, never again.", "negative"),
    ("The screen is ugly and the sound is terrible.", "negative"),
]


class TestBuiltinModel:
    async def test_sentiment_accuracy_on_a_labelled_set(self, app_sqlite) -> None:
        token = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "predictor"))
        correct = 0
        for text, label in LABELLED:
            r = await app_sqlite.client.post("/v1/predict", headers=bearer(token), json={"input": text})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["model"] == "sentiment" and body["id"]
            correct += body["output"]["label"] == label
        accuracy = correct / len(LABELLED)
        print(f"built-in sentiment accuracy: {accuracy:.0%} on {len(LABELLED)} labelled texts")
        assert accuracy >= 0.9

    async def test_predict_reports_redactions_and_the_model_sees_placeholders(self, app_sqlite) -> None:
        token = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "predictor"))
        r = await app_sqlite.client.post("/v1/predict", headers=bearer(token), json={
            "input": "Maria Gonzalez (maria@example.org) loved the new phone, it is great!"})
        body = r.json()
        assert body["output"]["label"] == "positive"
        assert {e["entity_type"]: e["count"] for e in body["redactions"]} == {"EMAIL_ADDRESS": 1, "PERSON": 1}
        assert "maria" not in json.dumps(body).lower()

    async def test_oversized_input_is_413(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, max_text_chars=100))
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        r = await running.client.post("/v1/predict", headers=bearer(token), json={"input": "a" * 101})
        assert r.status_code == 413


class TestRegistryFile:
    def test_yaml_and_toml_files_load(self, tmp_path: Path) -> None:
        y = tmp_path / "m.yaml"
        y.write_text("default: s2\nmodels:\n  - {id: s2, backend: builtin, task: sentiment}\n"
                     "  - {id: gpt, backend: openai, upstream_model: gpt-4o-mini}\n")
        reg = load_registry(y)
        assert reg.default == "s2" and reg.get("gpt").upstream_model == "gpt-4o-mini"
        t = tmp_path / "m.toml"
        t.write_text('[[models]]\nid = "s3"\nbackend = "builtin"\ntask = "sentiment"\n')
        assert load_registry(t).default == "s3"

    @pytest.mark.parametrize("content, needle", [
        ("models:\n  - {id: x, backend: nope}\n", "models.0.backend"),
        ("models:\n  - {id: x, backend: transformers, task: text-classification}\n", "path"),
        ("default: y\nmodels:\n  - {id: x, backend: builtin, task: sentiment}\n", "default"),
        ("models: [\n", "not valid YAML"),
    ])
    def test_invalid_files_fail_with_one_line(self, tmp_path: Path, content: str, needle: str) -> None:
        f = tmp_path / "m.yaml"
        f.write_text(content)
        with pytest.raises(ConfigError) as info:
            load_registry(f)
        assert needle in str(info.value) and "\n" not in str(info.value)

    def test_serve_refuses_a_bad_models_file_with_one_line(self, tmp_path: Path) -> None:
        f = tmp_path / "m.yaml"
        f.write_text("models:\n  - {id: x, backend: nope}\n")
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER, models_file=str(f))
        result = run_cli("serve", env=env)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "GATEWAY_MODELS_FILE" in result.stderr


class TestOpenAISDK:
    def test_official_sdk_works_against_the_gateway(self, tmp_path: Path, upstream) -> None:
        import openai
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER,
                          upstream_url=upstream.base_url, upstream_api_key=UPSTREAM_KEY)
        assert run_cli("migrate", env=env).returncode == 0
        creds = json.loads(run_cli("create-client", "--name", "sdk", "--role", "predictor", env=env).stdout)
        with serve(env) as base:
            token = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                               auth=(creds["client_id"], creds["client_secret"])).json()["access_token"]
            client = openai.OpenAI(base_url=f"{base}/v1", api_key=token, max_retries=0)
            ids = {m.id for m in client.models.list()}
            assert {"sentiment", "echo-1"} <= ids
            prompt = "Email me at maria.gonzalez@example.org please"
            reply = client.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": prompt}])
            assert reply.choices[0].message.content == f"You said: {prompt}"
            stream = client.chat.completions.create(model="echo-1", stream=True,
                                                    messages=[{"role": "user", "content": prompt}])
            text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
            assert text == f"You said: {prompt}"
        assert "maria.gonzalez" not in upstream.all_text()
