"""Tiendita, a fictional ERP, as a Puente vendor plug-in that lives outside Puente's package.

It proves the plug-in contract (docs/adding-a-vendor.md): installed as its own distribution with a
``puente.vendors`` entry point, it shows up as a connection type, passes the shared conformance
suites against its own sandbox, and runs the catalog sync and invoicing flows, with no change to
Puente's core. The API (its "vendor docs", as the sandbox implements them):

* auth: header ``X-Api-Key``; a missing or wrong key answers 401 ``{"error": "invalid api key"}``;
* ``GET /v1/ping``: 200 ``{"ok": true}`` for a good key;
* ``GET /v1/products?page=&per_page=`` (``per_page`` at most 50; ``sku=a,b`` filters): ``{"products":
  [{"sku", "name", "stock", "price", "tax_rate", "active"}], "page", "pages"}``, prices with tax;
* ``POST /v1/invoices`` with ``Idempotency-Key``: ``{"reference", "customer", "lines": [{"sku",
  "description", "quantity", "unit_price"}]}`` -> 201 ``{"id", "number", "total", "url",
  "created_at"}``; the same key again answers 200 with the invoice already made;
* 429 with ``Retry-After`` seconds (budget 10 requests per second); errors ``{"error": "..."}``.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="tiendita",
    title="Tiendita",
    section="erp",
    settings="puente_tiendita.settings:TienditaSettings",
    capabilities={
        "catalog_source": "puente_tiendita.catalog_source:TienditaCatalogSource",
        "invoice_sink": "puente_tiendita.invoice_sink:TienditaInvoiceSink",
    },
    notes="`X-Api-Key` header; 10 req/s; `Idempotency-Key` on invoices (test-only plug-in)",
    connection_types="puente_tiendita.connection:CONNECTION_TYPES",
    sandbox="puente_tiendita.harness:HARNESS",
    documents="Tiendita invoices",
)
