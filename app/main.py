"""create_app(): wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.api import oauth, ops, problems
from app.api.middleware import Metrics, RequestContextMiddleware
from app.api.v1 import (
    audit,
    auth,
    coverage,
    enterprises,
    funds,
    funds_dues,
    funds_loans,
    funds_relief,
    funds_spending,
    instructors,
    managements,
    members,
    orgs,
    pipeline,
    sharing,
    sharing_capacity,
    sharing_joint,
    sharing_lending,
    sync,
    sync_files,
    transfers,
    users,
)
from app.container import Container, build_container
from app.graphql.schema import graphql_router
from app.settings import Settings, get_settings

DESCRIPTION = """
Lianjian (联建): organisation trees, members, funds and inter-firm help for Party building in
"two new" organisations. Every error is `application/problem+json` (RFC 9457); see
`docs/api.md` for pagination, ETags, idempotency and scopes.
"""


def _operation_id(route: APIRoute) -> str:
    # Stable, readable ids for generated clients: the handler's name.
    if route.path.endswith("/graphql"):
        return f"graphql_{sorted(route.methods or ())[0].lower()}"
    return route.name


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details. `type` is stable per `code`; `title` and "
    "`detail` are in Chinese, or English with `Accept-Language: en`.",
    "required": ["type", "title", "status", "code", "request_id"],
    "properties": {
        "type": {"type": "string", "example": "urn:lianjian:problem:org.not_found"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "example": "org.not_found"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "detail"],
                "properties": {
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                    "pointer": {"type": "string", "description": "JSON Pointer into the body."},
                    "parameter": {"type": "string", "description": "Query or path parameter."},
                    "header": {"type": "string"},
                },
            },
        },
    },
}


def _install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
            schema["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()
    c = container or build_container(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await c.close()

    app = FastAPI(
        title="Lianjian API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        # FastAPI's native OpenTelemetry costs a fair share of a cheap request; it is opt-in
        # (LIANJIAN_OTEL_ENABLED) and exports through the global providers when on.
        telemetry={
            "tracing": settings.otel_enabled,
            "metrics": settings.otel_enabled,
            "logs": settings.otel_enabled,
            "operation_spans": settings.otel_enabled,
        },
    )
    app.state.container = c
    app.state.metrics = Metrics()
    problems.install(app)
    _install_openapi(app)
    for router in (
        ops.router,
        orgs.router,
        audit.router,
        auth.router,
        users.router,
        enterprises.router,
        instructors.router,
        coverage.router,
        members.router,
        pipeline.router,
        transfers.router,
        managements.router,
        funds.router,
        funds_spending.router,
        funds_loans.router,
        funds_dues.router,
        funds_relief.router,
        sharing.router,
        sharing_capacity.router,
        sharing_lending.router,
        sharing_joint.router,
        oauth.router,
        sync.router,
        sync_files.router,
    ):
        app.include_router(router)
    app.include_router(graphql_router(c), prefix="/graphql", tags=["graphql"])
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "Accept-Language",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        metrics=app.state.metrics if settings.metrics_enabled else None,
    )
    return app
