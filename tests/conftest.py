"""Shared fixtures: one warehouse fixture parametrized over SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from warehouse.engine import dispose_engines

POSTGRES_URL = os.environ.get(
    "KUNDENSTAMM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("KUNDENSTAMM_REQUIRE_POSTGRES") == "1"
SAMPLES = Path(__file__).parent / "data" / "samples"


@pytest.fixture(autouse=True)
def _close_engines() -> Iterator[None]:
    yield
    dispose_engines()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty warehouse: a SQLite file, or a throw-away PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"ks_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
