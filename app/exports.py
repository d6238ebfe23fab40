"""The published contracts: the OpenAPI document and the GraphQL SDL, rendered exactly as the
drift tests compare them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

from app.graphql.schema import build_schema
from app.settings import Settings

OPENAPI_PATH = Path("openapi/openapi.json")
SDL_PATH = Path("openapi/schema.graphql")


def render_openapi(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def render_sdl(settings: Settings) -> str:
    return build_schema(settings).as_str() + "\n"


def write_all(app: FastAPI, settings: Settings, root: Path = Path()) -> list[Path]:
    out = []
    for rel, text in ((OPENAPI_PATH, render_openapi(app)), (SDL_PATH, render_sdl(settings))):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out
