"""A backfill of the three days through Airflow's own backfill API gives the scheduled days' result.

``airflow backfill create`` (and the REST API) call ``airflow.models.backfill._create_backfill``:
it reads the serialized DAG from the metadata DB, asks the timetable for the runs between
``from_date`` and ``to_date`` (both *logical* dates, both inclusive; for the interval timetable a
run's logical date is the start of its Bogotá day) and creates them QUEUED, as BACKFILL_JOB runs.
So the range is given as Bogotá midnights: the CLI parses naive dates as UTC, and
``--to-date 2026-03-04`` (00:00 UTC, 19:00 Bogotá of the 3rd) would leave the 4th out.

No scheduler runs here: the test puts the tenant's DAG into the DB (a DagBag over ``dags/``, as
the DAG processor would), creates the backfill, then runs each backfill run's tasks in-process
through ``dag.test``, whose loop is handed that exact DagRun (``get_or_create_dagrun`` patched,
dag.test imports it from ``airflow.models.dagrun`` when called) instead of a manual run of its own.
Completion is marked by the scheduler's own step (``_mark_backfills_complete``).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from crm_data import BOGOTA, DAYS, KNOWN_CODES, bogota_day, crm_sandboxes, crm_tenant, new_deals, state

from puente.state.crm_ledger import CrmLedger
from puente.state.store import StateStore

pytestmark = pytest.mark.integration

TENANT = "it_crm_bf"  # its own DAG id: the scheduled-day tests' runs share the session's metadata DB


@pytest.fixture
def sandboxes():
    with crm_sandboxes() as pair:
        yield pair


@pytest.fixture
def crm_dag(tenant_from, sandboxes):
    return crm_tenant(tenant_from, sandboxes, TENANT)


def midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BOGOTA)


def dag_into_db() -> None:
    """What the DAG processor does: parse ``dags/`` (the tenant dir is the test's) and serialize."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db

    manager = DagBundlesManager()
    manager.sync_bundles_to_db()
    bundle = manager.get_bundle("dags-folder")
    bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
    assert f"{TENANT}__crm_sync" in bag.dags, bag.import_errors
    sync_bag_to_db(bag, bundle.name, None)


def backfill(dag_id: str, reprocess: str | None = None):
    from airflow.models.backfill import ReprocessBehavior, _create_backfill

    return _create_backfill(dag_id=dag_id, from_date=midnight(DAYS[0]), to_date=midnight(DAYS[-1]),
                            max_active_runs=10, reverse=False, dag_run_conf=None, triggering_user_name="test",
                            reprocess_behavior=ReprocessBehavior(reprocess) if reprocess else None)


def backfill_runs(backfill_id: int) -> list:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        runs = session.scalars(select(DagRun).where(DagRun.backfill_id == backfill_id)
                               .order_by(DagRun.logical_date)).all()
        session.expunge_all()
    return list(runs)


def run_backfill_run(dag, run) -> str:
    """Execute one backfill DagRun's tasks in-process: dag.test's loop, on that run and its interval."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.state import DagRunState

    def existing_run(*, dag, session, **_):
        dag_run = session.get(DagRun, run.id)
        dag_run.dag = dag
        dag_run.set_state(DagRunState.RUNNING)
        session.commit()
        return dag_run

    with mock.patch("airflow.models.dagrun.get_or_create_dagrun", existing_run):
        done = dag.test(logical_date=run.logical_date)
    assert done.id == run.id
    return state(done)


def mark_backfills_complete() -> None:
    from airflow.jobs.scheduler_job_runner import SchedulerJobRunner

    SchedulerJobRunner._mark_backfills_complete(SimpleNamespace(log=logging.getLogger("test")))


def run_reports() -> dict[str, dict]:
    return {r["run_id"]: r for r in StateStore().reports(TENANT, "crm_sync")}


def test_a_backfill_of_the_three_days_gives_the_scheduled_result_and_a_second_one_creates_nothing(
    crm_dag, sandboxes
) -> None:
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dag, owner_id = crm_dag
    siigo, escala = sandboxes
    invoices = {i["id"]: i for i in siigo.inspect_get("/_sandbox/invoices")}
    deals_before = {d["id"] for d in escala.inspect_get("/_sandbox/deals")}
    linked = {i for i, inv in invoices.items() if inv["seller"] == 629}
    dag_into_db()

    first = backfill(dag.dag_id)
    runs = backfill_runs(first.id)
    assert [(r.data_interval_start, r.data_interval_end) for r in runs] == [
        (midnight(day), midnight(day + timedelta(days=1))) for day in DAYS]  # one run per Bogotá day
    assert {(str(r.run_type), state(r)) for r in runs} == {("backfill", "queued")}
    for run in runs:
        assert run_backfill_run(dag, run) == "success"
    mark_backfills_complete()

    # the scheduled days' outcome (test_crm_sync_dag.py): every invoice once, by its Bogotá day
    reports = run_reports()
    windows = [[datetime.fromisoformat(w) for w in reports[r.run_id]["details"]["window"]] for r in runs]
    assert windows == [[midnight(d), midnight(d + timedelta(days=1))] for d in DAYS]
    per_run = [reports[r.run_id]["counts"]["invoices"] for r in runs]
    assert per_run == [sum(bogota_day(inv) == day for inv in invoices.values()) for day in DAYS] == [41, 40, 40]
    ledger = {row["invoice_id"]: row for row in CrmLedger().rows(TENANT)}
    assert set(ledger) == set(invoices)
    assert {i for i, row in ledger.items() if row["status"] == "synced"} == linked
    skipped = Counter(row["category"] for row in ledger.values() if row["status"] == "skipped")
    assert skipped == {"unlinked_seller": 30, "unknown_owner": 30}
    deals = {d["name"]: d for d in new_deals(escala, deals_before)}
    assert len(deals) == len(linked) == 61
    for invoice_id in linked:
        invoice, deal = invoices[invoice_id], deals[f"Factura {invoices[invoice_id]['name']}"]
        assert (Decimal(str(deal["value"])), deal["assignedTo"]) == (Decimal(str(invoice["total"])), owner_id)
        codes = {item["code"] for item in invoice["items"] if item["code"] in KNOWN_CODES}
        assert {p["code"] for p in deal["products"]["items"]} == codes
        assert ledger[invoice_id]["deal_id"] == deal["id"]
    contacts = len(escala.store.contacts)

    # the same range again without reprocessing: every day already has a successful run
    again = backfill(dag.dag_id)
    with create_session() as session:
        reasons = session.scalars(select(BackfillDagRun.exception_reason)
                                  .where(BackfillDagRun.backfill_id == again.id)).all()
        assert list(reasons) == ["already exists"] * 3
        session.get(Backfill, again.id).completed_at = first.created_at  # nothing to run: done

    # reprocessing completed runs clears the same three runs and runs them again: nothing twice
    second = backfill(dag.dag_id, reprocess="completed")
    rerun = backfill_runs(second.id)
    assert [r.id for r in rerun] == [r.id for r in runs]
    for run in rerun:
        assert run_backfill_run(dag, run) == "success"
    mark_backfills_complete()
    counts = [run_reports()[r.run_id]["counts"] for r in rerun]
    assert sum(c["already_synced"] for c in counts) == 61 and sum(c["skipped"] for c in counts) == 60
    assert sum(c["opportunities_created"] + c["contacts_created"] + c["opportunities_updated"] for c in counts) == 0
    assert len(new_deals(escala, deals_before)) == 61 and len(escala.store.contacts) == contacts
