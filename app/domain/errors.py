"""Domain errors: a stable code and parameters, never an HTTP status.

The edges (REST problem+json, GraphQL payload errors) translate the ``kind`` to their own
vocabulary and render the localised text from :mod:`app.domain.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the request itself is malformed
    RULE = "rule"  # well-formed, but a domain rule refuses it
    NOT_FOUND = "not_found"  # absent, or outside the caller's subtree (same answer on purpose)
    CONFLICT = "conflict"  # clashes with existing state (duplicate, in progress)
    FORBIDDEN = "forbidden"  # the caller lacks the scope for an object they may see
    UNAUTHENTICATED = "unauthenticated"
    PRECONDITION_FAILED = "precondition_failed"  # stale If-Match
    PRECONDITION_REQUIRED = "precondition_required"  # If-Match missing
    THROTTLED = "throttled"
    UPSTREAM = "upstream"  # a system we depend on (WeChat) failed


@dataclass(frozen=True)
class FieldError:
    """One offending input: ``pointer`` is a JSON Pointer into the body ("/parent_id"),
    or ``parameter`` / ``header`` names a query parameter or header."""

    code: str
    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    kind: ErrorKind = ErrorKind.RULE

    def __init__(
        self,
        code: str,
        *,
        params: dict[str, Any] | None = None,
        fields: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}
        self.fields = fields or []
        # Machine-readable members added to the problem document (e.g. existing_id).
        self.extra = extra or {}


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class RuleViolation(DomainError):
    kind = ErrorKind.RULE


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN


class Unauthenticated(DomainError):
    kind = ErrorKind.UNAUTHENTICATED


class PreconditionFailed(DomainError):
    kind = ErrorKind.PRECONDITION_FAILED


class PreconditionRequired(DomainError):
    kind = ErrorKind.PRECONDITION_REQUIRED


class Throttled(DomainError):
    kind = ErrorKind.THROTTLED

    def __init__(self, code: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(code, **kw)
        self.retry_after = retry_after


class UpstreamFailed(DomainError):
    kind = ErrorKind.UPSTREAM
