"""OpenAPI descriptions of the problem responses an endpoint can give."""

from __future__ import annotations

from typing import Any

_TEXT: dict[int, str] = {
    400: "Malformed query parameter or header.",
    401: "Missing, expired or invalid token.",
    403: "The token lacks the scope for this operation.",
    404: "Absent, or outside the caller's subtree (the same answer on purpose).",
    409: "Conflicts with existing state (duplicate, already done, in progress).",
    412: "If-Match is stale: the resource changed since it was read.",
    422: "The body is invalid, or a domain rule refused the change.",
    428: "If-Match is required for this change.",
    429: "Too many requests; see Retry-After.",
    502: "An upstream service failed.",
}

_PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}


def problems(*extra: int) -> dict[int | str, dict[str, Any]]:
    """The usual 400/401/403/404/422 plus ``extra`` statuses, each as problem+json."""
    codes = sorted({400, 401, 403, 404, 422, *extra})
    return {
        code: {
            "description": _TEXT[code],
            "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
        }
        for code in codes
    }
