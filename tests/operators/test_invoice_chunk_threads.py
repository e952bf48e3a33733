"""The pieces the invoice workers share: the ledger under concurrent writers, the outage trip wire."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from puente.operators.invoicing import OUTAGE_AFTER, _Chunk
from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore

LEASE = timedelta(minutes=30)


def test_many_workers_run_the_whole_protocol_on_sqlite_without_database_is_locked(tmp_path):
    """6 threads x (claim, finish, note_attach_attempt, mark_attached): SQLite waits, never fails."""
    ledger = InvoiceLedger(StateStore(f"sqlite:///{tmp_path / 'state.db'}"))
    ids = [str(n) for n in range(150)]
    ledger.enqueue("t", "js", "run1", [{"order_id": i, "payload": {"id": i}} for i in ids])

    def work(worker: int) -> int:
        done = 0
        for order_id in ids:  # every worker tries every order: claims must stay exclusive
            row = ledger.claim("t", "js", order_id, f"run1/{worker}", lease=LEASE)
            if row is None:
                continue
            assert row["maybe_sent"] is False
            assert ledger.finish("t", "js", order_id, f"run1/{worker}", "invoiced", erp_doc_id=order_id)
            ledger.note_attach_attempt("t", "js", order_id)
            ledger.mark_attached("t", "js", order_id)
            done += 1
        return done

    with ThreadPoolExecutor(6) as pool:
        assert sum(pool.map(work, range(6))) == len(ids)
    rows = ledger.rows("t", "js")
    assert all(r["status"] == "invoiced" and r["attached"] and r["attempts"] == 1 for r in rows)


def test_claim_without_returning_support_behaves_the_same(state_url, monkeypatch):
    ledger = InvoiceLedger(StateStore(state_url))
    monkeypatch.setattr(ledger.engine.dialect, "update_returning", False)
    ledger.enqueue("t", "js", "run1", [{"order_id": "1", "payload": {"id": "1"}}])
    first = ledger.claim("t", "js", "1", "run1/0", lease=LEASE)
    assert first["maybe_sent"] is False and first["payload"] == {"id": "1"}
    assert ledger.claim("t", "js", "1", "other/0", lease=LEASE) is None
    again = ledger.claim("t", "js", "1", "run1/0", lease=LEASE)
    assert again["maybe_sent"] is True and again["attempts"] == 2


def test_transient_failures_in_a_row_trip_the_chunk_and_stop_handing_out_orders():
    chunk = _Chunk(["1", "2", "3", "4", "5", "6"])
    transient = {"category": "transient", "reason": "503"}
    for _ in range(OUTAGE_AFTER - 1):
        assert chunk.next_id() is not None
        chunk.record("error", transient)
    chunk.record("invoiced", {})  # a success in between resets the count
    assert chunk.outage is None
    for _ in range(OUTAGE_AFTER):
        chunk.record("error", transient)
    assert chunk.outage is not None and "503" in chunk.outage
    assert chunk.next_id() is None  # what was not started stays queued


def test_a_dead_worker_stops_the_others_from_starting_orders():
    chunk = _Chunk(["1", "2"])
    chunk.stop()
    assert chunk.next_id() is None


def test_attaching_pauses_when_the_channel_looks_down():
    chunk = _Chunk([])
    chunk.record_attach("failed")
    chunk.record_attach("attached")  # a success in between resets the count
    assert not chunk.attach_looks_down()
    for _ in range(OUTAGE_AFTER):
        chunk.record_attach("failed")
    assert chunk.attach_looks_down()
    assert chunk.outcomes["attach_failed"] == OUTAGE_AFTER + 1
