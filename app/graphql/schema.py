"""The GraphQL schema and its FastAPI router, over the same use cases as REST."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from fastapi import Request
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.fastapi import GraphQLRouter

from app.api.problems import language
from app.container import Container
from app.domain.errors import FieldError, InvalidInput, Unauthenticated
from app.graphql.context import Context
from app.graphql.enterprise_mutations import EnterpriseMutations
from app.graphql.enterprise_queries import EnterpriseQueries
from app.graphql.errors import DomainErrors
from app.graphql.fund_dues import DuesMutations, DuesQueries
from app.graphql.fund_loans import LoanMutations, LoanQueries
from app.graphql.fund_mutations import FundMutations
from app.graphql.fund_queries import FundQueries
from app.graphql.fund_relief import ReliefMutations, ReliefQueries
from app.graphql.fund_spending import SpendingMutations, SpendingQueries
from app.graphql.management_mutations import ManagementMutations
from app.graphql.management_queries import ManagementQueries
from app.graphql.member_mutations import MemberMutations
from app.graphql.member_queries import MemberQueries
from app.graphql.mutations import OrgMutations
from app.graphql.pipeline_mutations import PipelineMutations
from app.graphql.pipeline_queries import PipelineQueries
from app.graphql.queries import OrgQueries
from app.graphql.self_queries import SelfQueries
from app.graphql.sharing_analytics import SharingAnalyticsQueries
from app.graphql.sharing_joint import JointMutations, JointQueries
from app.graphql.sharing_mutations import SharingMutations
from app.graphql.sharing_queries import SharingQueries
from app.graphql.transfer_mutations import TransferMutations
from app.graphql.transfer_queries import TransferQueries
from app.settings import Settings


@strawberry.type
class Query(
    OrgQueries,
    EnterpriseQueries,
    MemberQueries,
    PipelineQueries,
    TransferQueries,
    ManagementQueries,
    FundQueries,
    SpendingQueries,
    LoanQueries,
    DuesQueries,
    ReliefQueries,
    SharingQueries,
    JointQueries,
    SharingAnalyticsQueries,
    SelfQueries,
):
    pass


@strawberry.type
class Mutation(
    OrgMutations,
    EnterpriseMutations,
    MemberMutations,
    PipelineMutations,
    TransferMutations,
    ManagementMutations,
    FundMutations,
    SpendingMutations,
    LoanMutations,
    DuesMutations,
    ReliefMutations,
    SharingMutations,
    JointMutations,
):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Factories, not instances: an extension keeps per-operation state.
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.graphql_max_depth),
            partial(MaxAliasesLimiter, max_alias_count=settings.graphql_max_aliases),
            partial(MaxTokensLimiter, max_token_count=settings.graphql_max_tokens),
            DomainErrors,
        ],
    )


def graphql_router(container: Container) -> GraphQLRouter[Any, Any]:
    async def context_getter(request: Request) -> Context:
        # PostgreSQL cannot store NUL in text; refuse it up front rather than let it surface
        # as a masked "Unexpected error." from deep inside a mutation.
        raw = await request.body()
        if b"\\u0000" in raw or b"\x00" in raw or "%00" in request.url.query:
            raise InvalidInput(
                "request.body_unstorable",
                fields=[FieldError("request.body_unstorable", pointer="")],
            )
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        principal, error = None, None
        if scheme.lower() == "bearer" and token.strip():
            try:
                principal = container.tokens.verify(
                    token.strip(), request_id=getattr(request.state, "request_id", "-")
                )
                request.scope["state"]["subject"] = principal.subject
            except Unauthenticated as exc:
                error = exc
        return Context(
            container=container, principal=principal, language=language(request), auth_error=error
        )

    return GraphQLRouter(
        build_schema(container.settings),
        context_getter=context_getter,
        graphql_ide=None,
        include_in_schema=True,
    )
