from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.kit.text import UnicodeText

OperatorType = Literal["replace", "mask", "hash", "pseudonymize", "encrypt"]


class OperatorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: OperatorType = "replace"
    masking_char: str = Field(default="*", min_length=1, max_length=1)
    chars_to_mask: int | None = Field(default=None, ge=0, le=10_000)
    from_end: bool = False
    keep_last: int | None = Field(default=None, ge=0, le=10_000)


class RedactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: UnicodeText
    entities: list[str] | None = Field(default=None, max_length=64,
                                       description="Only these entity types (GET /v1/entities); default all")
    operator: OperatorConfig = Field(default_factory=OperatorConfig)
    allow_list: list[UnicodeText] = Field(default_factory=list, max_length=1000,
                                  description="Values never redacted in this request")


class RedactedEntity(BaseModel):
    entity_type: str
    start: int = Field(description="Code-point offset into the input text")
    end: int
    score: float
    replacement: str


class RedactResponse(BaseModel):
    text: str
    entities: list[RedactedEntity]


class RedactBatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[RedactRequest] = Field(min_length=1, max_length=100)


class RedactBatchResponse(BaseModel):
    items: list[RedactResponse]


class DecryptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: UnicodeText


class DecryptResponse(BaseModel):
    text: str


class EntityTypeRead(BaseModel):
    entity_type: str
    description: str


class EntityTypeList(BaseModel):
    items: list[EntityTypeRead]
