"""Incident rules: open once, quiet while open, clear once, and only within what the run can see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from puente.rules.incidents import Observation, compose, decide, quiet_sources

SCOPE = ("orders_need_person/invoicing", "vendor_outage/invoicing/", "config_error/")


def need(count: int) -> Observation:
    return Observation("orders_need_person", "invoicing", count, samples=("order 1: SKU X unknown",))


def test_a_new_problem_opens_once_then_stays_quiet_then_clears_once() -> None:
    first = decide([], [need(5)], SCOPE)
    assert [o.key for o in first.opened] == ["orders_need_person/invoicing"] and not first.cleared
    second = decide(["orders_need_person/invoicing"], [need(5)], SCOPE)
    assert not second.opened and not second.cleared and [o.count for o in second.ongoing] == [5]
    more = decide(["orders_need_person/invoicing"], [need(7)], SCOPE)  # a count that grows is still one incident
    assert not more.opened and not more.cleared
    fixed = decide(["orders_need_person/invoicing"], [need(0)], SCOPE)
    assert fixed.cleared == ("orders_need_person/invoicing",) and not fixed.opened


def test_a_run_clears_only_what_it_can_observe() -> None:
    open_keys = ["vendor_outage/catalog_sync/jumpseller_a", "config_error/acme.yaml", "vendor_outage/invoicing/bsale"]
    decision = decide(open_keys, [], SCOPE)
    assert decision.cleared == ("config_error/acme.yaml", "vendor_outage/invoicing/bsale")


def test_an_observation_outside_the_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        decide([], [Observation("vendor_outage", "catalog_sync/x", 1)], SCOPE)


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown incident kind"):
        _ = Observation("coffee_machine", "x", 1).key


def test_a_source_is_quiet_after_the_tenants_threshold_or_when_it_never_sent() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    found = quiet_sources({"bsale": now - timedelta(hours=3), "jumpseller": now - timedelta(minutes=5), "ml": None},
                          now, timedelta(hours=2))
    assert {o.subject: o.count for o in found} == {"bsale": 1, "jumpseller": 0, "ml": 1}
    assert "never" in next(o.summary for o in found if o.subject == "ml")


def test_the_opening_message_names_tenant_kind_count_reasons_and_console_path() -> None:
    samples = [f"order {n} on js: [unlinked_sku] SKU 'X-{n}' is not in Bsale" for n in range(7)]
    message = compose("andes", "Andes SpA", "opened", "orders_need_person", "invoicing", count=7,
                      samples=samples, console_path="/puente/api/attention?tenant=andes")
    assert "Andes SpA" in message.subject and "(7)" in message.subject
    assert "SKU 'X-0' is not in Bsale" in message.text and "X-6" not in message.text and "2 more" in message.text
    assert "/puente/api/attention?tenant=andes" in message.text


def test_hostile_reasons_are_flattened_capped_and_escaped() -> None:
    reason = "<script>alert(1)</script>\r\nBcc: evil@x.io " + "x" * 5000
    message = compose("andes", "Andes\r\nBcc: a@b.c", "opened", "vendor_outage", "invoicing/bsale", count=1,
                      samples=[reason])
    assert "\n" not in message.subject and "\r" not in message.subject
    assert all(len(line) <= 310 for line in message.text.splitlines())
    assert "<script>" not in message.html() and "&lt;script&gt;" in message.html()


def test_the_clearing_message_says_it_is_over() -> None:
    message = compose("andes", "Andes SpA", "cleared", "orders_need_person", "invoicing")
    assert message.subject.startswith("[Puente] Andes SpA: cleared")
