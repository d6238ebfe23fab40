"""The published OpenAPI document and GraphQL SDL must equal what the app serves.
Regenerate with `lianjian export-openapi` (or `make export`)."""

from __future__ import annotations

from pathlib import Path

from app.exports import OPENAPI_PATH, SDL_PATH, render_openapi, render_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_openapi_file_matches_app(app):
    current = render_openapi(app)
    published = (ROOT / OPENAPI_PATH).read_text(encoding="utf-8")
    assert published == current, "openapi/openapi.json is stale: run `lianjian export-openapi`"


def test_sdl_file_matches_schema(settings):
    published = (ROOT / SDL_PATH).read_text(encoding="utf-8")
    assert published == render_sdl(settings), (
        "openapi/schema.graphql is stale: run `lianjian export-openapi`"
    )


def test_operation_ids_are_unique_and_readable(app):
    seen = set()
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            op_id = op["operationId"]
            assert op_id.isidentifier() and op_id == op_id.lower(), (method, path, op_id)
            assert op_id not in seen, f"duplicate operationId {op_id}"
            seen.add(op_id)
            assert op.get("description") or op.get("summary"), f"{method} {path} undocumented"
