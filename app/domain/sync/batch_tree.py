"""Bulk upserts of organisations and enterprises keyed by a machine client's external ids.

These are few (hundreds, a few thousand) and an org's parent may be created by an earlier row
of the same batch, so rows are judged and written one after another; each row is fully
checked with the owning area's rules before anything of it is written, so a bad row is
reported and never aborts the others. Unchanged rows write nothing."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.domain.audit import AuditItem
from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.enterprises.model import EnterpriseKind
from app.domain.enterprises.ports import NewEnterprise
from app.domain.enterprises.service import _clean as clean_enterprise
from app.domain.enterprises.service import load_host
from app.domain.enterprises.service import snapshot as enterprise_snapshot
from app.domain.errors import DomainError, FieldError, NotFound
from app.domain.orgs.model import Formation, Org, OrgKind
from app.domain.orgs.ports import NewOrg
from app.domain.orgs.service import (
    _check_formation,
    _check_may_hold,
    _require_active,
    _snapshot,
    load_org,
)
from app.domain.ports import UnitOfWork
from app.domain.sync.batch import check_batch_size
from app.domain.sync.clients import acting_client
from app.domain.sync.model import BatchResult, Entity, RowProblem, RowResult, RowStatus, SyncClient
from app.domain.sync.rows import Field, external_id_field, parse_row, row_problems

ORG_FIELDS = (
    external_id_field(),
    Field("name", "str", required=True, max_length=200),
    Field("kind", OrgKind, required=True),
    Field("formation", Formation),
    Field("parent_id", "int"),
    Field("parent_external_id", "str", max_length=100),
    Field("short_name", "str", max_length=100),
    Field("code", "str", max_length=64),
    Field("address", "str", max_length=300),
    Field("established_on", "date"),
    Field("contact_leader", "str", max_length=200),
)
ORG_SYNCED = ("name", "short_name", "address", "established_on", "contact_leader")
ORG_FIXED = ("kind", "formation", "parent_id", "code")

ENTERPRISE_FIELDS = (
    external_id_field(),
    Field("name", "str", required=True, max_length=200),
    Field("credit_code", "str", required=True, max_length=18),
    Field("kind", EnterpriseKind, required=True),
    Field("industry", "str", required=True, max_length=100),
    Field("above_scale", "bool", required=True),
    Field("employee_count", "count", required=True),
    Field("address", "str", max_length=300),
    Field("owner_name", "str", max_length=100),
    Field("org_id", "int"),
    Field("org_external_id", "str", max_length=100),
)
ENTERPRISE_SYNCED = (
    "name",
    "kind",
    "industry",
    "above_scale",
    "employee_count",
    "address",
    "owner_name",
)
ENTERPRISE_FIXED = ("credit_code", "org_id")


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _problems(i: int, error: DomainError, rename: dict[str, str] | None = None) -> list[RowProblem]:
    out = []
    for p in row_problems(i, error):
        pointer = p.pointer
        for old, new in (rename or {}).items():
            if pointer == f"/rows/{i}/{old}":
                pointer = f"/rows/{i}/{new}"
        out.append(RowProblem(p.code, pointer, p.params))
    return out


def _one(i: int, code: str, at: str, **params: Any) -> list[RowProblem]:
    return [RowProblem(code, f"/rows/{i}/{at}", params)]


class _Run:
    """The bookkeeping shared by the row loops: results, mappings and audit items."""

    def __init__(self, rows: list[Any], client: SyncClient, entity: Entity) -> None:
        self.rows = rows
        self.client = client
        self.entity = entity
        self.results: dict[int, RowResult] = {}
        self.seen: dict[str, int] = {}
        self.links: list[tuple[str, int]] = []
        self.audit: list[AuditItem] = []

    def reject(self, i: int, ext: Any, problems: list[RowProblem]) -> None:
        self.results[i] = RowResult(
            i, ext if isinstance(ext, str) else None, RowStatus.REJECTED, problems=tuple(problems)
        )

    def done(self, i: int, ext: str, status: RowStatus, target_id: int | None) -> None:
        self.results[i] = RowResult(i, ext, status, id=target_id)

    def first_time(self, i: int, ext: str) -> bool:
        if ext in self.seen:
            self.reject(
                i, ext, _one(i, "sync.duplicate_external_id", "external_id", first=self.seen[ext])
            )
            return False
        self.seen[ext] = i
        return True

    async def finish(self, uow: UnitOfWork, actor: Principal, dry_run: bool) -> BatchResult:
        if not dry_run:
            if self.links:
                await uow.sync.link(
                    self.client.id, self.entity.value, self.links, now=uow.clock.now()
                )
                self.audit.append(
                    AuditItem(
                        "sync.link",
                        "sync_client",
                        self.client.id,
                        self.client.org_id,
                        {"entity": self.entity.value, "linked": len(self.links)},
                    )
                )
            if self.audit:
                await uow.audit.record_many(actor, self.audit)
                await uow.commit()
        return BatchResult(self.entity, dry_run, [self.results[i] for i in range(len(self.rows))])


async def upsert_orgs(
    uow: UnitOfWork, actor: Principal, *, rows: list[Any], dry_run: bool
) -> BatchResult:
    """Create or update organisations by the client's external ids (then by org code);
    a parent is ``parent_id`` (ours) or ``parent_external_id`` (mapped, or made by an earlier
    row of the batch)."""
    actor.require(Scope.SYNC_WRITE)
    actor.require(Scope.ORGS_WRITE)
    check_batch_size(rows)
    client = await acting_client(uow, actor, lock=not dry_run)
    run = _Run(rows, client, Entity.ORG)
    parsed = [parse_row(i, raw, ORG_FIELDS) for i, raw in enumerate(rows)]
    exts = [v["external_id"] for v, p in parsed if not p]
    parents_ext = [v["parent_external_id"] for v, p in parsed if not p and v["parent_external_id"]]
    mapped = await uow.sync.mapped(client.id, Entity.ORG.value, sorted(set(exts + parents_ext)))
    made: dict[str, int] = {}  # external ids created by this batch (dry run: negative ids)
    now = uow.clock.now()
    for i, (values, problems) in enumerate(parsed):
        ext = values.get("external_id")
        if problems or not isinstance(ext, str):
            run.reject(i, ext, problems)
            continue
        if not run.first_time(i, ext):
            continue
        if (values["parent_id"] is None) == (values["parent_external_id"] is None):
            run.reject(i, ext, _one(i, "sync.parent_reference_required", "parent_id"))
            continue
        parent_field = "parent_id" if values["parent_id"] is not None else "parent_external_id"
        parent_id = (
            values["parent_id"]
            or mapped.get(values["parent_external_id"])
            or made.get(values["parent_external_id"])
        )
        if parent_id is None:
            run.reject(i, ext, _one(i, "sync.parent_external_id_unknown", parent_field))
            continue
        new = NewOrg(
            parent_id=parent_id,
            kind=values["kind"],
            formation=values["formation"],
            name=values["name"],
            short_name=values["short_name"],
            code=values["code"],
            address=values["address"],
            established_on=values["established_on"],
            contact_leader=values["contact_leader"],
        )
        current_id = mapped.get(ext)
        if current_id is None and new.code:
            current_id = await uow.orgs.id_by_code(new.code)
            if current_id is not None:
                linked = await uow.sync.mapped_back(client.id, Entity.ORG.value, [current_id])
                if linked:
                    run.reject(i, ext, _one(i, "sync.external_id_conflict", "external_id"))
                    continue
                run.links.append((ext, current_id))
        if current_id is not None:
            await _update_org(uow, actor, run, i, ext, current_id, new, now, dry_run)
            continue
        if parent_id < 0:  # a dry run's parent made by an earlier row: judged, not written
            made[ext] = -(i + 1)
            run.done(i, ext, RowStatus.CREATED, None)
            continue
        try:
            _check_formation(new.kind, new.formation)
            try:
                parent = await load_org(uow, actor, parent_id, lock=True)
            except NotFound:
                raise NotFound(
                    "org.parent_not_found",
                    params={"id": parent_id},
                    fields=[FieldError("org.parent_not_found", pointer="/parent_id")],
                ) from None
            _require_active(parent, pointer="/parent_id")
            _check_may_hold(parent, new.kind, pointer="/kind")
        except DomainError as e:
            run.reject(i, ext, _problems(i, e, {"parent_id": parent_field}))
            continue
        if dry_run:
            made[ext] = -(i + 1)
            run.done(i, ext, RowStatus.CREATED, None)
            continue
        org = await uow.orgs.add(new, parent=parent, now=now)
        await uow.orgs.adjust_child_count(parent.id, +1)
        made[ext] = org.id
        run.links.append((ext, org.id))
        run.audit.append(AuditItem("org.create", "org", org.id, org.id, _snapshot(org)))
        run.done(i, ext, RowStatus.CREATED, org.id)
    return await run.finish(uow, actor, dry_run)


async def _update_org(
    uow: UnitOfWork,
    actor: Principal,
    run: _Run,
    i: int,
    ext: str,
    org_id: int,
    new: NewOrg,
    now: Any,
    dry_run: bool,
) -> None:
    org: Org | None = await uow.orgs.get(org_id, lock=not dry_run)
    if org is None or not actor.covers_path(org.path):
        run.reject(i, ext, _one(i, "sync.external_id_outside_subtree", "external_id"))
        return
    incoming = asdict(new)
    fixed = [
        name
        for name in ORG_FIXED
        if incoming[name] is not None and _plain(incoming[name]) != _plain(getattr(org, name))
    ]
    if fixed:
        run.reject(
            i,
            ext,
            [p for name in fixed for p in _one(i, "sync.field_not_synced", name, field=name)],
        )
        return
    diff = {
        name: incoming[name]
        for name in ORG_SYNCED
        if _plain(incoming[name]) != _plain(getattr(org, name))
    }
    if not diff:
        run.done(i, ext, RowStatus.UNCHANGED, org.id)
        return
    if not dry_run:
        await uow.orgs.update(org.id, expected_version=None, changes=diff, now=now)
        run.audit.append(
            AuditItem(
                "org.update",
                "org",
                org.id,
                org.id,
                {k: {"from": _plain(getattr(org, k)), "to": _plain(v)} for k, v in diff.items()},
            )
        )
    run.done(i, ext, RowStatus.UPDATED, org.id)


async def upsert_enterprises(
    uow: UnitOfWork, actor: Principal, *, rows: list[Any], dry_run: bool
) -> BatchResult:
    """Create or update enterprises by the client's external ids (then by credit code)."""
    actor.require(Scope.SYNC_WRITE)
    actor.require(Scope.ENTERPRISES_WRITE)
    check_batch_size(rows)
    client = await acting_client(uow, actor, lock=not dry_run)
    run = _Run(rows, client, Entity.ENTERPRISE)
    parsed = [parse_row(i, raw, ENTERPRISE_FIELDS) for i, raw in enumerate(rows)]
    ok = [v for v, p in parsed if not p]
    mapped = await uow.sync.mapped(
        client.id, Entity.ENTERPRISE.value, [v["external_id"] for v in ok]
    )
    orgs_mapped = await uow.sync.mapped(
        client.id,
        Entity.ORG.value,
        sorted({v["org_external_id"] for v in ok if v["org_external_id"]}),
    )
    codes_seen: dict[str, int] = {}
    now = uow.clock.now()
    for i, (values, problems) in enumerate(parsed):
        ext = values.get("external_id")
        if problems or not isinstance(ext, str):
            run.reject(i, ext, problems)
            continue
        if not run.first_time(i, ext):
            continue
        if (values["org_id"] is None) == (values["org_external_id"] is None):
            run.reject(i, ext, _one(i, "sync.org_reference_required", "org_id"))
            continue
        org_field = "org_id" if values["org_id"] is not None else "org_external_id"
        org_id = values["org_id"] or orgs_mapped.get(values["org_external_id"])
        if org_id is None:
            run.reject(i, ext, _one(i, "sync.org_external_id_unknown", org_field))
            continue
        new = NewEnterprise(
            name=values["name"],
            credit_code=values["credit_code"],
            kind=values["kind"],
            industry=values["industry"],
            above_scale=values["above_scale"],
            employee_count=values["employee_count"],
            address=values["address"],
            owner_name=values["owner_name"],
            org_id=org_id,
        )
        try:
            fields = clean_enterprise(asdict(new))
            host = await load_host(uow, actor, org_id)
        except DomainError as e:
            run.reject(i, ext, _problems(i, e, {"org_id": org_field}))
            continue
        code = fields["credit_code"]
        if code in codes_seen:
            run.reject(
                i, ext, _one(i, "sync.duplicate_in_batch", "credit_code", first=codes_seen[code])
            )
            continue
        codes_seen[code] = i
        current_id = mapped.get(ext)
        if current_id is None:
            current_id = await uow.enterprises.credit_code_owner(code)
            if current_id is not None:
                linked = await uow.sync.mapped_back(
                    client.id, Entity.ENTERPRISE.value, [current_id]
                )
                if linked:
                    run.reject(i, ext, _one(i, "sync.external_id_conflict", "external_id"))
                    continue
                run.links.append((ext, current_id))
        if current_id is not None:
            ent = await uow.enterprises.get(current_id, lock=not dry_run)
            if ent is None or not actor.covers_path(ent.org_path):
                if run.links and run.links[-1] == (ext, current_id):
                    run.links.pop()
                code_name = (
                    "enterprise.credit_code_taken"
                    if ext not in mapped
                    else "sync.external_id_outside_subtree"
                )
                run.reject(
                    i,
                    ext,
                    _one(i, code_name, "credit_code" if ext not in mapped else "external_id"),
                )
                continue
            fixed = [n for n in ENTERPRISE_FIXED if _plain(fields[n]) != _plain(getattr(ent, n))]
            if fixed:
                if run.links and run.links[-1] == (ext, current_id):
                    run.links.pop()
                run.reject(
                    i,
                    ext,
                    [
                        p
                        for n in fixed
                        for p in _one(
                            i, "sync.field_not_synced", org_field if n == "org_id" else n, field=n
                        )
                    ],
                )
                continue
            diff = {
                n: fields[n]
                for n in ENTERPRISE_SYNCED
                if _plain(fields[n]) != _plain(getattr(ent, n))
            }
            if not diff:
                run.done(i, ext, RowStatus.UNCHANGED, ent.id)
                continue
            if not dry_run:
                await uow.enterprises.update(ent.id, expected_version=None, changes=diff, now=now)
                run.audit.append(
                    AuditItem(
                        "enterprise.update",
                        "enterprise",
                        ent.id,
                        ent.org_id,
                        {
                            k: {"from": _plain(getattr(ent, k)), "to": _plain(v)}
                            for k, v in diff.items()
                        },
                    )
                )
            run.done(i, ext, RowStatus.UPDATED, ent.id)
            continue
        if dry_run:
            run.done(i, ext, RowStatus.CREATED, None)
            continue
        fields.update(
            org_id=host.id,
            coverage_status="none",
            covering_org_id=None,
            coverage_mode=None,
            covered_since=None,
            status="active",
        )
        try:
            ent = await uow.enterprises.add(fields=fields, org_path=host.path, now=now)
        except DomainError as e:  # a concurrent writer took the credit code meanwhile
            run.reject(i, ext, _problems(i, e))
            continue
        run.links.append((ext, ent.id))
        run.audit.append(
            AuditItem("enterprise.create", "enterprise", ent.id, host.id, enterprise_snapshot(ent))
        )
        run.done(i, ext, RowStatus.CREATED, ent.id)
    return await run.finish(uow, actor, dry_run)
