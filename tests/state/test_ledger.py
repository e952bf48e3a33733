"""The ledger's state machine on SQLite and PostgreSQL: claims are exclusive, outcomes fenced."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore

LEASE = timedelta(minutes=30)


def orders(*ids):
    return [{"order_id": i, "payload": {"id": i}} for i in ids]


def test_new_orders_are_queued_and_processed_once(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ids, _ = ledger.enqueue("t", "js", "run1", orders("1", "2"))
    assert ids == ["1", "2"]
    row = ledger.claim("t", "js", "1", "run1/0", lease=LEASE)
    assert row["payload"] == {"id": "1"} and row["maybe_sent"] is False and row["attempts"] == 1
    assert ledger.finish("t", "js", "1", "run1/0", "invoiced", erp_doc_id="99", erp_doc_number="1001")
    again, reasons = ledger.enqueue("t", "js", "run2", orders("1", "2"))
    assert again == ["2"] and reasons["already_done"] == 1
    assert ledger.claim("t", "js", "1", "run2/0", lease=LEASE) is None


def test_a_claim_is_exclusive_under_concurrency(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("7"))
    with ThreadPoolExecutor(8) as pool:
        winners = [r for r in pool.map(lambda n: ledger.claim("t", "js", "7", f"w{n}", lease=LEASE), range(8)) if r]
    assert len(winners) == 1


def test_the_same_attempt_token_reclaims_its_pending_row_as_maybe_sent(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("1"))
    ledger.claim("t", "js", "1", "run1/3", lease=LEASE)  # then the worker dies
    assert ledger.claim("t", "js", "1", "other-run/0", lease=LEASE) is None  # lease still valid
    retried = ledger.claim("t", "js", "1", "run1/3", lease=LEASE)  # Airflow retries the same task
    assert retried["maybe_sent"] is True and retried["attempts"] == 2
    stale = ledger.claim("t", "js", "1", "late-run/0", lease=timedelta(0))
    assert stale is not None and stale["maybe_sent"] is True


def test_outcomes_are_fenced_by_the_claim(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("1"))
    ledger.claim("t", "js", "1", "zombie", lease=LEASE)
    ledger.claim("t", "js", "1", "successor", lease=timedelta(0))
    assert ledger.finish("t", "js", "1", "successor", "invoiced", erp_doc_id="5")
    assert not ledger.finish("t", "js", "1", "zombie", "error", reason="late")
    assert ledger.rows("t")[0]["status"] == "invoiced"


def test_errors_are_retried_only_when_transient_or_asked(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("1", "2"))
    for order_id, category in (("1", "unlinked_sku"), ("2", "transient")):
        ledger.claim("t", "js", order_id, "run1/0", lease=LEASE)
        ledger.finish("t", "js", order_id, "run1/0", "error", category=category, reason="x")
    ids, reasons = ledger.enqueue("t", "js", "run2", orders("1", "2"))
    assert ids == ["2"] and reasons["errors_kept"] == 1
    ids, _ = ledger.enqueue("t", "js", "run3", orders("1"), retry_errors=True)
    assert ids == ["1"]
    assert ledger.rows("t", order_ids=["1"])[0]["status"] == "queued"


def test_uncertain_rows_wait_for_a_person(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("1"))
    ledger.claim("t", "js", "1", "c", lease=LEASE)
    ledger.finish("t", "js", "1", "c", "uncertain", reason="maybe created")
    ids, reasons = ledger.enqueue("t", "js", "run2", orders("1"), retry_errors=True)
    assert ids == [] and reasons["needs_person"] == 1
    assert ledger.resolve("t", "js", "1", "invoiced", "found as folio 123 in Facto")
    assert ledger.rows("t")[0]["status"] == "invoiced"


def test_a_released_claim_is_taken_as_maybe_sent_and_the_old_holder_stays_fenced(state_url):
    ledger = InvoiceLedger(StateStore(state_url))
    ledger.enqueue("t", "js", "run1", orders("1"))
    ledger.claim("t", "js", "1", "run1/0", lease=LEASE)  # then the worker is killed
    assert not ledger.release("t", "js", "1", "someone-else/0", "wrong claim")  # fenced by the checked claim
    assert ledger.release("t", "js", "1", "run1/0", "its task failed in Airflow")
    row = ledger.rows("t")[0]
    assert (row["status"], row["claim"]) == ("pending", None)  # still "maybe sent"
    taken = ledger.claim("t", "js", "1", "run2/0", lease=LEASE)
    assert taken is not None and taken["maybe_sent"] is True
    assert not ledger.finish("t", "js", "1", "run1/0", "error", reason="zombie")
    assert not ledger.release("t", "js", "1", "run1/0", "twice")  # taken over in between: nothing released
