"""The baseline: a bare FastAPI app with a pydantic body in and a declared return type."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    input: str


class Out(BaseModel):
    status: str
    length: int = 0


@app.get("/healthz")
async def healthz() -> Out:
    return Out(status="ok")


@app.get("/bare")
async def bare_get() -> Out:
    return Out(status="ok")


@app.post("/bare")
async def bare_post(item: Item) -> Out:
    return Out(status="ok", length=len(item.input))
