"""The settlement rules: what each decision a person takes writes to the ledger row, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from puente.rules.settlement import SETTLED_BY_HAND, SettlementInvalid, plan_settlement

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def test_exists_in_the_erp_makes_the_row_invoiced_with_the_number_who_and_when():
    settled = plan_settlement("exists", by="airflow:ana", at=NOW, document=" B-881 ")
    assert settled.status == "invoiced"
    assert settled.values | {"reason": None} == {
        "status": "invoiced", "erp_doc_number": "B-881", "category": SETTLED_BY_HAND, "attached": True,
        "settled_by": "airflow:ana", "settled_at": NOW, "updated_at": NOW, "reason": None}
    assert settled.values["reason"] == "settled by airflow:ana: exists in the ERP as document B-881"
    assert settled.line("shop", "7", "js", "uncertain") == (
        "shop order 7 (js): uncertain -> invoiced as document B-881 (airflow:ana)")


def test_send_goes_back_to_the_queue_and_skip_keeps_its_reason():
    send = plan_settlement("send", by="cli:ana", at=NOW)
    assert (send.status, send.values["category"], send.values["settled_by"]) == ("queued", None, "cli:ana")
    skip = plan_settlement("skip", by="cli:ana", at=NOW, reason="cancelled by the buyer")
    assert skip.status == "skipped" and skip.values["reason"].endswith("skipped: cancelled by the buyer")
    assert "erp_doc_number" not in skip.values and "erp_doc_number" not in send.values


@pytest.mark.parametrize(("decision", "fields", "says"), [
    ("exists", {}, "needs the document number"),
    ("exists", {"document": "   "}, "needs the document number"),
    ("exists", {"document": "9" * 65}, "longer than 64"),
    ("exists", {"document": "88\n1"}, "control characters"),
    ("skip", {}, "needs a reason"),
    ("send", {"document": "881"}, "only goes with 'exists'"),
    ("invoiced", {}, "unknown decision"),
    ("skip", {"reason": "x" * 501}, "longer than 500"),
])
def test_what_cannot_be_recorded_is_one_line(decision, fields, says):
    with pytest.raises(SettlementInvalid, match=says) as refused:
        plan_settlement(decision, by="cli:ana", at=NOW, **fields)
    assert "\n" not in str(refused.value)


def test_nobody_settles_anonymously():
    with pytest.raises(SettlementInvalid, match="who decides"):
        plan_settlement("send", by=" ", at=NOW)
