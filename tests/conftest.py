"""Fixtures: a fresh migrated database per test, the app over it, and token helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from app.container import Container, build_container
from app.main import create_app
from app.settings import Settings
from tests.dbs import BACKEND, TemplateDb
from tests.helpers import World


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDb]:
    tmpl = TemplateDb(tmp_path_factory.mktemp("db"))
    yield tmpl
    tmpl.close()


@pytest.fixture
async def db_url(template_db: TemplateDb) -> AsyncIterator[str]:
    name, url = await template_db.copy()
    yield url
    await template_db.drop(name)


@pytest.fixture
def settings(db_url: str, keys_dir: Path) -> Settings:
    return Settings(env="test", database_url=db_url, data_dir=keys_dir, log_level="WARNING")


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    c = build_container(settings)
    yield c
    await c.close()


@pytest.fixture
async def app(settings: Settings, container: Container):  # type: ignore[no-untyped-def]
    return create_app(settings, container)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
async def world(container: Container, client: httpx.AsyncClient) -> World:
    """Two districts with streets, a park and branches; tokens for every role in each."""
    return await World.build(container, client)


def pytest_report_header() -> str:
    return f"lianjian test database backend: {BACKEND}"
