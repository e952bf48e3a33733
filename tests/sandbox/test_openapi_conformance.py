"""The Jumpseller sandbox's real responses validate against Jumpseller's official OpenAPI spec.

Schemas come from ``responses`` of each operation (``$ref`` resolved to
``#/components/schemas/...``, OpenAPI 3.0 ``nullable`` translated to JSON-schema types). They are
made *strict*: ``additionalProperties: false`` on every object, so a field name the spec does not
know (a typo, a wrong casing, an invented field) fails too. Negative tests prove the check bites.

Orders and order documents are checked with every field nullable: the spec's introduction says
"all empty values are replaced with null" and a real order webhook payload carries nulls in
``coupons``, ``taxid``, ``pickup_address``, ``billing_information``, the tracking fields, ...,
none of which the spec marks ``nullable``. One spec bug is patched: ``DocumentFields.document_type``
is ``type: integer`` with the enum ``["0 - credit note", "1 - invoice"]`` (labels, which no integer
can match); the enum becomes ``[0, 1]``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import jsonschema
import pytest
import requests

from puente_sandbox import CatalogScenario, OrderScenario, SandboxHandle
from vendor_specs import spec_or_skip

SPEC_PATH, pytestmark = spec_or_skip("jumpseller-openapi.json", "Jumpseller OpenAPI spec")


SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")


def to_json_schema(node: Any, *, strict: bool, nullable_all: bool = False) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema (2020-12), recursively.

    Keys of ``properties`` are field names, not keywords (the spec has fields called ``type`` and
    ``required``), so those maps are walked value by value. ``nullable_all`` treats every schema
    with a type or a ``$ref`` as ``nullable: true``.
    """
    if isinstance(node, list):
        return [to_json_schema(item, strict=strict, nullable_all=nullable_all) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {
                name: to_json_schema(sub, strict=strict, nullable_all=nullable_all) for name, sub in value.items()
            }
        else:
            out[key] = to_json_schema(value, strict=strict, nullable_all=nullable_all)
    if not isinstance(out.get("required", []), list):
        del out["required"]  # the spec has a property-level ``"required": false`` (OpenAPI 2 habit)
    if nullable_all and ("type" in out or "$ref" in out):
        out["nullable"] = True
    if out.pop("nullable", False) is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out:
            out = {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
    if strict and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def schema_map(schemas: dict[str, Any], *, strict: bool, nullable_all: bool = False) -> dict[str, Any]:
    return {
        name: to_json_schema(schema, strict=strict, nullable_all=nullable_all) for name, schema in schemas.items()
    }


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def patched_schemas() -> dict[str, Any]:
    schemas = copy.deepcopy(spec()["components"]["schemas"])
    for name in ("DocumentFields", "DocumentFieldsToUpdate"):
        schemas[name]["properties"]["document_type"]["enum"] = [0, 1]
    return schemas


@cache
def components(strict: bool = True, nullable_all: bool = False) -> dict[str, Any]:
    return schema_map(patched_schemas(), strict=strict, nullable_all=nullable_all)


def validator_for(
    schema: dict[str, Any], *, strict: bool = True, nullable_all: bool = False
) -> jsonschema.Draft202012Validator:
    root = {
        **to_json_schema(schema, strict=strict, nullable_all=nullable_all),
        "components": {"schemas": components(strict, nullable_all)},
    }
    return jsonschema.Draft202012Validator(root)


def response_schema(path: str, method: str, status: int) -> dict[str, Any]:
    operation = spec()["paths"][path][method]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def assert_conforms(body: Any, path: str, method: str, status: int, *, nullable_all: bool = False) -> None:
    check = validator_for(response_schema(path, method, status), nullable_all=nullable_all)
    errors = sorted(check.iter_errors(body), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def api(jumpseller_sandbox: SandboxHandle) -> requests.Session:
    return jumpseller_sandbox.client()


@pytest.fixture
def ids(catalog_scenario: CatalogScenario) -> dict[str, int]:
    with_variants = next(p for p in catalog_scenario.jumpseller.products if p.variants)
    simple = next(p for p in catalog_scenario.jumpseller.products if not p.variants)
    return {"simple": simple.id, "parent": with_variants.id, "variant": with_variants.variants[0].id}


def test_translation_of_nullable_and_strictness() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "number", "nullable": True}, "required": {"type": "boolean"}},
    }
    check = validator_for(schema)
    assert check.is_valid({"a": None}) and check.is_valid({"a": 1.5, "required": True})
    assert not check.is_valid({"a": "x"}) and not check.is_valid({"b": 1})
    assert not check.is_valid({"required": "yes"})  # a field named like a keyword stays a field
    assert validator_for(schema, strict=False).is_valid({"b": 1})
    spec_nullable = components()["ProductOptionFields"]["properties"]["addon_price"]
    assert spec_nullable["type"] == ["number", "null"]


def test_product_list_count_and_get(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, ids: dict
) -> None:
    listed = api.get(jumpseller_sandbox.url("/v1/products.json"), params={"limit": 100}, timeout=10)
    assert listed.status_code == 200 and any(item["product"]["variants"] for item in listed.json())
    assert_conforms(listed.json(), "/products.json", "get", 200)
    count = api.get(jumpseller_sandbox.url("/v1/products/count.json"), timeout=10).json()
    assert_conforms(count, "/products/count.json", "get", 200)
    for key in ("simple", "parent"):
        body = api.get(jumpseller_sandbox.url(f"/v1/products/{ids[key]}.json"), timeout=10).json()
        assert set(body) == {"product"}
        assert_conforms(body, "/products/{id}.json", "get", 200)


def test_product_put(api: requests.Session, jumpseller_sandbox: SandboxHandle, ids: dict) -> None:
    url = jumpseller_sandbox.url(f"/v1/products/{ids['simple']}.json")
    body = api.put(
        url, json={"product": {"stock": 3, "price": 100, "stock_unlimited": False}}, timeout=10
    ).json()
    assert_conforms(body, "/products/{id}.json", "put", 200)


def test_product_post(api: requests.Session, jumpseller_sandbox: SandboxHandle) -> None:
    body = {"product": {"name": "Nuevo", "price": 990, "sku": "NEW-1", "stock": 2, "stock_unlimited": False,
                        "status": "available", "variants": [
                            {"variant": {"price": 990, "sku": "NEW-1-S", "stock": 2, "stock_unlimited": False,
                                         "options": [{"name": "Talla", "option_type": "option", "value": "S"}]}}]}}
    request_schema = spec()["paths"]["/products.json"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert validator_for(request_schema).is_valid(body)  # what the import hook sends is the spec's shape
    response = api.post(jumpseller_sandbox.url("/v1/products.json"), json=body, timeout=10)
    assert response.status_code == 200
    assert_conforms(response.json(), "/products.json", "post", 200)


def test_the_import_payloads_are_the_specs_product_create() -> None:
    from decimal import Decimal

    from puente.rules.catalog_import import ImportProduct, ImportVariant
    from puente.vendors.jumpseller.catalog_import import product_payload

    request_schema = spec()["paths"]["/products.json"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    check = validator_for(request_schema)
    simple = ImportProduct("1", "Taza", (ImportVariant("MUG", "1", 2, False, Decimal(4990)),))
    polo = ImportProduct("2", "Polo", (ImportVariant("P-S", "2", 1, False, Decimal(9990), "Talla", "S"),
                                       ImportVariant("P-M", "3", 0, True, Decimal(9990), "Talla", "M")))
    for product in (simple, polo):
        errors = list(check.iter_errors({"product": product_payload(product)}))
        assert not errors, [e.message for e in errors]


def test_variants_list_get_put(api: requests.Session, jumpseller_sandbox: SandboxHandle, ids: dict) -> None:
    base = f"/v1/products/{ids['parent']}/variants"
    listed = api.get(jumpseller_sandbox.url(f"{base}.json"), timeout=10).json()
    assert_conforms(listed, "/products/{id}/variants.json", "get", 200)
    one = api.get(jumpseller_sandbox.url(f"{base}/{ids['variant']}.json"), timeout=10).json()
    assert set(one) == {"variant"}
    assert_conforms(one, "/products/{id}/variants/{variant_id}.json", "get", 200)
    put = api.put(
        jumpseller_sandbox.url(f"{base}/{ids['variant']}.json"), json={"variant": {"stock": 2}}, timeout=10
    )
    assert_conforms(put.json(), "/products/{id}/variants/{variant_id}.json", "put", 200)


def test_search(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    found = api.get(
        jumpseller_sandbox.url("/v1/products/search.json"),
        params={"query": catalog_scenario.shared_skus[0], "fields": "sku"},
        timeout=10,
    ).json()
    assert found
    assert_conforms(found, "/products/search.json", "get", 200)
    invalid = api.get(jumpseller_sandbox.url("/v1/products/search.json"), params={"query": ""}, timeout=10)
    assert invalid.status_code == 404
    assert_conforms(invalid.json(), "/products/search.json", "get", 404)


def test_store_info(api: requests.Session, jumpseller_sandbox: SandboxHandle) -> None:
    body = api.get(jumpseller_sandbox.url("/v1/store/info.json"), timeout=10).json()
    # The spec's Store schema is unwrapped; the live API wraps it like every other resource
    # (see puente_sandbox.jumpseller.routes_store), so the inner object is what must conform.
    assert set(body) == {"store"}
    assert_conforms(body["store"], "/store/info.json", "get", 200)


@pytest.mark.parametrize(
    ("method", "url", "spec_path"),
    [
        ("get", "/v1/products/1.json", "/products/{id}.json"),
        ("put", "/v1/products/1.json", "/products/{id}.json"),
        ("get", "/v1/products/1/variants.json", "/products/{id}/variants.json"),
        ("get", "/v1/products/10001/variants/1.json", "/products/{id}/variants/{variant_id}.json"),
        ("put", "/v1/products/10001/variants/1.json", "/products/{id}/variants/{variant_id}.json"),
    ],
)
def test_not_found_bodies(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, method: str, url: str, spec_path: str
) -> None:
    response = api.request(method, jumpseller_sandbox.url(url), json={"product": {}}, timeout=10)
    assert response.status_code == 404
    assert_conforms(response.json(), spec_path, method, 404)


def test_validation_errors_use_the_bad_params_schema(
    api: requests.Session, jumpseller_sandbox: SandboxHandle
) -> None:
    response = api.put(
        jumpseller_sandbox.url("/v1/products/10001.json"), json={"product": {"stock": -2}}, timeout=10
    )
    assert response.status_code == 400
    assert validator_for({"$ref": "#/components/schemas/BadParams"}).is_valid(response.json())


def _mutations(product_body: dict[str, Any]) -> list[dict[str, Any]]:
    broken = []
    for field, value in (
        ("stock", "5"),
        ("stock_unlimited", "no"),
        ("price", "9.990"),
        ("status", "on-sale"),
    ):
        bad = copy.deepcopy(product_body)
        bad["product"][field] = value
        broken.append(bad)
    extra = copy.deepcopy(product_body)
    extra["product"]["stockUnlimited"] = True  # wrong casing of a real field
    broken.append(extra)
    bad_variant = copy.deepcopy(product_body)
    bad_variant["product"]["variants"][0]["options"] = "Talla: M"
    broken.append(bad_variant)
    return broken


def test_wrong_payloads_fail_validation(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, ids: dict
) -> None:
    body = api.get(jumpseller_sandbox.url(f"/v1/products/{ids['parent']}.json"), timeout=10).json()
    check = validator_for(response_schema("/products/{id}.json", "get", 200))
    assert check.is_valid(body)
    for broken in _mutations(body):
        assert not check.is_valid(broken), broken
    count = validator_for(response_schema("/products/count.json", "get", 200))
    assert not count.is_valid({"count": "12"})
    listing = validator_for(response_schema("/products.json", "get", 200))
    assert not listing.is_valid({"products": []})
    not_found = validator_for(response_schema("/products/{id}.json", "get", 404))
    assert not not_found.is_valid({"error": "Product Not Found."})


# orders and order documents -------------------------------------------------------------------
ORDER = {"$ref": "#/components/schemas/Order"}


def test_orders_conform(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, order_scenario: OrderScenario
) -> None:
    listed = api.get(jumpseller_sandbox.url("/v1/orders.json"), params={"limit": 100}, timeout=10).json()
    assert len(listed) == 100
    assert_conforms(listed, "/orders.json", "get", 200, nullable_all=True)
    count = api.get(jumpseller_sandbox.url("/v1/orders/count.json"), timeout=10).json()
    assert_conforms(count, "/orders/count.json", "get", 200)
    for order_id in (order_scenario.factura[0], order_scenario.with_shipping[0], order_scenario.pending_payment[0]):
        body = api.get(jumpseller_sandbox.url(f"/v1/orders/{order_id}.json"), timeout=10).json()
        assert_conforms(body, "/orders/{id}.json", "get", 200, nullable_all=True)
    paid = api.get(jumpseller_sandbox.url("/v1/orders/status/paid.json"), timeout=10).json()
    assert_conforms(paid, "/orders/status/{status}.json", "get", 200, nullable_all=True)
    # the spec types after/{id} as one Order but describes (and clients read) a list of them
    after = api.get(jumpseller_sandbox.url(f"/v1/orders/after/{order_scenario.order_ids[-5]}.json"), timeout=10)
    check = validator_for(ORDER, nullable_all=True)
    assert len(after.json()) == 4 and all(check.is_valid(item) for item in after.json())


def test_order_errors_conform(api: requests.Session, jumpseller_sandbox: SandboxHandle) -> None:
    missing = api.get(jumpseller_sandbox.url("/v1/orders/1.json"), timeout=10)
    assert missing.status_code == 404
    assert_conforms(missing.json(), "/orders/{id}.json", "get", 404)
    after = api.get(jumpseller_sandbox.url("/v1/orders/after/1.json"), timeout=10)
    assert_conforms(after.json(), "/orders/after/{id}.json", "get", 404)
    invalid = api.get(jumpseller_sandbox.url("/v1/orders/status/lost.json"), timeout=10)
    assert invalid.status_code == 404
    assert_conforms(invalid.json(), "/orders/status/{status}.json", "get", 404)


def test_order_documents_conform(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, order_scenario: OrderScenario
) -> None:
    url = jumpseller_sandbox.url(f"/v1/orders/{order_scenario.plain[0]}/documents.json")
    document = {"document_type": 1, "external_id": "10001", "public_id": "39-1", "url": "https://x/1.pdf"}
    created = api.post(url, json={"document": {**document, "app_code": "puente"}}, timeout=10)
    assert created.status_code == 200
    assert_conforms(created.json(), "/orders/{id}/documents.json", "post", 200, nullable_all=True)
    bare = api.post(url, json={"document": {"document_type": 0, "public_id": "61-1"}}, timeout=10)
    assert_conforms(bare.json(), "/orders/{id}/documents.json", "post", 200, nullable_all=True)
    listed = api.get(url, timeout=10).json()
    assert len(listed) == 2
    assert_conforms(listed, "/orders/{id}/documents.json", "get", 200, nullable_all=True)


def test_order_checks_still_bite(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, order_scenario: OrderScenario
) -> None:
    body = api.get(jumpseller_sandbox.url(f"/v1/orders/{order_scenario.factura[0]}.json"), timeout=10).json()
    check = validator_for(ORDER, nullable_all=True)
    assert check.is_valid(body)
    for path, value in (
        (("statusEnum",), "paid"),
        (("status_enum",), "Paid"),
        (("total",), "11900"),
        (("billing_address", "tax_id"), "76543210-3"),
        (("products", 0, "quantity"), 1),
    ):
        broken = copy.deepcopy(body)
        target = broken["order"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert not check.is_valid(broken), path
    document = validator_for({"$ref": "#/components/schemas/Document"}, nullable_all=True)
    assert not document.is_valid({"document": {"document_type": 2}})
    assert not document.is_valid({"document": {"document_type": "1 - invoice"}})


def test_hooks_conform(api: requests.Session, jumpseller_sandbox: SandboxHandle) -> None:
    """``/hooks.json`` and ``/hooks/{id}.json``: every method's 200 and the 404 validate against the spec."""
    edit = {"hook": {"event": "order_paid", "url": "https://example.com/puente/webhooks/jumpseller/t"}}
    created = api.post(jumpseller_sandbox.url("/v1/hooks.json"), json=edit, timeout=10)
    assert created.status_code == 200
    assert_conforms(created.json(), "/hooks.json", "post", 200)
    hook_id = created.json()["hook"]["id"]
    assert_conforms(api.get(jumpseller_sandbox.url("/v1/hooks.json"), timeout=10).json(), "/hooks.json", "get", 200)
    one = jumpseller_sandbox.url(f"/v1/hooks/{hook_id}.json")
    assert_conforms(api.get(one, timeout=10).json(), "/hooks/{id}.json", "get", 200)
    assert_conforms(api.put(one, json=edit, timeout=10).json(), "/hooks/{id}.json", "put", 200)
    assert_conforms(api.delete(one, timeout=10).json(), "/hooks/{id}.json", "delete", 200)
    gone = api.get(one, timeout=10)
    assert gone.status_code == 404
    assert_conforms(gone.json(), "/hooks/{id}.json", "get", 404)
