"""Token service: verified tokens are cached until they expire, never past it."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.auth.scopes import Role
from app.domain.errors import Unauthenticated


def test_cached_verification_keeps_request_ids_apart(container):
    tokens = container.tokens
    issued = tokens.issue(subject="user:7", role=Role.ANALYST, scopes={"orgs:read"}, org_id=3)
    a = tokens.verify(issued.token, request_id="req-a")
    b = tokens.verify(issued.token, request_id="req-b")
    assert (a.request_id, b.request_id) == ("req-a", "req-b")
    assert a.subject == b.subject == "user:7" and a.user_id == 7 and a.org_id == 3
    assert a.scopes == frozenset({"orgs:read"}) and a.role is Role.ANALYST


def test_cached_token_is_refused_once_expired(container):
    tokens = container.tokens
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    issued = tokens.issue(
        subject="user:8",
        role=Role.ANALYST,
        scopes={"orgs:read"},
        org_id=3,
        ttl=dt.timedelta(seconds=30),
        now=past,
    )
    # As if it had been verified while still valid: the cache must not outlive the token.
    principal = tokens.verify(
        tokens.issue(subject="user:8", role=Role.ANALYST, scopes={"orgs:read"}, org_id=3).token
    )
    tokens._verified[issued.token] = (principal, (past + dt.timedelta(seconds=30)).timestamp())
    with pytest.raises(Unauthenticated) as err:
        tokens.verify(issued.token)
    assert err.value.code == "auth.token_expired"
    assert issued.token not in tokens._verified
