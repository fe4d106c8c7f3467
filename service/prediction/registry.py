"""The models this gateway serves, from `GATEWAY_MODELS_FILE` (YAML or TOML) or sensible defaults.

Without a file: the built-in sentiment model (the default of /v1/predict) and, when an upstream is
configured, whatever the upstream lists. A file replaces the local list and can name upstream models
explicitly; it is validated at start and a mistake stops the process with one line naming the entry.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.config import ConfigError

BUILTIN_ID = "sentiment"


class ModelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/\-]+$")
    backend: Literal["builtin", "transformers", "openai"]
    task: Literal["sentiment", "text-classification", "text-generation", "chat"] = "chat"
    path: Path | None = None
    upstream_model: str | None = Field(default=None, max_length=128)
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> ModelSpec:
        if self.backend == "transformers":
            if self.path is None:
                raise ValueError("a transformers model needs `path` (a local directory)")
            if self.task not in ("text-classification", "text-generation", "sentiment"):
                raise ValueError("a transformers model's task is text-classification or text-generation")
        if self.backend == "builtin" and self.task != "sentiment":
            raise ValueError("the builtin backend serves the sentiment task")
        return self


class RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: str | None = None
    models: list[ModelSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> RegistryFile:
        ids = [m.id for m in self.models]
        if len(ids) != len(set(ids)):
            raise ValueError("model ids must be unique")
        if self.default is not None and self.default not in ids:
            raise ValueError("`default` must name one of the models")
        return self


DEFAULT_MODELS = [ModelSpec(id=BUILTIN_ID, backend="builtin", task="sentiment",
                            description="Sentiment (VADER lexicon model); needs no download")]


class Registry:
    def __init__(self, models: list[ModelSpec], default: str) -> None:
        self.models = {m.id: m for m in models}
        self.default = default

    def get(self, model_id: str | None) -> ModelSpec | None:
        return self.models.get(model_id or self.default)


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        return tomllib.loads(text)
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {"models": data}


def load_registry(path: Path | None) -> Registry:
    """Read and validate the models file; raises ConfigError with one readable line."""
    if path is None:
        return Registry(list(DEFAULT_MODELS), BUILTIN_ID)
    try:
        raw = _read(path)
    except FileNotFoundError:
        raise ConfigError(f"GATEWAY_MODELS_FILE: {path} does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"GATEWAY_MODELS_FILE: {path} is not valid YAML or TOML ({type(exc).__name__})") from None
    try:
        parsed = RegistryFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        raise ConfigError(f"GATEWAY_MODELS_FILE: {where}: {err['msg']}") from None
    models = parsed.models or list(DEFAULT_MODELS)
    default = parsed.default or next((m.id for m in models if m.backend != "openai"), models[0].id)
    return Registry(models, default)
