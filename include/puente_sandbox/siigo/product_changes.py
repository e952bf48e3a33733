"""What a merchant does to products in Siigo Nube, as the sandbox's ``/_sandbox`` lets a test do it, and
the webhook event each change fires (:mod:`puente_sandbox.siigo.webhooks`).

* a stock change (a sale, a purchase, an adjustment) sets one warehouse's ``quantity``;
  ``available_quantity`` is the sum over warehouses, ``metadata.last_updated`` and ``stock_updated``
  become now -> ``products.stock.update``;
* an edit (name, price of one price-list position, active) -> ``products.update``;
* a new product (a copy of another with a new code) -> ``products.create``.

``metadata.stock_updated`` is not in the Blueprint's product resource, only in the webhook's
fields; keeping it in metadata is the sandbox's (inferred) place for it.
"""

from __future__ import annotations

import copy
from typing import Any

from puente_sandbox.siigo.seed import siigo_timestamp
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.webhooks import CREATE, STOCK, UPDATE


def change_stock(store: SiigoStore, product: dict[str, Any], quantity: float, warehouse_id: int | None = None
                 ) -> dict[str, Any]:
    warehouses = product.get("warehouses") or []
    if not product.get("stock_control") or not warehouses:
        raise ValueError(f"product {product['code']} has no stock control")
    target = next((w for w in warehouses if warehouse_id in (None, w["id"])), None)
    if target is None:
        raise ValueError(f"product {product['code']} has no warehouse {warehouse_id}")
    target["quantity"] = quantity
    product["available_quantity"] = sum(w["quantity"] for w in warehouses)
    stamp = siigo_timestamp(store.now())
    product["metadata"].update(last_updated=stamp, stock_updated=stamp)
    store.webhooks.emit(STOCK, product)
    return product


def edit_product(store: SiigoStore, product: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    if "name" in changes:
        product["name"] = str(changes["name"])
    if "active" in changes:
        product["active"] = bool(changes["active"])
    if "price" in changes:
        position = int(changes.get("position", 1))
        entry = next((p for p in product["prices"][0]["price_list"] if p["position"] == position), None)
        if entry is None:
            raise ValueError(f"product {product['code']} has no price list position {position}")
        entry["value"] = float(changes["price"])
    product["metadata"]["last_updated"] = siigo_timestamp(store.now())
    store.webhooks.emit(UPDATE, product)
    return product


def create_product(store: SiigoStore, like: dict[str, Any], code: str) -> dict[str, Any]:
    if store.product_by_code(code) is not None:
        raise ValueError(f"product {code} exists")
    product = {**copy.deepcopy(like), "id": store.new_id(), "code": code,
               "metadata": {"created": siigo_timestamp(store.now()), "last_updated": None}}
    store.add_product(product)
    store.webhooks.emit(CREATE, product)
    return product
