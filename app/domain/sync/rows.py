"""Parsing one row of a batch (JSON object, or a CSV/XLSX line as strings) into typed values.
Problems point into the batch: ``/rows/17/national_id``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.domain.errors import DomainError
from app.domain.sync.model import EXTERNAL_ID_MAX, RowProblem


@dataclass(frozen=True)
class Field:
    name: str
    kind: type[Any] | str  # "str", "date", "int", "count", "bool" or a StrEnum class
    required: bool = False
    max_length: int | None = None


def _expected(kind: type[Any] | str) -> str:
    if kind == "date":
        return "a date YYYY-MM-DD"
    if kind == "int":
        return "a positive integer"
    if kind == "count":
        return "an integer from 0"
    if kind == "bool":
        return "true or false"
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return "one of " + ", ".join(m.value for m in kind)
    return "a string"


def _convert(kind: type[Any] | str, value: Any) -> Any:
    if kind == "str":
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError
        return value.strip()
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or len(value.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or not 1 <= value <= 2**63 - 1:
            raise ValueError
        return value
    if kind == "count":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or not 0 <= value <= 10_000_000:
            raise ValueError
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
        if text in {"true", "1", "yes", "是"}:
            return True
        if text in {"false", "0", "no", "否"}:
            return False
        raise ValueError
    assert isinstance(kind, type)
    if not isinstance(value, str):
        raise ValueError
    return kind(value.strip())


def parse_row(
    index: int, raw: Any, fields: Sequence[Field]
) -> tuple[dict[str, Any], list[RowProblem]]:
    """Typed values of the known fields (absent or empty → None) and the row's problems."""
    base = f"/rows/{index}"
    if not isinstance(raw, dict):
        return {}, [RowProblem("sync.row_not_object", base)]
    known = {f.name: f for f in fields}
    problems = [
        RowProblem("sync.unknown_field", f"{base}/{_escape(str(k))}") for k in raw if k not in known
    ]
    out: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.name)
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            if f.required:
                problems.append(RowProblem("sync.value_required", f"{base}/{f.name}"))
            out[f.name] = None
            continue
        try:
            converted = _convert(f.kind, value)
        except (ValueError, TypeError):
            problems.append(
                RowProblem(
                    "sync.value_invalid", f"{base}/{f.name}", {"expected": _expected(f.kind)}
                )
            )
            continue
        too_long = isinstance(converted, str) and len(converted) > (f.max_length or len(converted))
        if too_long:
            problems.append(
                RowProblem("sync.value_too_long", f"{base}/{f.name}", {"max": f.max_length})
            )
            continue
        out[f.name] = converted
    return out, problems


def external_id_field() -> Field:
    return Field("external_id", "str", required=True, max_length=EXTERNAL_ID_MAX)


def row_problems(index: int, error: DomainError) -> list[RowProblem]:
    """A domain rule's error as problems of row ``index`` (its pointers moved into the row)."""
    base = f"/rows/{index}"
    if not error.fields:
        return [RowProblem(error.code, base, dict(error.params))]
    return [
        RowProblem(f.code, base + (f.pointer or ""), {**error.params, **f.params})
        for f in error.fields
    ]


def attempt(index: int, check: Callable[[], Any]) -> tuple[Any, list[RowProblem]]:
    """Run a domain rule for one row: its value, or the problems it raised."""
    try:
        return check(), []
    except DomainError as e:
        return None, row_problems(index, e)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
