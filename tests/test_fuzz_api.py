"""Property-based fuzzing of the REST API against its own OpenAPI document.

For every operation (bar /graphql and /metrics) schemathesis generates schema-valid and
schema-invalid requests (path and query parameters, headers, JSON bodies); hypothesis adds
mutated bodies (wrong types, huge strings, huge or negative integers, unknown fields) and
malformed payloads. Every request goes in-process through ``httpx.ASGITransport``, most with a
district administrator's token, some with none or a garbage one. The contract checked
(docs/api.md): nothing is a 500, and every 4xx is ``application/problem+json`` carrying
``type``, ``title``, ``status`` (equal to the HTTP status), ``code`` and ``request_id``.

Cases are drawn up front with hypothesis in derandomized mode (a fixed sequence, no example
database), then sent from the async test, so the run is deterministic and bounded.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from app.settings import Settings
from tests import test_wechat_login as wx
from tests.enterprise_fixtures import enterprise_samples

# WeChat login goes to the loopback fake of tests/test_wechat_login.py, never to the internet.
wechat = wx.wechat

SKIP_PATHS = {"/graphql", "/metrics"}
# Examples drawn per operation and generation mode.
POSITIVE = 8
NEGATIVE = 8
MUTATED = 8
BASE = "http://test"

FUZZ_SETTINGS = hypothesis_settings(
    max_examples=1,  # replaced per draw
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@dataclass
class Sent:
    label: str
    method: str
    path: str
    headers: dict[str, str]
    path_params: dict[str, Any] = field(default_factory=dict)
    params: Any = None
    json_body: Any = None
    content: bytes | None = None
    has_json: bool = False

    @property
    def url(self) -> str:
        # Path parameters percent-encoded whole, control characters and slashes included.
        return BASE + re.sub(
            r"\{([^}]+)\}", lambda m: quote(str(self.path_params[m.group(1)]), safe=""), self.path
        )

    def describe(self) -> str:
        body = self.content if self.content is not None else self.json_body
        text = repr(body)
        if len(text) > 300:
            text = text[:300] + "…"
        return f"[{self.label}] {self.method} {self.url} params={self.params!r} body={text}"


def draw(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """``n`` examples of ``strategy``, the same ones on every run."""
    out: list[Any] = []

    @hypothesis_settings(FUZZ_SETTINGS, max_examples=n)
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out[:n]


def operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_dict(app.openapi())
    ops = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path in SKIP_PATHS:
            continue
        ops.append(op)
    return ops


def _to_sent(case: Any, label: str) -> Sent:
    kw = case.as_transport_kwargs(base_url=BASE)
    headers = {str(k): str(v) for k, v in (kw.get("headers") or {}).items()}
    headers.pop("Authorization", None)
    headers.pop("authorization", None)
    sent = Sent(
        label,
        kw["method"],
        case.operation.path,
        headers,
        path_params=dict(case.path_parameters or {}),
        params=kw.get("params"),
    )
    if "json" in kw:
        sent.json_body = kw["json"]
        sent.has_json = True
    elif kw.get("data") is not None:
        data = kw["data"]
        if isinstance(data, dict):  # a form body (/oauth/token): send it form-encoded
            try:
                sent.content = urlencode(data, doseq=True).encode()
            except UnicodeEncodeError:
                sent.content = str(data).encode(errors="surrogatepass")
        else:
            sent.content = data if isinstance(data, bytes) else str(data).encode()
    return sent


async def fuzz_world(world: Any, client: httpx.AsyncClient) -> dict[str, list[int]]:
    """Real ids per path parameter name, so valid cases reach the use cases."""
    h = world.auth()
    samples = await enterprise_samples(world, client)
    leader = (
        await client.post(
            f"/api/v1/orgs/{world.ids['branch1']}/leaders",
            headers=h,
            json={"name": "甲", "role": "secretary", "term_start": "2024-01-01"},
        )
    ).json()
    user = (
        await client.post(
            "/api/v1/users",
            headers=h,
            json={
                "username": "fuzz.user",
                "display_name": "乙",
                "role": "park_admin",
                "org_id": world.ids["park"],
                "password": "a long enough password",
            },
        )
    ).json()
    org_ids = sorted(world.ids.values())
    return {
        "org_id": org_ids,
        "parent_id": org_ids,
        "covering_org_id": org_ids,
        "enterprise_id": [samples["enterprise_id"]],
        "instructor_id": [samples["instructor_id"]],
        "assignment_id": [samples["assignment_id"]],
        "leader_id": [leader["id"]],
        "user_id": [user["id"]],
    }


def _aim(sent: Sent, pool: dict[str, list[int]], pick: int) -> None:
    """Point a valid case's path parameters and id fields at existing objects."""
    for name in sent.path_params:
        ids = pool.get(name, pool["org_id"])
        sent.path_params[name] = ids[pick % len(ids)]
    if isinstance(sent.json_body, dict) and pick % 3:
        for name, ids in pool.items():
            if name in sent.json_body:
                sent.json_body[name] = ids[(pick // 2) % len(ids)]


# Values that a schema-aware client would never send.
HOSTILE = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            [],
            {},
            [1, 2],
            {"a": {"b": [None]}},
            -1,
            0,
            2**31,
            2**63,
            -(2**63) - 1,
            10**30,
            -(10**30),
            1.5,
            1e308,
            "",
            " ",
            "x" * 100_000,
            "0" * 5000,
            "\x00",
            "\ud800",
            "1970-01-01",
            "9999-12-31",
            "0000-00-00",
            "'; DROP TABLE orgs; --",
            "%s%n",
            "../../etc/passwd",
            "🙂" * 1000,
        ]
    ),
    st.integers(),
    st.text(max_size=50),
    st.sampled_from(['"99999999999999999999999"', 'W/"-1"', '"1", "2"', "*", '""']),
)


@st.composite
def mutated(draw_: st.DrawFn, base: st.SearchStrategy[Any]) -> tuple[Any, str, Any]:
    """A valid case with one field or parameter replaced by a hostile value."""
    case = draw_(base)
    targets: list[tuple[str, str]] = []
    if isinstance(case.body, dict):
        targets += [("body", k) for k in case.body]
        targets.append(("body", "unknown_field"))
    for k in case.query or {}:
        targets.append(("query", k))
    for k in case.path_parameters or {}:
        targets.append(("path", k))
    for k in case.headers or {}:
        if k.lower() in {"if-match", "idempotency-key"}:
            targets.append(("header", k))
    if not targets:
        return case, "none", None
    where, key = draw_(st.sampled_from(targets))
    value = draw_(HOSTILE)
    return case, f"{where}:{key}", value


def _in_url(value: Any) -> str | int:
    # A URL carries no lone surrogate (its JSON escape is hostile enough there) and no more
    # than a front proxy would pass on.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value if isinstance(value, str) and _encodable(value) else json.dumps(value)
    return text[:4000]


def _encodable(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _apply(sent: Sent, target: str, value: Any) -> None:
    where, _, key = target.partition(":")
    if where == "body":
        if not isinstance(sent.json_body, dict):
            return  # a form-encoded body (/oauth/token): the generated cases cover it
        sent.json_body[key] = value
    elif where == "query":
        sent.params[key] = _in_url(value)
    elif where == "path":
        sent.path_params[key] = _in_url(value)
    elif where == "header":
        sent.headers[key] = _in_header(value)


def _in_header(value: Any) -> str:
    # Headers travel as latin-1 bytes; anything else goes as its JSON text.
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        text = json.dumps(text)
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in text)


MALFORMED: list[tuple[str, bytes, str]] = [
    ("truncated", b'{"name": ', "application/json"),
    ("trailing comma", b'{"name": "x",}', "application/json"),
    ("not utf-8", b'{"name": "\xff\xfe"}', "application/json"),
    ("nan", b'{"name": NaN}', "application/json"),
    ("null", b"null", "application/json"),
    ("array", b"[1, 2, 3]", "application/json"),
    ("string", b'"x"', "application/json"),
    ("number", b"1e999", "application/json"),
    ("empty", b"", "application/json"),
    ("deep", b"[" * 5000 + b"]" * 5000, "application/json"),
    ("deep object", b'{"a":' * 3000 + b"1" + b"}" * 3000, "application/json"),
    ("text/plain", b'{"name": "x"}', "text/plain"),
    ("form", b"name=x&kind=branch", "application/x-www-form-urlencoded"),
    ("huge", b'{"name": "' + b"x" * 2_000_000 + b'"}', "application/json"),
]

GARBAGE_TOKENS = [
    None,
    "Bearer",
    "Bearer ",
    "Bearer garbage",
    "Bearer a.b.c",
    "Basic dXNlcjpwYXNz",
    "Bearer " + "x" * 10_000,
    "bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
]


# Areas with a known, reported contract break: their failures make the test an xfail (listed
# in its reason) instead of a failure, so every other operation stays guarded. Remove an entry
# once fixed. Members and pipeline routes take ids as plain `int`, so one past BIGINT reaches
# the driver (a 500); `app.api.v1.schemas.common.Id` is the fix.
KNOWN_BROKEN: tuple[str, ...] = ()


def known_broken(path: str) -> bool:
    return any(part in path for part in KNOWN_BROKEN)


class Failures(list[str]):
    known: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.known = []

    def report(self, total: int) -> None:
        assert not self, f"{len(self)} of {total} cases broke the contract:\n" + "\n".join(
            self[:40]
        )
        if self.known:
            pytest.xfail(
                f"{len(self.known)} known breaks (KNOWN_BROKEN):\n" + "\n".join(self.known[:20])
            )


def check(r: httpx.Response, sent: Sent, failures: Failures) -> None:
    if known_broken(sent.path):
        found: list[str] = []
        check_contract(r, sent, found)
        failures.known += found
    else:
        check_contract(r, sent, failures)


# The OAuth token endpoint answers RFC 6749 §5.2 JSON errors, as documented in its OpenAPI.
RFC6749_PATHS = {"/oauth/token"}


def check_contract(r: httpx.Response, sent: Sent, failures: list[str]) -> None:
    where = sent.describe()
    if r.status_code >= 500:
        failures.append(f"{r.status_code} for {where}: {r.text[:300]}")
        return
    if r.status_code < 400:
        return
    ctype = r.headers.get("content-type", "")
    if sent.path in RFC6749_PATHS and ctype.startswith("application/json"):
        if not isinstance(r.json().get("error"), str):
            failures.append(f"{r.status_code} without an RFC 6749 error for {where}")
        return
    if not ctype.startswith("application/problem+json"):
        failures.append(f"{r.status_code} not problem+json ({ctype}) for {where}: {r.text[:200]}")
        return
    try:
        body = r.json()
    except ValueError:
        failures.append(f"{r.status_code} body is not JSON for {where}: {r.text[:200]}")
        return
    missing = [k for k in ("type", "title", "status", "code", "request_id") if k not in body]
    if missing or body.get("status") != r.status_code:
        failures.append(f"{r.status_code} bad problem {body} (missing {missing}) for {where}")


async def send(client: httpx.AsyncClient, sent: Sent) -> httpx.Response:
    headers = dict(sent.headers)
    if sent.has_json and sent.content is None:
        headers.setdefault("Content-Type", "application/json")
    # Header values go as bytes: latin-1 where they can, '?' where they cannot.
    raw = {k: v.encode("latin-1", "replace") for k, v in headers.items()}
    kw: dict[str, Any] = {"headers": raw, "params": sent.params}
    if sent.content is not None:
        kw["content"] = sent.content
    elif sent.has_json:
        kw["content"] = json.dumps(sent.json_body).encode()
    return await client.request(sent.method, sent.url, **kw)


@pytest.fixture
def settings(db_url: str, keys_dir: Path, wechat: wx.FakeWechat) -> Settings:
    # Unknown codes are 40029 there: a 401, so login is fuzzed to the end.
    return Settings(
        env="test",
        database_url=db_url,
        data_dir=keys_dir,
        log_level="WARNING",
        wechat_base_url=wechat.url,
        wechat_appid=wx.APPID,
        wechat_secret=wx.SECRET,
        wechat_timeout_seconds=0.5,
    )


@pytest.fixture
async def fuzz_client(app: Any) -> Any:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        yield c


def _cases(app: Any, pool: dict[str, list[int]]) -> list[Sent]:
    out: list[Sent] = []
    for op in operations(app):
        label = f"{op.method.upper()} {op.path}"
        for i, case in enumerate(draw(op.as_strategy(GenerationMode.POSITIVE), POSITIVE)):
            sent = _to_sent(case, f"{label} valid")
            _aim(sent, pool, i)
            out.append(sent)
        try:
            negative = draw(op.as_strategy(GenerationMode.NEGATIVE), NEGATIVE)
        except Unsatisfiable:  # an operation with no input to get wrong
            negative = []
        for case in negative:
            out.append(_to_sent(case, f"{label} invalid"))
        for i, (case, target, value) in enumerate(
            draw(mutated(op.as_strategy(GenerationMode.POSITIVE)), MUTATED)
        ):
            sent = _to_sent(case, f"{label} mutated {target}")
            _aim(sent, pool, i)
            if target != "none":
                _apply(sent, target, value)
            out.append(sent)
    return out


async def test_generated_inputs_never_break_the_contract(app, fuzz_client, world):
    pool = await fuzz_world(world, fuzz_client)
    cases = _cases(app, pool)
    admin = world.auth()
    failures = Failures()
    for i, sent in enumerate(cases):
        token = GARBAGE_TOKENS[i % len(GARBAGE_TOKENS)] if i % 9 == 0 else admin["Authorization"]
        if token is not None:
            sent.headers["Authorization"] = token
        if i % 5 == 0 and "If-Match" not in sent.headers:
            sent.headers["If-Match"] = '"1"'
        r = await send(fuzz_client, sent)
        check(r, sent, failures)
    failures.report(len(cases))


async def test_malformed_bodies_and_bad_tokens_are_problems(app, fuzz_client, world):
    pool = await fuzz_world(world, fuzz_client)
    admin = world.auth()["Authorization"]
    failures = Failures()
    n = 0
    for op in operations(app):
        path_params = {
            name: pool.get(name, pool["org_id"])[0] for name in re.findall(r"\{([^}]+)\}", op.path)
        }
        method = op.method.upper()
        label = f"{method} {op.path}"
        for token in GARBAGE_TOKENS:
            headers = {} if token is None else {"Authorization": token}
            sent = Sent(f"{label} token {str(token)[:20]!r}", method, op.path, headers, path_params)
            check(await send(fuzz_client, sent), sent, failures)
            n += 1
        # Every id at and past the edges of the key range (a BIGINT past 2**63 - 1 was a 500).
        for name in path_params:
            for bad in ("0", "-1", str(2**63), str(-(2**63) - 1), "1e3", "abc"):
                sent = Sent(
                    f"{label} {name}={bad}",
                    method,
                    op.path,
                    {"Authorization": admin, "If-Match": '"1"'},
                    {**path_params, name: bad},
                )
                check(await send(fuzz_client, sent), sent, failures)
                n += 1
        # A NUL in any string field or query parameter (PostgreSQL refused it: a 500).
        for case in draw(op.as_strategy(GenerationMode.POSITIVE), 1):
            base = _to_sent(case, f"{label} NUL")
            _aim(base, pool, 1)
            base.headers["Authorization"] = admin
            targets = [("query", k) for k in base.params or {}]
            if isinstance(base.json_body, dict):
                targets += [("body", k) for k, v in base.json_body.items() if isinstance(v, str)]
            for where, key in targets:
                sent = copy.deepcopy(base)
                sent.label += f" {where}:{key}"
                _apply(sent, f"{where}:{key}", "a\x00b")
                check(await send(fuzz_client, sent), sent, failures)
                n += 1
        if method == "GET":
            sent = Sent(
                f"{label} unknown parameter", method, op.path, {"Authorization": admin}, path_params
            )
            sent.params = {"no_such_filter": "x"}
            check(await send(fuzz_client, sent), sent, failures)
            n += 1
            continue
        for name, payload, ctype in MALFORMED:
            headers = {"Authorization": admin, "Content-Type": ctype, "If-Match": '"1"'}
            sent = Sent(f"{label} {name}", method, op.path, headers, path_params, content=payload)
            check(await send(fuzz_client, sent), sent, failures)
            n += 1
    failures.report(n)
