"""Keyset pagination with opaque cursors, shared by REST and GraphQL."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.domain.errors import FieldError, InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: tuple[Any, ...] | None = None  # sort key of the last item already seen


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: tuple[Any, ...] | None

    @property
    def has_more(self) -> bool:
        return self.next_after is not None


def encode_cursor(kind: str, sort: str, after: tuple[Any, ...] | None) -> str | None:
    if after is None:
        return None
    raw = json.dumps({"v": 1, "t": kind, "s": sort, "k": list(after)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, *, kind: str, sort: str, arity: int, parameter: str = "cursor"
) -> tuple[Any, ...] | None:
    """Decode a cursor made by :func:`encode_cursor` for the same listing and sort order."""
    if not cursor:
        return None
    bad = InvalidInput(
        "pagination.invalid_cursor",
        fields=[FieldError("pagination.invalid_cursor", parameter=parameter)],
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if (
        not isinstance(data, dict)
        or data.get("v") != 1
        or data.get("t") != kind
        or data.get("s") != sort
        or not isinstance(data.get("k"), list)
        or len(data["k"]) != arity
        or not all(isinstance(x, (str, int)) for x in data["k"])
    ):
        raise bad
    return tuple(data["k"])


def check_limit(limit: int, *, maximum: int, parameter: str = "limit") -> int:
    if limit < 1 or limit > maximum:
        raise InvalidInput(
            "pagination.limit_out_of_range",
            params={"max": maximum},
            fields=[
                FieldError(
                    "pagination.limit_out_of_range", parameter=parameter, params={"max": maximum}
                )
            ],
        )
    return limit
