from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.kit.text import UnicodeText, check_unicode


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    input: UnicodeText = Field(description="The text to run the model on; personal data is removed before the model sees it.")
    model: str | None = Field(default=None, max_length=128, description="A model id from GET /v1/models")
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=32)


class EntityCount(BaseModel):
    entity_type: str
    count: int


class PredictResponse(BaseModel):
    id: str = Field(description="The request id, which is also the id of its record")
    model: str
    output: dict[str, Any]
    redactions: list[EntityCount]


class ModelRead(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str
    description: str | None = None
    backend: str | None = None


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelRead]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(max_length=32)
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat completion request; fields not listed here pass through unchanged."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(max_length=128)
    messages: list[ChatMessage] = Field(min_length=1, max_length=1024)
    stream: bool = False
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _unicode(self) -> ChatCompletionRequest:
        check_unicode([m.model_dump() for m in self.messages])
        return self
