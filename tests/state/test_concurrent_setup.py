"""Two processes setting up at once on the real PostgreSQL server (hardening finding 5b).

Before the fix: processes starting together on an empty database died with ``UniqueViolation`` in
``metadata.create_all``, and two collect steps enqueuing the same orders with ``invoice_ledger_pkey``.
"""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore
from puente.state.tables import invoice_ledger, metadata

PROCESSES = 4
ROUNDS = 3


def _open_store(url: str, barrier, failures) -> None:
    barrier.wait(timeout=60)  # every process past its imports, then all create the schema together
    try:
        StateStore(url)
    except Exception as exc:  # reported to the parent, which fails the test with it
        failures.put(f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")


@pytest.mark.postgres
def test_processes_creating_the_schema_at_once_all_start(new_postgres_schema):
    context = multiprocessing.get_context("spawn")  # real processes, each with its own engine
    for _ in range(ROUNDS):
        url = new_postgres_schema()
        barrier, failures = context.Barrier(PROCESSES), context.Queue()
        workers = [context.Process(target=_open_store, args=(url, barrier, failures)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        errors = [failures.get() for _ in range(failures.qsize())] if not failures.empty() else []
        assert errors == [] and [worker.exitcode for worker in workers] == [0] * PROCESSES
        with sa.create_engine(url).connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
        assert set(metadata.tables) <= present


def _orders(ids):
    return [{"order_id": order_id, "payload": {"id": order_id}} for order_id in ids]


@pytest.mark.postgres
@pytest.mark.parametrize("reverse", [False, True], ids=["same-order", "opposite-order"])
def test_two_collect_steps_enqueuing_the_same_orders_both_succeed(new_postgres_schema, reverse):
    url = new_postgres_schema()
    StateStore(url)  # the schema exists; the race here is the rows
    ids = [f"{n:04d}" for n in range(300)]
    barrier, results, errors = threading.Barrier(2), {}, []

    def collect(run_id: str, order_ids: list[str]) -> None:
        ledger = InvoiceLedger(StateStore(url))
        barrier.wait(timeout=30)
        try:
            results[run_id] = ledger.enqueue("t", "js", run_id, _orders(order_ids))[0]
        except Exception as exc:
            errors.append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")

    runs = [threading.Thread(target=collect, args=("manual", ids)),
            threading.Thread(target=collect, args=("scheduled", ids[::-1] if reverse else ids))]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)
    assert errors == []
    assert results["manual"] == ids and results["scheduled"] == (ids[::-1] if reverse else ids)
    with sa.create_engine(url).connect() as conn:
        rows = conn.execute(sa.select(invoice_ledger.c.order_id, invoice_ledger.c.status)).all()
    assert sorted(rows) == [(order_id, "queued") for order_id in ids]
    ledger = InvoiceLedger(StateStore(url))  # the claim still gives each order to one run only
    claimed = [order_id for order_id in ids for token in ("manual/0", "scheduled/0")
               if ledger.claim("t", "js", order_id, token, lease=timedelta(minutes=30))]
    assert claimed == ids


def test_an_order_listed_twice_is_enqueued_once(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    listed = [*_orders(["1", "2"]), {"order_id": "1", "payload": {"id": "1", "seen": "again"}}]
    ids, _ = ledger.enqueue("t", "js", "run1", listed)
    assert ids == ["1", "2"]
    assert ledger.rows("t", "js", order_ids=["1"])[0]["payload"] == {"id": "1", "seen": "again"}
