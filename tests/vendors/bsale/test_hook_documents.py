"""BsaleHook documents against the Bsale sandbox: salesId idempotency and verbatim business errors."""

from __future__ import annotations

from typing import Any

import pytest

from puente.hooks.errors import NotFound, PermanentError, TransientError
from puente.vendors.bsale.hook import BsaleHook
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN


class FastBsale(BsaleHook):
    backoff_base = 0.01
    backoff_max = 0.02


@pytest.fixture
def hook(bsale_sandbox, set_conn, limiter) -> FastBsale:
    set_conn("bsale_docs", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    return FastBsale("bsale_docs", limiter=limiter)


def _skus(sandbox, **flags: int) -> list[str]:
    """SKUs of active plain products whose catalog flags match, from the sandbox's inspection route."""
    wanted = {"unlimited_stock": 0, "allow_negative_stock": 0, "serial_number": 0, **flags}
    return [
        item["sku"]
        for item in sandbox.inspect_get("catalog")
        if item["classification"] == 0 and item["state"] == 0 and all(item[k] == v for k, v in wanted.items())
    ]


def boleta(sku: str, *, quantity: int = 1, dispatch: int = 0, sales_id: str | None = "JS-1001") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "codeSii": 39,
        "officeId": 1,
        "emissionDate": 1717200000,
        "declareSii": 1,
        "dispatch": dispatch,
        "details": [{"code": sku, "quantity": quantity, "netUnitValue": 10000, "taxId": "[1]"}],
    }
    if sales_id is not None:
        payload["salesId"] = sales_id
    return payload


def test_create_read_and_list_documents(hook, bsale_sandbox) -> None:
    sku = _skus(bsale_sandbox)[0]
    created = hook.create_document(boleta(sku))
    assert created["salesId"] == "JS-1001" and created["number"] >= 1
    assert hook.create_document(boleta(sku))["id"] == created["id"]  # re-send: the same document
    assert hook.get_document(created["id"])["number"] == created["number"]
    expanded = hook.get_document(created["id"], expand=["details"])
    assert expanded["details"]["items"][0]["variant"]["code"] == sku
    assert [d["id"] for d in hook.iter_documents(codesii=39)] == [created["id"]]
    assert list(hook.iter_documents(codesii=33)) == []
    types = hook.list_document_types()
    assert {"33", "39"} <= {t["codeSii"] for t in types}
    assert [t["codeSii"] for t in hook.list_document_types(codesii=33)] == ["33"]
    with pytest.raises(NotFound):
        hook.get_document(999_999)


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_sales_id_post_is_retried_through_lost_responses_into_one_document(hook, bsale_sandbox, mode) -> None:
    # seed 7 at 60 %: the first two POSTs are committed but their answers lost, the third arrives.
    bsale_sandbox.set_faults(lost_response_rate=0.6, lost_response_mode=mode, seed=7)
    document = hook.create_document(boleta(_skus(bsale_sandbox)[0], sales_id="JS-2002"))
    writes = bsale_sandbox.writes()
    assert [w["lost"] for w in writes] == [True, True, False] and hook.retries == 2
    assert all(w["route"] == "POST /v1/documents.json" and w["status"] == 201 for w in writes)
    stored = bsale_sandbox.inspect_get("documents")
    assert len(stored) == 1 and stored[0]["salesId"] == "JS-2002"
    assert document["id"] == stored[0]["id"]


def test_post_without_sales_id_is_uncertain_and_sent_once(hook, bsale_sandbox) -> None:
    bsale_sandbox.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as caught:
        hook.create_document(boleta(_skus(bsale_sandbox)[0], sales_id=None))
    assert caught.value.uncertain is True and hook.retries == 0
    assert len(bsale_sandbox.writes()) == 1 and len(bsale_sandbox.inspect_get("documents")) == 1


def test_blank_sales_id_is_not_an_idempotency_key(hook, bsale_sandbox) -> None:
    bsale_sandbox.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as caught:
        hook.create_document(boleta(_skus(bsale_sandbox)[0], sales_id="  "))
    assert caught.value.uncertain is True and len(bsale_sandbox.writes()) == 1


def test_business_errors_are_permanent_with_bsale_words(hook, bsale_sandbox) -> None:
    plain = _skus(bsale_sandbox)
    empty, short = plain[0], plain[1]
    bsale_sandbox.inspect_post("stock", {"sku": empty, "office_id": 1, "available": 0})
    bsale_sandbox.inspect_post("stock", {"sku": short, "office_id": 1, "available": 2})
    serial = _skus(bsale_sandbox, serial_number=1)[0]
    factura_without_client = {**boleta(empty, sales_id="JS-4"), "codeSii": 33}
    too_few = "There is a problem with the available quantity for your products"
    cases = [
        (boleta(empty, dispatch=1, sales_id="JS-1"), f"There is no stock for this products: {empty}"),
        (boleta(short, quantity=5, dispatch=1, sales_id="JS-2"), too_few),
        (boleta(serial, dispatch=1, sales_id="JS-3"), "Use 'comment' to especify the serie of detailid to dispatch."),
        (factura_without_client, "client attribute required : code,activity,address,city,municipality"),
    ]
    for payload, message in cases:
        with pytest.raises(PermanentError) as refused:
            hook.create_document(payload)
        assert refused.value.status == 400
        assert refused.value.vendor_message == message  # verbatim, for run reports and ledgers
        assert message in str(refused.value)
    assert hook.retries == 0 and len(bsale_sandbox.writes()) == len(cases)  # salesId or not: never retried
    assert bsale_sandbox.inspect_get("documents") == []
