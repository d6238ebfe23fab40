"""Nested GraphQL objects are batched through DataLoaders: the number of SQL statements does
not grow with the number of rows on the page."""

from __future__ import annotations

from sqlalchemy import event

from tests.enterprise_fixtures import make_enterprise


class StatementCounter:
    def __init__(self, engine) -> None:
        self.engine = engine.sync_engine
        self.count = 0

    def _on(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


async def _statements_for(client, container, headers, first: int) -> int:
    q = """query($n: Int!) { enterprises(first: $n) { edges { node { id
             org { name parent { name } } coveringOrg { name } } } } }"""
    with StatementCounter(container.db.read_engine) as counter:
        r = await client.post(
            "/graphql", json={"query": q, "variables": {"n": first}}, headers=headers
        )
    body = r.json()
    assert "errors" not in body, body
    assert len(body["data"]["enterprises"]["edges"]) == first
    return counter.count


async def test_nested_orgs_do_not_multiply_queries(world, client, container):
    h = world.auth()
    orgs = ["park", "community", "street"]
    for n in range(12):
        ent = await make_enterprise(world, client, 500 + n, org=orgs[n % 3])
        if n % 2 == 0:
            r = await client.put(
                f"/api/v1/enterprises/{ent['id']}/coverage",
                headers=h,
                json={"covering_org_id": world.ids["branch2"]},
            )
            assert r.status_code == 200, r.text
    few = await _statements_for(client, container, h, 2)
    many = await _statements_for(client, container, h, 12)
    assert many == few, (few, many)
