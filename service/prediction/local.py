"""Models that run inside the gateway: the built-in sentiment model and local transformers pipelines.

Nothing here downloads anything: VADER's lexicon ships inside its package, and transformers models are
loaded from a local directory with `local_files_only=True` (the `ml` extra). Inference is CPU-bound,
so transformers pipelines run in a worker thread; VADER (service/prediction/vader.py) takes about ten
microseconds for a short prompt, about a hundred per kilobyte, and runs inline.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from service.config import ConfigError
from service.prediction.registry import ModelSpec


class LocalModel(Protocol):
    spec: ModelSpec

    async def predict(self, text: str, parameters: dict[str, Any]) -> dict[str, Any]: ...


class VaderSentiment:
    """VADER (Hutto & Gilbert, 2014), a rule- and lexicon-based sentiment model; the usual thresholds
    of +/-0.05 on the compound score separate positive, neutral and negative. Scored by
    `service.prediction.vader.Vader`, which returns exactly what vaderSentiment's own analyzer returns,
    several times faster (it raises ConfigError if the installed vaderSentiment is not the version it mirrors)."""

    def __init__(self, spec: ModelSpec) -> None:
        from service.prediction.vader import Vader

        self.spec = spec
        self._analyzer = Vader()

    async def predict(self, text: str, parameters: dict[str, Any]) -> dict[str, Any]:
        scores = self._analyzer.polarity_scores(text)
        compound = scores["compound"]
        label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        return {"label": label, "score": round(abs(compound), 4),
                "scores": {"positive": scores["pos"], "neutral": scores["neu"], "negative": scores["neg"],
                           "compound": compound}}


class TransformersModel:
    _ALLOWED = {"text-classification": {"top_k"}, "text-generation": {"max_new_tokens", "do_sample", "temperature",
                                                                      "top_p", "top_k"}}

    def __init__(self, spec: ModelSpec) -> None:
        try:
            from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer, pipeline
        except ImportError:
            raise ConfigError(f"model {spec.id!r} needs the ml extra (pip install '.[ml]')") from None
        task = "text-classification" if spec.task == "sentiment" else spec.task
        assert spec.path is not None
        if not spec.path.is_dir():
            raise ConfigError(f"model {spec.id!r}: {spec.path} is not a directory")
        try:
            auto = AutoModelForCausalLM if task == "text-generation" else AutoModelForSequenceClassification
            model = auto.from_pretrained(str(spec.path), local_files_only=True)
            tokenizer = AutoTokenizer.from_pretrained(str(spec.path), local_files_only=True)
            self._pipe = pipeline(task, model=model, tokenizer=tokenizer, device=-1)
        except Exception as exc:  # noqa: BLE001 - reported as one line at start
            raise ConfigError(f"model {spec.id!r} could not be loaded from {spec.path} ({type(exc).__name__})") from None
        self.spec = spec
        self._task = task
        self._lock = asyncio.Lock()  # one inference at a time per model: torch already uses the cores

    async def predict(self, text: str, parameters: dict[str, Any]) -> dict[str, Any]:
        allowed = self._ALLOWED[self._task]
        kwargs = {k: v for k, v in parameters.items() if k in allowed}
        if self._task == "text-generation":
            kwargs.setdefault("max_new_tokens", 32)
            kwargs["max_new_tokens"] = min(int(kwargs["max_new_tokens"]), 512)
            kwargs["return_full_text"] = False
        async with self._lock:
            result = await asyncio.to_thread(self._pipe, text, **kwargs)
        if self._task == "text-generation":
            return {"text": result[0]["generated_text"]}
        top = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else result[0][0]
        return {"label": str(top["label"]), "score": round(float(top["score"]), 4)}


def load_local_models(specs: list[ModelSpec]) -> dict[str, LocalModel]:
    models: dict[str, LocalModel] = {}
    for spec in specs:
        if spec.backend == "builtin":
            models[spec.id] = VaderSentiment(spec)
        elif spec.backend == "transformers":
            models[spec.id] = TransformersModel(spec)
    return models
