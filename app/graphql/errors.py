"""Errors in GraphQL: domain errors become typed, localised errors; anything else is masked."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from app.domain.errors import DomainError, FieldError
from app.domain.messages import render


@strawberry.type(description="A problem with the input of a mutation, like a problem+json entry.")
class UserError:
    code: str = strawberry.field(description="Stable error code, e.g. org.kind_not_allowed.")
    message: str
    field: str | None = strawberry.field(
        description="JSON Pointer of the offending input field, e.g. /parentId."
    )


def user_errors(exc: DomainError, language: str) -> list[UserError]:
    _, detail = render(exc.code, exc.params, language)
    fields: list[FieldError] = exc.fields or [FieldError(exc.code)]
    out = []
    for f in fields:
        _, field_detail = render(f.code, f.params or exc.params, language)
        out.append(
            UserError(
                code=f.code,
                message=field_detail or detail,
                field=f.pointer or f.parameter or f.header,
            )
        )
    return out


class DomainErrors(MaskErrors):
    """Keeps GraphQL validation errors, renders domain errors, masks everything unexpected."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Unexpected error.")

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        original = error.original_error
        return original is not None and not isinstance(original, DomainError)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        language = getattr(self.execution_context.context, "language", "zh")
        out: list[GraphQLError] = []
        for error in super()._process_errors(errors):
            original = error.original_error
            if isinstance(original, DomainError):
                title, detail = render(original.code, original.params, language)
                extensions: dict[str, Any] = {
                    "code": original.code,
                    "kind": original.kind.value,
                    "title": title,
                }
                error = GraphQLError(
                    message=detail,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    original_error=original,
                    extensions=extensions,
                )
            out.append(error)
        return out
