"""Operational endpoints: liveness, readiness, metrics and the public signing keys."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.api.deps import AppContainer
from app.api.routing import StrictQueryRoute

router = APIRouter(tags=["ops"], route_class=StrictQueryRoute)
# None of these take a bearer token; the OpenAPI document says so per operation.
PUBLIC: dict[str, Any] = {"security": []}


@router.get("/healthz", openapi_extra=PUBLIC, summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process is up. Needs no token."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    openapi_extra=PUBLIC,
    summary="Readiness",
    responses={503: {"description": "Database down."}},
)
async def readyz(c: AppContainer) -> JSONResponse:
    """The database answers. Needs no token."""
    try:
        async with c.db.write_engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means "not ready"; the reason goes to the log only
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": c.db.dialect})


@router.get("/metrics", openapi_extra=PUBLIC, summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus exposition format. Serve it to the scraper only (see docs/deploy.md)."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/.well-known/jwks.json", openapi_extra=PUBLIC, summary="Public keys for access tokens")
async def jwks(c: AppContainer) -> dict[str, list[dict[str, str]]]:
    """JSON Web Key Set of the keys that sign our access tokens (EdDSA, Ed25519)."""
    return c.tokens.jwks()
