"""Per-client rate limits for machine clients: a fixed one-minute window per client, per
process (each API replica counts on its own; the limit is per replica). Answers carry
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; over the limit is a 429
problem with `Retry-After`. People's tokens are not limited here."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response

from app.api.problems import domain_error_response
from app.api.routing import StrictQueryRoute
from app.domain.errors import DomainError, Throttled

WINDOW_SECONDS = 60


class ClientLimiter:
    def __init__(self, per_minute: int) -> None:
        self.limit = per_minute
        self.windows: dict[str, tuple[float, int]] = {}

    def take(self, key: str, now: float | None = None) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds until the window resets)."""
        now = time.monotonic() if now is None else now
        start, used = self.windows.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, used = now, 0
        reset = max(1, math.ceil(start + WINDOW_SECONDS - now))
        if used >= self.limit:
            return False, 0, reset
        used += 1
        self.windows[key] = (start, used)
        if len(self.windows) > 10_000:  # forget idle clients
            self.windows = {k: v for k, v in self.windows.items() if now - v[0] < WINDOW_SECONDS}
        return True, self.limit - used, reset


def _limiter(request: Request) -> ClientLimiter | None:
    limiter: ClientLimiter | None = getattr(request.app.state, "sync_limiter", None)
    if limiter is None:
        per_minute = request.app.state.container.settings.sync_rate_limit_per_minute
        if per_minute <= 0:
            return None
        limiter = ClientLimiter(per_minute)
        request.app.state.sync_limiter = limiter
    return limiter


def _client_subject(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        who = request.app.state.container.tokens.verify(token.strip())
    except DomainError:
        return None  # the route answers 401 itself
    return who.subject if who.subject.startswith("client:") else None


class RateLimitedRoute(StrictQueryRoute):
    """Routes machine clients call: counted per client before anything else runs."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            subject = _client_subject(request)
            limiter = _limiter(request) if subject else None
            if subject is None or limiter is None:
                return await handler(request)
            allowed, remaining, reset = limiter.take(subject)
            headers = {
                "RateLimit-Limit": str(limiter.limit),
                "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(reset),
            }
            if not allowed:
                refused = domain_error_response(
                    request, Throttled("sync.rate_limited", retry_after=reset)
                )
                refused.headers.update(headers)
                return refused
            response = await handler(request)
            response.headers.update(headers)
            return response

        return limited
