"""AstrosellingCatalogImport against the sandbox: one product per chosen channel, once, also when
answers are lost (Jupiter's ``id_in_erp`` is the key a retry looks up before posting again)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from puente.connectors import registry
from puente.hooks.errors import TransientError
from puente.rules.catalog_import import ImportProduct, ImportVariant
from puente.vendors.astroselling.catalog_import import AstrosellingCatalogImport, product_payload
from puente.vendors.astroselling.settings import AstrosellingSettings
from puente_sandbox.astroselling import API_PREFIX
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from vendors.astroselling import test_catalog_target as target_kit

CHANNEL_IDS, FastAstro = target_kit.CHANNEL_IDS, target_kit.FastAstro
astro = target_kit.astro  # the sandbox fixture, shared with the catalog target tests
__all__ = ["astro"]

SHIRT = ImportProduct("P7", "Polera", (
    ImportVariant("NEW-S", "71", 4, False, Decimal("9990"), "Talla", "S"),
    ImportVariant("NEW-M", "72", 0, True, Decimal("9990.50"), "Talla", "M"),
))
MUG = ImportProduct("P8", "Taza", (ImportVariant("NEW-MUG", "81", 3, False, Decimal("4990")),))


def importer(set_conn, limiter, astro, **options) -> AstrosellingCatalogImport:
    set_conn("astro_imp", conn_type="astroselling", host=astro.url(API_PREFIX), password=DEFAULT_ASTROSELLING_TOKEN,
             extra={"rate_limit_per_minute": 0})  # fmt: skip
    settings = AstrosellingSettings(vendor="astroselling", conn_id="astro_imp", **options)
    return AstrosellingCatalogImport(settings, hook=FastAstro("astro_imp", limiter=limiter))


def placed(astro, sku: str) -> Counter:
    """Channel id -> how many of its products carry ``id_in_erp`` = sku."""
    return Counter(int(channel) for channel, products in astro.inspect_get("products").items()
                   for product in products if product["id_in_erp"] == sku)


def test_the_payload_has_jupiters_fields_with_variations_and_no_unlimited_stock():
    payload = product_payload(SHIRT)
    assert (payload["id_in_erp"], payload["title"], payload["price"], payload["stock"]) == ("NEW-S", "Polera", 9990, 4)
    assert [(v["sku"], v["price"], v["stock"]) for v in payload["variations"]] == [
        ("NEW-S", 9990, 4), ("NEW-M", 9990.5, 0)]
    assert product_payload(MUG)["variations"] == []


def test_astroselling_declares_the_import_capability():
    assert "astroselling" in registry.vendors_with("catalog_import")


def test_create_puts_the_product_on_every_chosen_channel_and_reads_back_as_linked(set_conn, limiter, astro):
    chosen = importer(set_conn, limiter, astro, catalog_channels=CHANNEL_IDS[:2])
    created = chosen.create(MUG)
    assert (created.product_id, created.variants) == ("NEW-MUG", {"NEW-MUG": None})
    assert placed(astro, "NEW-MUG") == Counter({CHANNEL_IDS[0]: 1, CHANNEL_IDS[1]: 1})
    listings = chosen.target.read_listings()
    row = listings[listings["sku"] == "NEW-MUG"].iloc[0]
    assert (row["product_id"], row["stock"]) == ("NEW-MUG", 3)
    assert chosen.find(MUG) is not None
    assert chosen.create(MUG) == created and placed(astro, "NEW-MUG") == Counter({CHANNEL_IDS[0]: 1,
                                                                                   CHANNEL_IDS[1]: 1})


def test_lost_answers_are_settled_by_looking_up_never_by_posting_twice(set_conn, limiter, astro):
    every = importer(set_conn, limiter, astro)
    channels = every.target.channels()
    astro.set_faults(lost_response_rate=1.0, seed=5)
    with pytest.raises(TransientError) as lost:
        every.create(SHIRT)
    assert lost.value.uncertain
    astro.clear_faults()
    assert placed(astro, "NEW-S") == Counter({channels[0]: 1})  # the first POST arrived; its answer was lost
    assert every.find(SHIRT) is None  # not on every channel yet
    created = every.create(SHIRT)  # looks each channel up first: posts only where it is missing
    assert placed(astro, "NEW-S") == Counter(dict.fromkeys(channels, 1))
    assert created.variants == {"NEW-S": "NEW-S", "NEW-M": "NEW-M"}
    assert every.find(SHIRT) == created
