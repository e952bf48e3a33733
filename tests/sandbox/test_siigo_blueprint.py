"""The Siigo sandbox against Siigo's official API Blueprint (``siigo-api.apib``).

Three checks, all read from the Blueprint text (like ``test_openapi_conformance`` for Jumpseller):
every vendor route the sandbox serves is a documented ``[METHOD /path]``; real responses use only
field names of the documented data structure (and carry its ``required`` fields); every error code
the sandbox can answer is in the Blueprint's "Códigos de error" list, in its exact envelope.
Documented exceptions: invoice lines echo ``tax_base``/``taxpayer`` (the "productos de obsequio"
section), and ``GET /v1/invoices/{id}`` is checked against ``InvoiceOut`` plus the ``stamp``/``mail``
of ``InvoiceOutDian`` (the Blueprint's batch example shows both on a read invoice).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests

from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import create_app, run_siigo_sandbox
from vendor_specs import spec_or_skip

SPEC, pytestmark = spec_or_skip("siigo-api.apib", "Siigo API Blueprint")
SANDBOX_SRC = Path(__file__).resolve().parents[2] / "include" / "puente_sandbox" / "siigo"

ACTION = re.compile(r"^#{1,3}\s.*\[(GET|POST|PUT|DELETE)\s+(/[^\]\s]*)\]", re.M)
STRUCT = re.compile(r"^#{1,2}\s+([A-Za-z]+)\s*(?:\(object\))?\s*$")
FIELD = re.compile(r"^\+\s+`?([A-Za-z_][A-Za-z0-9_]*)`?(.*)$")
ERROR_CODE = re.compile(r"^## `([a-z_\-]+)`", re.M)


@cache
def blueprint() -> str:
    return SPEC.read_text(encoding="utf-8")


def normalize(path: str) -> str:
    """``/v1/products{?created_start}`` -> ``/v1/products``; ``{invoice_id}`` -> ``{}``; no query. The
    Blueprint's DELETE actions write their id as a literal ``id_`` (``[DELETE /v1/webhooks/id_]``):
    read as the placeholder it means."""
    path = re.sub(r"\{\?[^}]*\}", "", path).split("?")[0].rstrip("/")
    return re.sub(r"/id_$", "/{}", re.sub(r"\{[^}]*\}", "{}", path))


@cache
def documented_actions() -> set[tuple[str, str]]:
    return {(method, normalize(path)) for method, path in ACTION.findall(blueprint())}


@cache
def structures() -> dict[str, dict[str, bool]]:
    """``{"ProductOut": {"code": True (required), "reference": False, ...}, ...}``."""
    out: dict[str, dict[str, bool]] = {}
    current: dict[str, bool] | None = None
    for line in blueprint().splitlines():
        if line.startswith("#"):
            header = STRUCT.match(line)
            current = out.setdefault(header.group(1), {}) if header else None
            continue
        field = FIELD.match(line) if current is not None else None
        if field and current is not None:
            current[field.group(1)] = "required" in field.group(2).split(" - ")[0]
    return out


def assert_shape(record: dict[str, Any], *names: str, extra: frozenset[str] = frozenset()) -> None:
    fields: dict[str, bool] = {}
    for name in names:
        fields.update(structures()[name])
    unknown = set(record) - set(fields) - extra
    assert not unknown, f"{names}: fields the Blueprint does not define: {sorted(unknown)}"
    missing = {f for f, req in structures()[names[0]].items() if req} - set(record)
    assert not missing, f"{names[0]}: required fields missing: {sorted(missing)}"


@pytest.fixture(scope="module")
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture(scope="module")
def api(siigo: SandboxHandle) -> requests.Session:
    session = siigo.client()
    token = session.post(
        siigo.url("/auth"), json={"username": DEFAULT_SIIGO_USER, "access_key": DEFAULT_SIIGO_ACCESS_KEY}
    )
    assert token.status_code == 201
    assert_shape(token.json(), "TokenOut")
    session.headers["Authorization"] = token.json()["access_token"]
    return session


def test_parser_reads_the_blueprint() -> None:
    assert ("POST", "/auth") in documented_actions() and ("GET", "/v1/invoices/{}") in documented_actions()
    assert structures()["ProductOut"]["code"] is True and structures()["ProductOut"]["reference"] is False
    assert {"page", "page_size", "total_results"} == set(structures()["Pagination"])


def test_every_sandbox_route_is_documented() -> None:
    app = create_app(rate_limits=None)
    served = {
        (method, normalize(route.path))
        for route in app.router.routes
        if not route.path.startswith("/_sandbox")
        for method in getattr(route, "methods", set())
    }
    assert served and served <= documented_actions(), sorted(served - documented_actions())


def test_list_envelopes_and_records(siigo: SandboxHandle, api: requests.Session) -> None:
    for path, list_name, item_name in (
        ("/v1/products", "ProductsOutList", "ProductOut"),
        ("/v1/customers", "CustomersOutList", "CustomerOut"),
        ("/v1/invoices", "InvoicesOutList", "InvoiceOut"),
    ):
        page = api.get(siigo.url(path), params={"page": 2, "page_size": 5}, timeout=10).json()
        assert_shape(page, list_name)
        assert_shape(page["pagination"], "Pagination")
        assert set(page["_links"]) == {"previous", "self", "next"}
        for record in page["results"]:
            extra = frozenset({"stamp", "mail"}) if item_name == "InvoiceOut" else frozenset()
            assert_shape(record, item_name, "InvoiceOutDian" if extra else item_name, extra=extra)
    product = api.get(siigo.url("/v1/products"), timeout=10).json()["results"][0]
    assert_shape(product["taxes"][0], "TaxOut")
    assert_shape(product["prices"][0], "PriceOut")
    assert_shape(product["prices"][0]["price_list"][0], "PriceListOut")
    assert_shape(product["warehouses"][0], "WarehouseProduct")
    assert_shape(product["additional_fields"], "AdditionalFields")
    customer = api.get(siigo.url("/v1/customers"), timeout=10).json()["results"][0]
    assert_shape(customer["address"], "AddressOut")
    assert_shape(customer["address"]["city"], "CityOut")
    assert_shape(customer["contacts"][0], "Contact")
    assert_shape(customer["id_type"], "IdType")


def test_catalogs(siigo: SandboxHandle, api: requests.Session) -> None:
    for path, params, name in (
        ("/v1/taxes", {}, "Tax"),
        ("/v1/users", {}, "User"),
        ("/v1/warehouses", {}, "Warehouse"),
        ("/v1/cost-centers", {}, "CostCenter"),
        ("/v1/price-lists", {}, "PriceList"),
        ("/v1/payment-types", {"document_type": "FV"}, "PaymentTypes"),
        ("/v1/document-types", {"type": "FV"}, "DocumentTypeFV"),
    ):
        records = api.get(siigo.url(path), params=params, timeout=10).json()
        assert isinstance(records, list) and records, path  # documented as bare arrays
        for record in records:
            assert_shape(record, name)


def test_created_invoice_matches_invoice_out_dian(siigo: SandboxHandle, api: requests.Session) -> None:
    customer = next(c for c in siigo.store.customers if c["active"] and c["contacts"])
    body = {
        "document": {"id": 24446},
        "date": siigo.store.today().isoformat(),
        "customer": {"identification": customer["identification"], "branch_office": 0},
        "cost_center": 235,
        "seller": 629,
        "stamp": {"send": True},
        "mail": {"send": True},
        "items": [
            {"code": "SKU-0001", "quantity": 1, "price": 1000, "discount": 10, "taxes": [{"id": 13156}]},
            {
                "code": "OBSEQUIO-01",
                "quantity": 1,
                "price": 0,
                "tax_base": 5000,
                "taxpayer": "Company",
                "taxes": [{"id": 13156}],
            },
        ],
        "payments": [{"id": 5637, "value": 1071}],
    }
    answer = api.post(siigo.url("/v1/invoices"), json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    invoice = answer.json()
    assert_shape(invoice, "InvoiceOutDian")
    assert_shape(invoice["stamp"], "StampOutDian")
    assert_shape(invoice["mail"], "mailOutCustomer")
    assert_shape(invoice["customer"], "CustomerOutInvoice")
    assert_shape(invoice["metadata"], "Metadata")
    assert_shape(invoice["payments"][0], "PaymentOut")
    for line in invoice["items"]:
        assert_shape(line, "ItemOut", extra=frozenset({"tax_base", "taxpayer"}))
        assert_shape(line["taxes"][0], "TaxOutInvoice")
    assert_shape(invoice["items"][0]["discount"], "Discount")


def test_error_codes_and_envelope_are_the_blueprints(siigo: SandboxHandle, api: requests.Session) -> None:
    documented = set(ERROR_CODE.findall(blueprint()))
    source = "\n".join(p.read_text(encoding="utf-8") for p in SANDBOX_SRC.glob("*.py"))
    used = set(re.findall(r'(?:invalid|siigo_error|error_body)\(\s*(?:\d+,\s*)?"([a-z_\-]+)"', source))
    assert used and used <= documented, sorted(used - documented)
    example = re.search(r"```json\s*(\{.*?\})\s*```", blueprint(), re.S)
    assert example is not None and '"Errors"' in example.group(1)
    answer = api.get(siigo.url("/v1/invoices/unknown"), timeout=10).json()
    assert set(answer) == {"Status", "Errors"}
    assert set(answer["Errors"][0]) == set(re.findall(r'"(Code|Message|Params|Detail)"', example.group(1)))
