"""Settling orders in the ledger: only error/uncertain rows, once, also when two people settle at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from puente.order_decisions import DecisionRefused, settle_order
from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore

LEASE = timedelta(minutes=30)


@pytest.fixture
def ledger(state_url) -> InvoiceLedger:
    ledger = InvoiceLedger(StateStore(state_url))
    ids = [str(i) for i in range(1, 6)]
    ledger.enqueue("shop", "js", "run1", [{"order_id": i, "payload": {"id": i}} for i in ids])
    for order_id, status in zip(ids, ["invoiced", "error", "uncertain", "uncertain", "error"], strict=True):
        ledger.claim("shop", "js", order_id, "run1/0", lease=LEASE)
        ledger.finish("shop", "js", order_id, "run1/0", status, reason="the ERP may have it",
                      **({"erp_doc_number": "1001"} if status == "invoiced" else {}))
    return ledger


def test_exists_settles_once_and_no_run_sends_it_again(ledger):
    line = settle_order("shop", "3", "exists", by="airflow:ana", document="B-77", ledger=ledger)
    assert line == "shop order 3 (js): uncertain -> invoiced as document B-77 (airflow:ana)"
    row = ledger.rows("shop", order_ids=["3"])[0]
    assert (row["status"], row["erp_doc_number"], row["settled_by"]) == ("invoiced", "B-77", "airflow:ana")
    assert row["settled_at"] is not None and row["attached"]
    with pytest.raises(DecisionRefused, match=r"is invoiced \(settled by airflow:ana at .*only error or uncertain"):
        settle_order("shop", "3", "send", by="cli:bo", ledger=ledger)
    ids, reasons = ledger.enqueue("shop", "js", "run2", [{"order_id": "3", "payload": {"id": "3"}}])
    assert ids == [] and reasons["already_done"] == 1
    assert ledger.rows("shop", order_ids=["3"])[0]["erp_doc_number"] == "B-77"  # the first answer stands


def test_send_and_skip_and_what_is_refused(ledger):
    assert settle_order("shop", "2", "send", by="cli:bo", ledger=ledger).endswith("error -> queued (cli:bo)")
    assert settle_order("shop", "4", "skip", by="cli:bo", reason="cancelled", ledger=ledger)
    assert [row["status"] for row in ledger.rows("shop", order_ids=["2", "4"])] == ["queued", "skipped"]
    for order_id, decision, fields, says in [
        ("1", "send", {}, "is invoiced: only error or uncertain"),
        ("2", "send", {}, "is queued"),
        ("404", "send", {}, "no such order"),
        ("5", "exists", {}, "needs the document number"),
        ("5", "skip", {}, "needs a reason"),
    ]:
        with pytest.raises(DecisionRefused, match=says):
            settle_order("shop", order_id, decision, by="cli:bo", ledger=ledger, **fields)
    assert ledger.rows("shop", order_ids=["5"])[0]["status"] == "error"  # a refused answer changes nothing


def test_two_people_settling_at_once_one_wins(ledger):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def settle(by: str, document: str) -> None:
        barrier.wait()
        try:
            outcomes.append(settle_order("shop", "5", "exists", by=by, document=document, ledger=ledger))
        except DecisionRefused as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=settle, args=(f"airflow:p{i}", f"D{i}")) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [line for line in outcomes if not line.startswith("refused")]
    assert len(won) == 1 and len(outcomes) == 2
    row = ledger.rows("shop", order_ids=["5"])[0]
    assert row["status"] == "invoiced" and won[0].endswith(f"as document {row['erp_doc_number']} ({row['settled_by']})")

