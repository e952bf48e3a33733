"""Tasks read their vendor connections from Airflow's metadata database, as in production.

Other real-DAG tests hand connections over as ``AIRFLOW_CONN_*`` variables, which any thread can
read. In a deployment (and in ``make demo``) connections live in the metadata database and reach
a task only through Airflow's task runner: code that looks a connection up from a worker thread
fails there and nowhere else, so this test keeps that path honest.
"""

from __future__ import annotations

import pytest
from dag_runs import run, window

from puente.factory import register_dags
from puente.state.store import StateStore
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_dbconn
name: Connections In The Database
country: CL
erp: {{vendor: bsale, conn_id: it_db_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_db_js}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 0, chunk_size: 100}}
"""


@pytest.fixture
def connections_in_db(airflow_db, bsale_sandbox, jumpseller_sandbox):
    from airflow.models import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    rows = [
        Connection(conn_id="it_db_bsale", conn_type="bsale", host=bsale_sandbox.base_url,
                   password=DEFAULT_ACCESS_TOKEN, extra='{"rate_limit_per_second": 0}'),
        Connection(conn_id="it_db_js", conn_type="jumpseller", host=jumpseller_sandbox.base_url,
                   login=DEFAULT_LOGIN, password=DEFAULT_AUTHTOKEN),
    ]
    ids = [row.conn_id for row in rows]
    with create_session() as session:
        session.execute(delete(Connection).where(Connection.conn_id.in_(ids)))
        session.add_all(rows)
    yield
    with create_session() as session:
        session.execute(delete(Connection).where(Connection.conn_id.in_(ids)))


def test_catalog_sync_and_invoicing_run_with_connections_from_the_metadata_db(
    connections_in_db, tmp_path, monkeypatch, catalog_scenario, order_scenario
):
    text = TENANT.format(office=catalog_scenario.sync_office_id, price_list=catalog_scenario.sync_price_list_id)
    (tmp_path / "it_dbconn.yaml").write_text(text)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    dags: dict = {}
    register_dags(dags)

    assert run(dags["it_dbconn__catalog_sync"]) == "success"
    catalog = StateStore().latest_report("it_dbconn", "catalog_sync")
    assert catalog["counts"]["pushed_stock"] + catalog["counts"]["pushed_price"] > 0

    assert run(dags["it_dbconn__invoicing"], **window(order_scenario)) == "failed"  # needs_attention: orders in error
    invoicing = StateStore().latest_report("it_dbconn", "invoicing")
    assert invoicing["counts"]["documents_created"] == len(order_scenario.invoiceable)
