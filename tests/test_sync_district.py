"""A district system simulated end to end: it imports its roster, both sides change it, it
follows our feed (and receives our webhooks), and both rosters converge."""

from __future__ import annotations

import json
from typing import Any

from app.integrations.webhooks import WebhookSender, verify
from tests.member_fixtures import member_body
from tests.sync_fixtures import client_token, follow_feed, make_client, member_row
from tests.test_sync_webhooks import Receiver, _pump

FIELDS = (
    "name",
    "gender",
    "birth_date",
    "national_id",
    "join_date",
    "status",
    "phone",
    "education",
    "org_id",
)


class DistrictSystem:
    """The district's own roster, keyed by its own ids, talking to us only through the API."""

    def __init__(self, client: Any, headers: dict[str, str], subject: str) -> None:
        self.client = client
        self.h = headers
        self.subject = subject
        self.roster: dict[str, dict[str, Any]] = {}
        self.ours: dict[int, str] = {}  # our member id → their external id
        self.cursor: str | None = None
        self.next_ext = 1000

    async def push(self, external_ids: list[str]) -> list[dict[str, Any]]:
        rows = [{"external_id": e, **self.roster[e]} for e in external_ids]
        r = await self.client.post(
            "/api/v1/sync/members:batch", headers=self.h, json={"rows": rows}
        )
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert all(x["status"] != "rejected" for x in results), results
        for x in results:
            self.ours[x["id"]] = x["external_id"]
        return list(results)

    async def pull(self, until: Any = None) -> int:
        items, self.cursor = await follow_feed(self.client, self.h, self.cursor, until=until)
        applied = 0
        new_ones = []
        for change in items:
            if change["entity"] != "member" or change["actor"] == self.subject:
                continue  # our own writes come back too; nothing to apply
            member = (
                await self.client.get(f"/api/v1/members/{change['entity_id']}", headers=self.h)
            ).json()
            record = {k: member[k] for k in FIELDS}
            if record["status"] == "full":
                record["full_member_date"] = member["full_member_date"]
            ext = self.ours.get(member["id"])
            if ext is None:  # a member registered on our side: adopt it under a new id
                ext = f"DIST-{self.next_ext}"
                self.next_ext += 1
                new_ones.append(ext)
                self.ours[member["id"]] = ext
            self.roster[ext] = record
            applied += 1
        if new_ones:  # map our new members to their ids (matched by id number: unchanged)
            results = await self.push(new_ones)
            assert {x["status"] for x in results} == {"unchanged"}
        return applied


async def _our_roster(client: Any, h: dict[str, str], org_id: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"org_id": org_id, "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/members", headers=h, params=params)).json()
        for m in page["items"]:
            out[m["national_id"]] = {k: m[k] for k in FIELDS}
        cursor = page["next_cursor"]
        if not cursor:
            return out


async def test_a_district_system_converges_with_us(world, client, container):
    reg = await make_client(world, client)
    h = {"Authorization": f"Bearer {await client_token(client, reg)}"}
    district = DistrictSystem(client, h, f"client:{reg['id']}")
    receiver = Receiver()
    hook = (
        await client.post(
            "/api/v1/sync/webhooks",
            headers=h,
            json={"url": receiver.url, "event_types": ["member.*"]},
        )
    ).json()
    # 1. The district's roster, imported.
    for seq in range(1, 21):
        row = member_row(world, seq, "branch1" if seq % 2 else "branch2", phone=f"1380000{seq:04d}")
        ext = row.pop("external_id")
        district.roster[ext] = row
    results = await district.push(list(district.roster))
    assert {x["status"] for x in results} == {"created"}
    await district.pull()  # catch up (only its own writes so far)

    # 2. Changes on our side: renames, a new phone, a member registered by the branch.
    admin = world.auth()
    ids = sorted(district.ours)
    for member_id, name in ((ids[0], "改名甲"), (ids[1], "改名乙")):
        r = await client.patch(
            f"/api/v1/members/{member_id}",
            headers={**admin, "If-Match": '"1"'},
            json={"name": name},
        )
        assert r.status_code == 200, r.text
    await client.patch(
        f"/api/v1/members/{ids[2]}",
        headers={**admin, "If-Match": '"1"'},
        json={"phone": "13999990000"},
    )
    ours_new = await client.post(
        "/api/v1/members",
        headers=admin,
        json=member_body(world, 700, "branch2", phone="13511112222"),
    )
    assert ours_new.status_code == 201, ours_new.text

    # 3. Changes on the district's side: a rename, a new education, two new members.
    exts = sorted(district.roster)
    district.roster[exts[5]]["name"] = "区里改名"
    district.roster[exts[6]]["education"] = "master"
    for seq in (31, 32):
        row = member_row(world, seq, "branch1")
        district.roster[row.pop("external_id")] = row
    results = await district.push([exts[5], exts[6], "EXT-31", "EXT-32"])
    assert [x["status"] for x in results] == ["updated", "updated", "created", "created"]

    # 4. The district follows our feed until our four changes have arrived.
    wanted = {str(ids[0]), str(ids[1]), str(ids[2]), str(ours_new.json()["id"])}
    await district.pull(
        until=lambda items: (
            wanted <= {c["entity_id"] for c in items if c["actor"] != district.subject}
        )
    )

    # 5. Both rosters are the same, keyed by id number.
    ours = await _our_roster(client, admin, world.ids["district"])
    theirs = {r["national_id"]: {k: r.get(k) for k in FIELDS} for r in district.roster.values()}
    assert len(ours) == 23
    assert ours == theirs
    # Re-syncing everything now changes nothing.
    results = await district.push(sorted(district.roster))
    assert {x["status"] for x in results} == {"unchanged"}

    # 6. Our-side changes also arrived by webhook, signed.
    sender = WebhookSender()
    try:
        await _pump(
            container,
            sender,
            lambda: (
                wanted <= {json.loads(body)["data"]["entity_id"] for _, body in receiver.requests}
            ),
        )
    finally:
        await sender.close()
        receiver.close()
    assert all(verify(hook["secret"], hdr, body) for hdr, body in receiver.requests)
    # Deliveries carried no personal numbers.
    everything = b"".join(body for _, body in receiver.requests).decode()
    assert all(r["national_id"] not in everything for r in district.roster.values())
