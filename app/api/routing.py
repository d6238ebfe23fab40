"""A route class that refuses query parameters the endpoint does not declare, so a typo in a
filter name is a clear 400 instead of a silently unfiltered list."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.v1.schemas.common import storable
from app.domain.errors import FieldError, InvalidInput


class StrictQueryRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        allowed = _query_names(self.dependant)

        async def strict_handler(request: Request) -> Response:
            unknown = [k for k in request.query_params if k not in allowed]
            unstorable = sorted(
                {k for k, v in request.query_params.multi_items() if not storable(k + v)}
            )
            if unstorable and not unknown:
                raise InvalidInput(
                    "request.parameter_unstorable",
                    params={"name": ", ".join(unstorable)},
                    fields=[
                        FieldError("request.parameter_unstorable", parameter=k, params={"name": k})
                        for k in unstorable
                    ],
                )
            if unknown:
                raise InvalidInput(
                    "request.unknown_parameter",
                    params={"name": ", ".join(sorted(set(unknown)))},
                    fields=[
                        FieldError("request.unknown_parameter", parameter=k, params={"name": k})
                        for k in sorted(set(unknown))
                    ],
                )
            return await handler(request)

        return strict_handler


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
