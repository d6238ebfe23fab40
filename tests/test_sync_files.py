"""Roster files: CSV/XLSX uploads as jobs with progress and a per-row error report, and
streamed CSV/XLSX exports of a subtree's roster."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook, load_workbook

from app.domain.auth.scopes import Role
from app.domain.sync.files import XLSX_TYPE
from app.integrations.webhooks import WebhookSender
from app.worker import run_once
from tests.member_fixtures import make_member
from tests.sync_fixtures import client_auth, member_row, sync_tables

COLUMNS = [
    "external_id",
    "name",
    "gender",
    "birth_date",
    "national_id",
    "join_date",
    "status",
    "full_member_date",
    "org_id",
    "phone",
]


def _csv(rows: list[dict], columns: list[str] = COLUMNS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue().encode()


async def _work(container) -> None:
    sender = WebhookSender()
    try:
        for _ in range(10):
            await run_once(container, sender)
    finally:
        await sender.close()


async def test_csv_upload_runs_as_a_job_with_a_line_and_column_error_report(
    world, client, container
):
    h = await client_auth(world, client)
    rows = [member_row(world, i, phone="13800001111") for i in range(1, 6)]
    rows[2]["gender"] = "unknown"  # line 4, column gender
    rows[3]["birth_date"] = "1985-02-30"  # line 5, column birth_date
    r = await client.post(
        "/api/v1/sync/members:upload",
        headers={**h, "Content-Type": "text/csv"},
        content=_csv(rows),
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and job["total"] == 5 and job["processed"] == 0
    assert r.headers["location"] == f"/api/v1/sync/jobs/{job['id']}"
    await _work(container)
    done = (await client.get(f"/api/v1/sync/jobs/{job['id']}", headers=h)).json()
    assert (done["status"], done["processed"], done["created"], done["rejected"]) == (
        "done",
        5,
        3,
        2,
    )
    assert [(p["line"], p["column"], p["code"]) for p in done["problems"]] == [
        (4, "gender", "sync.value_invalid"),
        (5, "birth_date", "sync.value_invalid"),
    ]
    report = await client.get(f"/api/v1/sync/jobs/{job['id']}/errors", headers=h)
    assert report.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.text.lstrip("\ufeff"))))
    assert lines[0] == ["line", "column", "external_id", "code", "detail"]
    assert [ln[:4] for ln in lines[1:]] == [
        ["4", "gender", "EXT-3", "sync.value_invalid"],
        ["5", "birth_date", "EXT-4", "sync.value_invalid"],
    ]
    # Uploading the same file again changes nothing.
    before = await sync_tables(container)
    again = await client.post(
        "/api/v1/sync/members:upload", headers={**h, "Content-Type": "text/csv"}, content=_csv(rows)
    )
    await _work(container)
    second = (await client.get(f"/api/v1/sync/jobs/{again.json()['id']}", headers=h)).json()
    assert (second["unchanged"], second["rejected"]) == (3, 2)
    after = await sync_tables(container)
    assert (
        after["members"] == before["members"] and after["change_outbox"] == before["change_outbox"]
    )


async def test_wrong_columns_and_files_are_refused_at_once(world, client, container):
    h = await client_auth(world, client)
    before = await sync_tables(container)
    bad = _csv([], ["external_id", "name", "colour", "name"])
    r = await client.post(
        "/api/v1/sync/members:upload", headers={**h, "Content-Type": "text/csv"}, content=bad
    )
    assert r.status_code == 422 and r.json()["code"] == "sync.columns_invalid"
    detail = r.json()["detail"]
    assert "colour" in detail and "national_id" in detail and "name" in detail
    for ctype, body in (("text/csv", b"\xff\xfe\x00bad"), (XLSX_TYPE, b"not a zip")):
        r = await client.post(
            "/api/v1/sync/members:upload", headers={**h, "Content-Type": ctype}, content=body
        )
        assert r.status_code == 422 and r.json()["code"] == "sync.file_unreadable"
    r = await client.post(
        "/api/v1/sync/members:upload",
        headers={**h, "Content-Type": "application/pdf"},
        content=b"x",
    )
    assert r.status_code == 400 and r.json()["code"] == "sync.file_type_unsupported"
    after = await sync_tables(container)
    assert after["members"] == before["members"]


async def test_xlsx_upload_with_typed_cells(world, client, container):
    h = await client_auth(world, client)
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for i in range(1, 4):
        r = member_row(world, i)
        # Spreadsheets store numbers and dates as such.
        sheet.append(
            [
                r["external_id"],
                r["name"],
                r["gender"],
                dt.date.fromisoformat(r["birth_date"]),
                r["national_id"],
                r["join_date"],
                r["status"],
                r["full_member_date"],
                r["org_id"],
                13800000000 + i,
            ]
        )
    buf = io.BytesIO()
    book.save(buf)
    r = await client.post(
        "/api/v1/sync/members:upload",
        headers={**h, "Content-Type": XLSX_TYPE},
        content=buf.getvalue(),
    )
    assert r.status_code == 202, r.text
    await _work(container)
    job = (await client.get(f"/api/v1/sync/jobs/{r.json()['id']}", headers=h)).json()
    assert (job["created"], job["rejected"]) == (3, 0), job["problems"]


async def test_exports_stream_the_subtree_roster(world, client):
    for seq in range(1, 4):
        await make_member(world, client, seq, phone="13712345678")
    h = world.auth()
    r = await client.get(
        "/api/v1/sync/members:export", headers=h, params={"org_id": world.ids["park"]}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert len(lines) == 3 and lines[0]["phone"] == "13712345678" and lines[0]["masked"] == "false"
    analyst = world.auth(Role.ANALYST)
    r = await client.get("/api/v1/sync/members:export", headers=analyst)
    lines = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert lines[0]["phone"] == "137****5678" and lines[0]["masked"] == "true"
    r = await client.get("/api/v1/sync/members:export", headers=h, params={"format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("id", "name", "gender") and len(values) == 4
    r = await client.get(
        "/api/v1/sync/members:export",
        headers=world.auth(org="other_district"),
        params={"org_id": world.ids["park"]},
    )
    assert r.status_code == 404
