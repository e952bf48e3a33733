"""JumpsellerHook.create_product / find_products_by_sku against the sandbox: a create is never re-sent
after an unknown outcome, and the SKU lookup settles it (counts read from the sandbox's own record)."""

from __future__ import annotations

import pytest

from puente.hooks.errors import PermanentError, TransientError

PRODUCT = {"name": "Polera Import", "price": 9990.0, "status": "available", "variants": [
    {"variant": {"sku": "IMP-S", "price": 9990.0, "stock": 3, "stock_unlimited": False,
                 "options": [{"name": "Talla", "option_type": "option", "value": "S"}]}},
    {"variant": {"sku": "IMP-M", "price": 9990.0, "stock": 0, "stock_unlimited": False,
                 "options": [{"name": "Talla", "option_type": "option", "value": "M"}]}},
]}


def created_count(sandbox) -> int:
    return sandbox.inspect_get("/_sandbox/products/created")["count"]


def test_create_returns_the_product_unwrapped_and_find_by_sku_is_exact(hook, jumpseller_sandbox) -> None:
    product = hook.create_product(PRODUCT)
    assert product["name"] == "Polera Import" and [v["sku"] for v in product["variants"]] == ["IMP-S", "IMP-M"]
    hook.create_product({"name": "Otra", "price": 1.0, "sku": "IMP-S2"})  # "IMP-S" is a substring of it
    assert [p["id"] for p in hook.find_products_by_sku("IMP-S")] == [product["id"]]
    assert hook.find_products_by_sku("IMP-NONE") == [] and hook.find_products_by_sku("  ") == []
    assert created_count(jumpseller_sandbox) == 2


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_a_lost_answer_is_uncertain_and_never_re_sent(hook, jumpseller_sandbox, mode) -> None:
    jumpseller_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode=mode, seed=1)
    with pytest.raises(TransientError) as lost:
        hook.create_product(PRODUCT)
    jumpseller_sandbox.clear_faults()
    assert lost.value.uncertain
    posts = [w for w in jumpseller_sandbox.writes() if w["method"] == "POST"]
    assert len(posts) == 1 and created_count(jumpseller_sandbox) == 1  # sent once, created once
    assert len(hook.find_products_by_sku("IMP-M")) == 1  # the lookup that settles it


def test_an_injected_5xx_is_uncertain_too_and_the_lookup_proves_it_absent(hook, jumpseller_sandbox) -> None:
    jumpseller_sandbox.set_faults(rate_5xx=1.0, seed=1)
    with pytest.raises(TransientError) as failed:
        hook.create_product(PRODUCT)
    jumpseller_sandbox.clear_faults()
    assert failed.value.uncertain and jumpseller_sandbox.counters()["by_route"]["POST /v1/products.json"] == 1
    assert hook.find_products_by_sku("IMP-S") == [] and created_count(jumpseller_sandbox) == 0


def test_a_refusal_is_permanent_with_the_vendor_message(hook, jumpseller_sandbox) -> None:
    with pytest.raises(PermanentError) as refused:
        hook.create_product({"name": "Sin precio"})
    assert refused.value.status == 400 and refused.value.vendor_message == "Price can't be blank"
    assert created_count(jumpseller_sandbox) == 0
