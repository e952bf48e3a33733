"""Attention rows carry ``order_url``: the channel's own page for the order, from the vendor plug-in's
declaration (Jumpseller: the store's admin, named by the connection's store login; Mercado Libre: the
sale on the tenant's country site), null when the vendor declares none or cannot say."""

from __future__ import annotations

import json

from test_console_auth import console
from test_views_api import add_rows

from puente.connectors import registry
from puente.vendors.mercadolibre.links import order_url as mercadolibre_url

__all__ = ["console"]


def test_attention_rows_link_to_the_order_in_the_channel_when_the_vendor_has_a_page(console, monkeypatch):
    receiver, token = console
    add_rows({"tenant": "andes_outdoor", "channel": "jumpseller_andes_outdoor", "order_id": "1001", "status": "error",
              "category": "no_stock"},
             {"tenant": "andes_outdoor", "channel": "js", "order_id": "1002", "status": "error"},  # not in the file
             {"tenant": "andes_sur", "channel": "jumpseller_andes_sur", "order_id": "2001", "status": "uncertain"})
    monkeypatch.setenv("AIRFLOW_CONN_JUMPSELLER_ANDES_OUTDOOR", json.dumps(
        {"conn_type": "jumpseller", "host": "http://127.0.0.1:9", "login": "Andes-Outdoor",
         "password": "s3cret-token"}))
    answer = receiver.client.get("/api/attention", headers={"Authorization": f"Bearer {token('viewer')}"})
    assert answer.status_code == 200, answer.text
    urls = {row["order_id"]: row["order_url"] for row in answer.json()["orders"]}
    assert urls == {"1001": "https://andes-outdoor.jumpseller.com/admin/orders/1001",
                    "1002": None,  # a channel the tenant file no longer names
                    "2001": None}  # its connection is not defined: no store login, no link
    assert "s3cret-token" not in answer.text


def test_the_link_is_the_vendors_declaration_and_hostile_ids_get_none():
    assert registry.vendor("jumpseller").order_url == "puente.vendors.jumpseller.links:order_url"
    assert registry.vendor("astroselling").order_url is None  # no public admin URL known: null
    assert all(not spec.problems(name) for name, spec in registry.vendors().items())
    assert mercadolibre_url(None, "2000003508419013", "CO") == (
        "https://www.mercadolibre.com.co/ventas/2000003508419013/detalle")
    assert mercadolibre_url(None, "2000003508419013", "CL").startswith("https://www.mercadolibre.cl/")
    assert mercadolibre_url(None, "../../evil", "CL") is None
    assert mercadolibre_url(None, "123", "BR") is None
