"""The three invoicing sandboxes together: the order scenario's promises hold against Bsale's rules.

A minimal reference invoicer (read paid orders from Jumpseller, drop zero-priced lines, post one
Bsale document per order with ``dispatch: 1`` and ``salesId``) must succeed for exactly the
``invoiceable`` orders and fail with exactly ``bsale_errors`` for the others; with lost responses
injected, retrying with the same ``salesId`` still yields exactly one document per order.
"""

from __future__ import annotations

from typing import Any

import requests

from puente_sandbox import InvoicingSandboxes, OrderScenario, rut, start_invoicing_sandboxes
from puente_sandbox.facto.client import emitir, envelope


def paid_orders(stack: InvoicingSandboxes) -> list[dict[str, Any]]:
    api, found = stack.jumpseller.client(), []
    for page in range(1, 1000):  # bounded: a sandbox that never ends its pages fails, not hangs
        url = stack.jumpseller.url("/v1/orders/status/paid.json")
        batch = api.get(url, params={"page": page, "limit": 100}, timeout=10).json()
        found += [item["order"] for item in batch]
        if len(batch) < 100:
            return found
    raise AssertionError("paid orders paging never ended")


def bsale_body(order: dict[str, Any], office_id: int) -> dict[str, Any] | None:
    lines = [p for p in order["products"] if p["price"] > 0]
    if not lines:
        return None
    details = [
        {"code": p["sku"], "quantity": p["qty"], "netUnitValue": round(p["price"] / 1.19, 4), "taxId": "[1]"}
        for p in lines
    ]
    if order["shipping"] > 0:
        net = round(order["shipping"] / 1.19, 4)
        details.append({"comment": "Despacho", "quantity": 1, "netUnitValue": net, "taxId": "[1]"})
    body: dict[str, Any] = {"officeId": office_id, "dispatch": 1, "declareSii": 1, "salesId": f"JS-{order['id']}"}
    taxid = order["billing_address"]["taxid"]
    body["codeSii"] = 33 if taxid else 39
    if taxid:
        billing, info = order["billing_address"], order["billing_information"]
        body["client"] = {
            "code": rut.normalize(taxid),
            "company": info["company_name"],
            "activity": info["business_activity"],
            "address": f"{billing['address']} {billing['street_number'] or ''}".strip(),
            "municipality": billing["municipality"],
            "city": billing["city"],
            "companyOrPerson": 1,
        }
    return {**body, "details": details}


def invoice_all(stack: InvoicingSandboxes, retries: int = 0) -> tuple[dict[int, dict], dict[int, str], list[int]]:
    api, url = stack.bsale.client(), stack.bsale.url("/v1/documents.json")
    done: dict[int, dict] = {}
    failed: dict[int, str] = {}
    skipped: list[int] = []
    for order in paid_orders(stack):
        body = bsale_body(order, stack.orders.office_id)
        if body is None:
            skipped.append(order["id"])
            continue
        for _ in range(retries + 1):
            try:
                response = api.post(url, json=body, timeout=10)
            except requests.exceptions.RequestException:
                continue
            if response.status_code == 201:
                done[order["id"]] = response.json()
                break
            if response.status_code == 400:
                failed[order["id"]] = response.json()["error"]
                break
    return done, failed, skipped


def test_reference_invoicer_matches_the_scenario_categories() -> None:
    with start_invoicing_sandboxes(jumpseller_rate_limits=None) as stack:
        scenario: OrderScenario = stack.orders
        done, failed, skipped = invoice_all(stack)
        assert sorted(done) == scenario.invoiceable
        assert failed == scenario.bsale_errors
        assert sorted(skipped) == scenario.zero_value
        for order_id, document in done.items():
            order = scenario.order(order_id)
            gross = sum(p["price"] * p["qty"] for p in order["products"]) + order["shipping"]
            assert abs(document["totalAmount"] - gross) <= len(order["products"]) + 1
        facturas = [d for i, d in done.items() if i in scenario.factura]
        assert facturas and all(d["document_type"]["id"] == "2" for d in facturas)

        # link the first invoice back to its Jumpseller order, and emit a boleta at Facto too
        first_id, first_doc = next(iter(done.items()))
        link = {"document_type": 1, "external_id": str(first_doc["id"]), "public_id": str(first_doc["number"])}
        linked = stack.jumpseller.client().post(
            stack.jumpseller.url(f"/v1/orders/{first_id}/documents.json"), json={"document": {**link}}, timeout=10
        )
        assert linked.status_code == 200
        assert stack.facto is not None
        header = {"tipo_dte": 39, "fecha_emision": "2024-06-01", "condiciones_pago": "0"}
        header["identificador_externo_doc"] = f"JS-{first_id}"
        order = scenario.order(first_id)
        lines = [
            {"cantidad": p["qty"], "glosa": p["name"], "monto_unitario": int(p["price"]), "exento_afecto": 1}
            for p in order["products"]
        ]
        total = sum(int(p["price"]) * p["qty"] for p in order["products"])
        _, result = emitir(
            stack.facto.client(),
            stack.facto.url("/documento.php"),
            envelope(header, lines, {"total_final": total}, opciones={"valores_brutos": 1}),
        )
        assert result["status"] == 0 and result["encabezado"]["identificador_externo_doc"] == f"JS-{first_id}"


def test_lost_responses_and_sales_id_retries_give_one_document_per_order() -> None:
    faults = {"lost_response_rate": 0.3, "seed": 11}
    with start_invoicing_sandboxes(n_orders=60, seed=3, jumpseller_rate_limits=None, with_facto=False) as stack:
        stack.bsale.set_faults(**faults)
        done, failed, _ = invoice_all(stack, retries=8)
        stack.bsale.clear_faults()
        assert sorted(done) == stack.orders.invoiceable and failed == stack.orders.bsale_errors
        assert stack.bsale.counters()["faults_injected"]["lost_response"] > 0
        documents = stack.bsale.inspect_get("documents")
        sales_ids = [d["salesId"] for d in documents]
        assert len(sales_ids) == len(set(sales_ids)) == len(done)
