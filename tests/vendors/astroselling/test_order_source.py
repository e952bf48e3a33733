"""AstrosellingOrderSource against the Astroselling sandbox over loopback: mapping, exact windows,
every "Facturación automática" option of the Siigo/Alegra articles, and attaching the invoice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from puente.connectors import registry
from puente.models import InvoiceRecord
from puente.vendors.astroselling.hook import AstrosellingHook
from puente.vendors.astroselling.order_source import AstrosellingOrderSource
from puente.vendors.astroselling.settings import AstrosellingSettings
from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data, run_astroselling_sandbox
from puente_sandbox.astroselling.seed import CHANNELS
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.handle import SandboxHandle

ML, FALABELLA, SHOPIFY = CHANNELS[0][0], CHANNELS[1][0], CHANNELS[2][0]
BOGOTA = timezone(timedelta(hours=-5))
DAY = datetime(2026, 7, 6, tzinfo=BOGOTA)


class FastAstro(AstrosellingHook):
    backoff_base = 0.01
    backoff_max = 0.02
    page_size = 3  # several pages even for a handful of orders


def order(order_id: str, minute: int, *, channel: int = FALABELLA, status: str = "completed",
          logistic: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": order_id, "channel_id": channel, "status": status, "fulfillment": logistic == "fulfillment",
            "logistic_type": logistic, "currency": "COP",
            "created_at": (DAY + timedelta(minutes=minute)).isoformat(timespec="seconds"),
            "buyer": {"name": "Ana Gómez", "email": "ana@correo.co", "phone": "+57 300 1234567",
                      "document_type": "CC", "document_number": "1020304050", "city": "Medellín"},
            "shipping": {"cost": 8000.0, "address": {"street": "Calle 10 #43-12", "city": "Medellín"}},
            "items": [{"sku": "SKU-0001", "id_in_erp": "SKU-0001", "title": "Termo Andina", "quantity": 2,
                       "price": 59500.0}], **extra}  # fmt: skip


ORDERS = [
    order("AS-1", 0),
    order("AS-2", 10, channel=ML, status="pending", logistic="cross_docking"),
    order("AS-3", 20, channel=ML, status="shipped", logistic="fulfillment"),
    order("AS-4", 30, channel=SHOPIFY, status="cancelled"),
    order("AS-5", 40, status="other"),
    order("AS-6", 50, channel=ML, status="completed", logistic="self_service"),
]


@pytest.fixture(scope="module")
def astro() -> Iterator[SandboxHandle]:
    with run_astroselling_sandbox(generate_astroselling_data(n_orders=0), rate_limits=None) as handle:
        for payload in ORDERS:
            handle.inspect_post("orders", payload)
        yield handle


def source_for(set_conn, limiter, astro: SandboxHandle, **options: Any) -> AstrosellingOrderSource:
    set_conn("astro_orders", conn_type="astroselling", host=astro.url(API_PREFIX), password=DEFAULT_ASTROSELLING_TOKEN,
             extra={"rate_limit_per_minute": 0})  # fmt: skip
    settings = AstrosellingSettings(vendor="astroselling", conn_id="astro_orders", **options)
    return AstrosellingOrderSource(settings, hook=FastAstro("astro_orders", limiter=limiter), timezone="America/Bogota")


def invoiceable(source: AstrosellingOrderSource) -> list[str]:
    return [o.id for o in source.read_orders(DAY, DAY + timedelta(days=1), ["paid"]) if source.eligible(o)]


def test_an_order_maps_to_the_canonical_model(astro, set_conn, limiter) -> None:
    mapped = source_for(set_conn, limiter, astro).read_order("AS-2")
    assert (mapped.id, mapped.channel, mapped.origin_channel) == ("AS-2", "astro_orders", f"mercadolibre:{ML}")
    assert (mapped.status, mapped.fulfillment, mapped.currency) == ("pending", "cross_docking", "COP")
    assert mapped.created_at == DAY + timedelta(minutes=10) and mapped.prices_include_tax is True
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in mapped.lines] == [
        ("SKU-0001", "Termo Andina", Decimal(2), Decimal("59500.0"))]
    assert mapped.shipping_cost == Decimal(8000)
    buyer = mapped.buyer
    assert (buyer.name, buyer.doc_type, buyer.doc_number, buyer.company) == ("Ana Gómez", "CC", "1020304050", None)
    assert (buyer.email, buyer.phone, buyer.city, buyer.address) == (
        "ana@correo.co", "+57 300 1234567", "Medellín", "Calle 10 #43-12")


def test_a_nit_buyer_is_a_company_and_written_types_become_dian_codes(astro, set_conn, limiter) -> None:
    company_buyer = {"name": "Ferretería El Tornillo SAS", "document_type": "n.i.t.", "document_number": "900123456-7"}
    astro.inspect_post("orders", order("AS-NIT", 3000, buyer=company_buyer))
    astro.inspect_post("orders", order("AS-NONE", 3001, buyer={"name": "Sin Datos"}))
    source = source_for(set_conn, limiter, astro)
    company = source.read_order("AS-NIT").buyer
    assert (company.doc_type, company.doc_number) == ("NIT", "900123456-7")
    assert company.company == company.name == "Ferretería El Tornillo SAS"
    anonymous = source.read_order("AS-NONE").buyer
    assert (anonymous.doc_type, anonymous.doc_number, anonymous.email) == (None, None, None)
    assert anonymous.city == "Medellín"  # from the shipping address when the buyer has none


def test_the_window_is_exact_to_the_instant(astro, set_conn, limiter) -> None:
    source = source_for(set_conn, limiter, astro, invoice_fulfillment_orders=True)
    start = DAY + timedelta(minutes=10)
    got = source.read_orders(start, DAY + timedelta(minutes=30), [])
    assert [o.id for o in got] == ["AS-2", "AS-3"]  # start included, end (AS-4 at :30) excluded
    utc = source.read_orders(start.astimezone(UTC), (start + timedelta(seconds=1)).astimezone(UTC), [])
    assert [o.id for o in utc] == ["AS-2"]  # any timezone for the bounds: the same instants


def test_defaults_invoice_every_channel_and_status_but_not_fulfillment(astro, set_conn, limiter) -> None:
    settings = AstrosellingSettings(vendor="astroselling", conn_id="a")
    assert (settings.origin_channels, settings.order_statuses, settings.invoice_fulfillment_orders) == ([], [], False)
    assert invoiceable(source_for(set_conn, limiter, astro)) == ["AS-1", "AS-2", "AS-4", "AS-5", "AS-6"]


def test_origin_channels_by_id_or_marketplace_type(astro, set_conn, limiter) -> None:
    assert invoiceable(source_for(set_conn, limiter, astro, origin_channels=[FALABELLA, SHOPIFY])) == [
        "AS-1", "AS-4", "AS-5"]
    by_type = source_for(set_conn, limiter, astro, origin_channels=["mercadolibre"])
    assert invoiceable(by_type) == ["AS-2", "AS-6"]
    assert not by_type.eligible(by_type.read_order("AS-1"))  # an explicit order from another channel


def test_order_statuses_keep_only_the_chosen_ones(astro, set_conn, limiter) -> None:
    source = source_for(set_conn, limiter, astro, order_statuses=["completed", "cancelled"])
    assert invoiceable(source) == ["AS-1", "AS-4", "AS-6"]
    assert not source.eligible(source.read_order("AS-2"))  # pending, read by id
    with pytest.raises(ValidationError):
        AstrosellingSettings(vendor="astroselling", conn_id="a", order_statuses=["paid"])


def test_fulfillment_orders_only_when_activated(astro, set_conn, limiter) -> None:
    source = source_for(set_conn, limiter, astro, invoice_fulfillment_orders=True)
    assert "AS-3" in invoiceable(source)
    off = source_for(set_conn, limiter, astro)
    assert not off.eligible(off.read_order("AS-3"))


def test_attach_marks_the_order_invoiced_once(astro, set_conn, limiter) -> None:
    source = source_for(set_conn, limiter, astro)
    record = InvoiceRecord(doc_id="inv-9", number="FE-1001", kind="invoice", url="https://erp.test/fe-1001.pdf")
    source.attach("AS-1", record, check_first=False)
    held = astro.inspect_get("orders")
    invoiced = next(o for o in held if o["id"] == "AS-1")
    assert invoiced["invoiced"] is True
    assert (invoiced["invoice"]["invoice_number"], invoiced["invoice"]["invoice_url"]) == (
        "FE-1001", "https://erp.test/fe-1001.pdf")
    puts = lambda: [w for w in astro.writes() if w["method"] == "PUT" and w["path"].endswith("/AS-1/invoice")]  # noqa: E731
    assert len(puts()) == 1
    source.attach("AS-1", record, check_first=True)  # after a lost answer: looks, finds it, writes nothing
    assert len(puts()) == 1
    source.attach("AS-1", record.model_copy(update={"number": "FE-1002"}), check_first=True)
    assert len(puts()) == 2
    assert next(o for o in astro.inspect_get("orders") if o["id"] == "AS-1")["invoice"]["invoice_number"] == "FE-1002"


def test_registered_as_an_order_source(set_conn) -> None:
    settings = AstrosellingSettings(vendor="astroselling", conn_id="astro_reg")
    set_conn("astro_reg", conn_type="astroselling", host="http://127.0.0.1:9", password="x")
    found = registry.order_source(settings, "America/Bogota")
    assert isinstance(found, AstrosellingOrderSource) and found.tz.key == "America/Bogota"
