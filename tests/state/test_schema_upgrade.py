"""A database made by an earlier release gains the columns this release added, data kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from puente.state.schema import add_missing_columns, create_tables
from puente.state.tables import metadata


def _old_sku_link(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(
            "CREATE TABLE sku_link (tenant VARCHAR(64) NOT NULL, channel VARCHAR(250) NOT NULL, "
            "sku VARCHAR(255) NOT NULL, status VARCHAR(20) NOT NULL, reason TEXT, source_id VARCHAR(64), "
            "product_id VARCHAR(64), variant_id VARCHAR(64), updated_at TIMESTAMP NOT NULL, "
            "PRIMARY KEY (tenant, channel, sku))"))
        conn.execute(sa.text("INSERT INTO sku_link VALUES ('acme', 'js', 'A1', 'linked', NULL, '7', '70', NULL, "
                             "'2026-01-01 00:00:00')"))


def _columns(engine: sa.Engine, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns(table)}


@pytest.fixture
def empty_engine(state_url):
    engine = sa.create_engine(state_url)
    yield engine
    engine.dispose()


def test_an_old_table_gains_the_new_nullable_columns_and_keeps_its_rows(empty_engine):
    _old_sku_link(empty_engine)
    create_tables(empty_engine, metadata, "state")
    assert {"listing_sku", "match"} <= _columns(empty_engine, "sku_link")
    assert {"sku_overrides", "override_by"} <= _columns(empty_engine, "invoice_ledger")
    with empty_engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT sku, product_id, match FROM sku_link")).all()
    assert rows == [("A1", "70", None)]
    create_tables(empty_engine, metadata, "state")  # a second start changes nothing


def test_a_missing_required_column_is_named_not_guessed(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE run_report (id INTEGER PRIMARY KEY)"))
    with engine.begin() as conn, pytest.raises(RuntimeError, match="run_report lacks the required column tenant"):
        add_missing_columns(conn, metadata)
