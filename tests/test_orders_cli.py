"""``puente orders``: the ledger is readable without SQL, and a person's decision is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from puente.cli import main
from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore

LEASE = timedelta(minutes=30)


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> InvoiceLedger:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setenv("PUENTE_STATE_URL", url)
    ledger = InvoiceLedger(StateStore(url))
    ledger.enqueue("shop", "js", "run1", [{"order_id": i, "payload": {"id": i}} for i in ("1", "2", "3")])
    for order_id, status, fields in [
        ("1", "invoiced", {"erp_doc_id": "9", "erp_doc_number": "1001"}),
        ("2", "error", {"category": "unlinked_sku", "reason": "product not synced: X"}),
        ("3", "uncertain", {"reason": "the ERP may have created the document"}),
    ]:
        ledger.claim("shop", "js", order_id, "run1/0", lease=LEASE)
        ledger.finish("shop", "js", order_id, "run1/0", status, **fields)
    return ledger


def test_list_shows_status_category_and_reason(ledger, capsys):
    assert main(["orders", "list", "shop", "--status", "error", "--status", "uncertain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:4] == ["channel", "order_id", "status", "category"]
    assert [line.split("\t")[1:4] for line in lines[1:]] == [["2", "error", "unlinked_sku"], ["3", "uncertain", ""]]
    assert lines[1].endswith("product not synced: X")


def test_resolve_retry_hands_the_order_back_to_the_next_run(ledger):
    assert main(["orders", "resolve", "shop", "3", "--as", "retry", "--reason", "not in Facto"]) == 0
    row = ledger.rows("shop", order_ids=["3"])[0]
    assert (row["status"], row["category"]) == ("queued", None) and "not in Facto" in row["reason"]
    ids, _ = ledger.enqueue("shop", "js", "run2", [{"order_id": "3", "payload": {"id": "3"}}])
    assert ids == ["3"]


def test_resolve_skipped_settles_an_error_and_refuses_finished_orders(ledger, capsys):
    assert main(["orders", "resolve", "shop", "2", "--as", "skipped", "--reason", "invoiced by hand"]) == 0
    assert ledger.rows("shop", order_ids=["2"])[0]["status"] == "skipped"
    assert main(["orders", "resolve", "shop", "1", "--as", "retry", "--reason", "oops"]) == 1
    assert "only error or uncertain" in capsys.readouterr().err
    assert ledger.rows("shop", order_ids=["1"])[0]["status"] == "invoiced"
    assert main(["orders", "resolve", "shop", "404", "--as", "retry", "--reason", "x"]) == 1


def test_settle_exists_records_the_document_and_who_and_refuses_a_second_settlement(ledger, capsys):
    assert main(["orders", "settle", "shop", "3", "--exists", "F-2210", "--by", "cli:ana"]) == 0
    assert capsys.readouterr().out.strip() == "shop order 3 (js): uncertain -> invoiced as document F-2210 (cli:ana)"
    row = ledger.rows("shop", order_ids=["3"])[0]
    assert (row["status"], row["erp_doc_number"], row["settled_by"]) == ("invoiced", "F-2210", "cli:ana")
    assert main(["orders", "settle", "shop", "3", "--send"]) == 1
    assert "only error or uncertain orders can be settled" in capsys.readouterr().err
    assert main(["orders", "settle", "shop", "2", "--skip"]) == 1  # a skip needs a reason
    assert "needs a reason" in capsys.readouterr().err
    assert main(["orders", "settle", "shop", "2", "--skip", "--reason", "test order"]) == 0
    assert ledger.rows("shop", order_ids=["2"])[0]["status"] == "skipped"


def test_cli_decisions_land_in_the_consoles_action_log(ledger, capsys):
    from puente.state.action_log import ActionLog

    assert main(["orders", "settle", "shop", "3", "--exists", "F-2210", "--by", "cli:ana"]) == 0
    assert main(["orders", "settle", "shop", "3", "--send", "--by", "cli:ana"]) == 1
    assert main(["orders", "resolve", "shop", "2", "--as", "retry", "--reason", "SKU fixed"]) == 0
    rows = ActionLog().rows("shop")  # newest first
    assert [(row["action"], row["subject"], row["outcome"]) for row in rows] == [
        ("retry", "2", "done"), ("settle", "3", "refused"), ("settle", "3", "done")]
    assert rows[2]["actor"] == "cli:ana" and "invoiced as document F-2210" in rows[2]["detail"]["result"]
    assert "only error or uncertain" in rows[1]["detail"]["reason"]
    assert rows[0]["actor"].startswith("cli:") and rows[0]["detail"]["request"]["reason"] == "SKU fixed"
