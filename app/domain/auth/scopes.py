"""Scopes and the roles that grant them.

A token carries space-separated scopes and the organisation its principal is anchored at; the
anchor bounds *where* a scope applies (the anchor's subtree), the scope bounds *what* may be done.
"""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    ORGS_READ = "orgs:read"
    ORGS_WRITE = "orgs:write"
    ENTERPRISES_READ = "enterprises:read"
    ENTERPRISES_WRITE = "enterprises:write"
    COVERAGE_READ = "coverage:read"
    AUDIT_READ = "audit:read"
    ACCOUNTS_WRITE = "accounts:write"
    MEMBERS_READ = "members:read"  # the roster; id and phone masked without pii:read
    MEMBERS_WRITE = "members:write"
    PII_READ = "pii:read"  # national id and phone numbers unmasked
    SELF = "self"  # a member's own profile and actions
    FUNDS_READ = "funds:read"  # pools, their entries and statements
    FUNDS_WRITE = "funds:write"  # open pools, record contributions, request spending
    FUNDS_APPROVE = "funds:approve"  # decide spending requests, reverse transactions
    SHARING_READ = "sharing:read"  # order sharing, worker lending, joint mechanism
    SHARING_WRITE = "sharing:write"  # act for an enterprise (its contact) or firms in the subtree
    SHARING_COORDINATE = "sharing:coordinate"  # allocate and record as the park's coordinator
    SYNC_ADMIN = "sync:admin"  # register and manage machine clients (district administrators)
    SYNC_WRITE = "sync:write"  # bulk upserts keyed by a machine client's external ids
    CHANGES_READ = "changes:read"  # the change feed and webhooks of a machine client
    FUNDS_APPLY = "funds:apply"  # an enterprise contact applies for and reads its own loans


class Role(StrEnum):
    DISTRICT_ADMIN = "district_admin"
    STREET_ADMIN = "street_admin"
    PARK_ADMIN = "park_admin"
    BRANCH_SECRETARY = "branch_secretary"
    MEMBER = "member"
    ENTERPRISE_CONTACT = "enterprise_contact"
    ANALYST = "analyst"
    SYNC_CLIENT = "sync_client"


_S = Scope
_ADMIN = frozenset(
    {
        _S.ORGS_READ,
        _S.ORGS_WRITE,
        _S.ENTERPRISES_READ,
        _S.ENTERPRISES_WRITE,
        _S.COVERAGE_READ,
        _S.MEMBERS_READ,
        _S.MEMBERS_WRITE,
        _S.PII_READ,
        _S.ACCOUNTS_WRITE,
    }
)

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.DISTRICT_ADMIN: _ADMIN | {_S.AUDIT_READ, _S.SYNC_ADMIN},
    Role.STREET_ADMIN: _ADMIN,
    Role.PARK_ADMIN: _ADMIN,
    Role.BRANCH_SECRETARY: frozenset(
        {
            _S.ORGS_READ,
            _S.ENTERPRISES_READ,
            _S.COVERAGE_READ,
            _S.MEMBERS_READ,
            _S.MEMBERS_WRITE,
            _S.PII_READ,
        }
    ),
    Role.MEMBER: frozenset({_S.SELF, _S.ORGS_READ}),
    Role.ENTERPRISE_CONTACT: frozenset({_S.ORGS_READ, _S.ENTERPRISES_READ}),
    # Analysts read aggregates over any subtree they are anchored at, never personal data:
    # members:read without pii:read shows id and phone numbers masked.
    Role.ANALYST: frozenset({_S.ORGS_READ, _S.ENTERPRISES_READ, _S.COVERAGE_READ, _S.MEMBERS_READ}),
    Role.SYNC_CLIENT: frozenset(
        {
            _S.ORGS_READ,
            _S.ORGS_WRITE,
            _S.ENTERPRISES_READ,
            _S.ENTERPRISES_WRITE,
            _S.MEMBERS_READ,
            _S.MEMBERS_WRITE,
            _S.PII_READ,
            _S.SYNC_WRITE,
            _S.CHANGES_READ,
        }
    ),
}


# Funding pools: administrators keep and approve, branch secretaries keep their own branch's
# books and ask for spending, analysts read.
_FUNDS_ALL = frozenset({_S.FUNDS_READ, _S.FUNDS_WRITE, _S.FUNDS_APPROVE})
for _role in (Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.PARK_ADMIN):
    ROLE_SCOPES[_role] = ROLE_SCOPES[_role] | _FUNDS_ALL
ROLE_SCOPES[Role.BRANCH_SECRETARY] |= {_S.FUNDS_READ, _S.FUNDS_WRITE}
ROLE_SCOPES[Role.ANALYST] |= {_S.FUNDS_READ}
# Order sharing and the joint mechanism: park staff (and those above them) coordinate in their
# subtree; an enterprise contact acts for their own enterprise only; others read.
_SHARING_STAFF = frozenset({_S.SHARING_READ, _S.SHARING_WRITE, _S.SHARING_COORDINATE})
for _role, _extra in (
    (Role.DISTRICT_ADMIN, _SHARING_STAFF),
    (Role.STREET_ADMIN, _SHARING_STAFF),
    (Role.PARK_ADMIN, _SHARING_STAFF),
    (Role.ENTERPRISE_CONTACT, frozenset({_S.SHARING_READ, _S.SHARING_WRITE})),
    (Role.BRANCH_SECRETARY, frozenset({_S.SHARING_READ})),
    (Role.ANALYST, frozenset({_S.SHARING_READ})),
):
    ROLE_SCOPES[_role] = ROLE_SCOPES[_role] | _extra


# Mutual-aid loans: an enterprise contact applies for its own enterprise and reads its own
# loans; it never decides, disburses or sees the pools' books. Administrators hold it too (it
# adds nothing to their funds:write) so that they may grant the enterprise_contact role.
for _role in (Role.ENTERPRISE_CONTACT, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.PARK_ADMIN):
    ROLE_SCOPES[_role] = ROLE_SCOPES[_role] | {_S.FUNDS_APPLY}


def scopes_for(role: Role) -> frozenset[Scope]:
    return ROLE_SCOPES[role]
