"""MercadoLibreOrderSource against the Mercado Libre sandbox over loopback: mapping (seller_sku, shipment
logistic_type, billing info), exact windows, the account's options, and the rotated refresh token
kept encrypted in the state DB so the next process (a new hook) refreshes with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from cryptography.fernet import Fernet

from puente.connectors import registry
from puente.hooks.errors import AuthError
from puente.models import InvoiceRecord
from puente.state.oauth_tokens import OAuthTokenVault, TokenSlot
from puente.state.store import StateStore
from puente.vendors.mercadolibre.hook import MercadoLibreHook, clear_token_cache
from puente.vendors.mercadolibre.order_source import MercadoLibreOrderSource
from puente.vendors.mercadolibre.settings import MercadoLibreSettings
from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.mercadolibre import run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.seed import LEGACY_SKU_ITEM, NO_SKU_ITEM

NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
JULY = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 16, tzinfo=UTC))


class FastMeli(MercadoLibreHook):
    backoff_base = 0.01
    backoff_max = 0.02
    default_rate_limit_wait = 0.05


@pytest.fixture(scope="module")
def meli() -> Iterator[SandboxHandle]:
    with run_mercadolibre_sandbox(now=lambda: NOW, rate_limits=None) as handle:
        yield handle


@pytest.fixture
def vault(fernet_key, tmp_path) -> OAuthTokenVault:
    return OAuthTokenVault(StateStore(f"sqlite:///{tmp_path / 'state.db'}"))


@pytest.fixture
def any_vault(fernet_key, state_url) -> OAuthTokenVault:
    """The vault on SQLite and on PostgreSQL (the production state database)."""
    return OAuthTokenVault(StateStore(state_url))


def connect(set_conn, meli: SandboxHandle, conn_id: str = "meli_orders", refresh: str | None = None) -> str:
    refresh = refresh or meli.inspect_get("tokens")["live_refresh_tokens"][0]
    return set_conn(conn_id, conn_type="mercadolibre", host=meli.base_url, login=DEFAULT_MELI_CLIENT_ID,
                    password=DEFAULT_MELI_CLIENT_SECRET, extra={"refresh_token": refresh})  # fmt: skip


def source_for(set_conn, limiter, meli, vault, **options: Any) -> MercadoLibreOrderSource:
    conn_id = connect(set_conn, meli)
    hook = FastMeli(conn_id, limiter=limiter, token_vault=vault)
    return MercadoLibreOrderSource(MercadoLibreSettings(vendor="mercadolibre", conn_id=conn_id, **options), hook=hook)


def seeded(meli: SandboxHandle, *, start: datetime, end: datetime) -> list[dict]:
    return [o for o in meli.inspect_get("orders")
            if start <= datetime.fromisoformat(o["date_created"]) < end]  # fmt: skip


def test_an_order_maps_sku_fulfillment_shipping_and_billing_buyer(meli, set_conn, limiter, vault) -> None:
    source = source_for(set_conn, limiter, meli, vault)
    raw = next(o for o in meli.store.orders.values() if o["order_items"][0]["item"]["id"] == LEGACY_SKU_ITEM)
    raw["payments"][0]["shipping_cost"] = 9000
    order = source.read_order(str(raw["id"]))
    billing = meli.store.billing[raw["buyer"]["id"]]
    assert (order.id, order.channel, order.origin_channel) == (str(raw["id"]), "meli_orders", "mercadolibre")
    assert order.lines[0].sku == raw["order_items"][0]["item"]["seller_custom_field"]  # the older field
    assert order.lines[0].unit_price == Decimal(str(raw["order_items"][0]["unit_price"]))
    assert order.fulfillment == meli.store.shipments[raw["shipping"]["id"]]["logistic_type"]
    assert order.shipping_cost == Decimal(9000) and order.prices_include_tax and order.currency == "COP"
    buyer = order.buyer
    identification = billing["identification"]
    assert (buyer.doc_type, buyer.doc_number) == (identification["type"], identification["number"])
    assert (buyer.city, buyer.municipality, buyer.email) == ("Medellín", "Antioquia", None)  # ML hides e-mails


def test_nit_buyers_are_companies_and_blank_skus_stay_blank(meli, set_conn, limiter, vault) -> None:
    source = source_for(set_conn, limiter, meli, vault)
    company_raw = next(o for o in meli.store.orders.values()
                       if meli.store.billing[o["buyer"]["id"]]["identification"]["type"] == "NIT")  # fmt: skip
    company = source.read_order(str(company_raw["id"])).buyer
    assert company.doc_type == "NIT" and company.company == company.name == meli.store.billing[
        company_raw["buyer"]["id"]]["name"]
    blank_raw = next(o for o in meli.store.orders.values()
                     if any(i["item"]["id"] == NO_SKU_ITEM for i in o["order_items"]))  # fmt: skip
    lines = source.read_order(str(blank_raw["id"])).lines
    assert "" in [line.sku for line in lines]  # reported as not linked by the invoicing rules


def test_the_window_is_exact_to_the_instant(meli, set_conn, limiter, vault) -> None:
    source = source_for(set_conn, limiter, meli, vault, order_statuses=[])
    everything = seeded(meli, start=JULY[0], end=JULY[1])
    start = datetime.fromisoformat(everything[3]["date_created"])  # mid-hour: the API filters by the hour
    end = datetime.fromisoformat(everything[7]["date_created"])
    got = source.read_orders(start, end, ["paid"])
    assert [o.id for o in got] == [str(o["id"]) for o in everything[3:7]]


def test_default_statuses_invoice_paid_orders_and_skip_fulfillment(meli, set_conn, limiter, vault) -> None:
    assert MercadoLibreSettings(vendor="mercadolibre", conn_id="m").order_statuses == ["paid"]
    source = source_for(set_conn, limiter, meli, vault)
    got = source.read_orders(*JULY)
    expected = [o for o in seeded(meli, start=JULY[0], end=JULY[1]) if o["status"] == "paid"]
    assert [o.id for o in got] == [str(o["id"]) for o in expected]
    kept = [o.id for o in got if source.eligible(o)]
    assert kept == [str(o["id"]) for o in expected if o["_logistic_type"] != "fulfillment"]
    assert len(kept) < len(got)  # the seed has Full orders in these two weeks


def test_statuses_and_fulfillment_options(meli, set_conn, limiter, vault) -> None:
    options = {"order_statuses": ["cancelled"], "invoice_fulfillment_orders": True}
    cancelled = source_for(set_conn, limiter, meli, vault, **options)
    got = cancelled.read_orders(*JULY)
    assert got and {o.status for o in got} == {"cancelled"} and all(cancelled.eligible(o) for o in got)
    every = source_for(set_conn, limiter, meli, vault, order_statuses=[], invoice_fulfillment_orders=True)
    assert len([o for o in every.read_orders(*JULY) if every.eligible(o)]) == len(seeded(meli, start=JULY[0],
                                                                                          end=JULY[1]))


def test_attach_is_a_no_op(meli, set_conn, limiter, vault) -> None:
    source = source_for(set_conn, limiter, meli, vault)
    before = len(meli.writes())
    source.attach("2000010000000000", InvoiceRecord(doc_id="1", number="FE-1", kind="invoice"), check_first=True)
    assert len(meli.writes()) == before


def test_a_second_hook_after_a_rotation_uses_the_saved_token(meli, set_conn, limiter, vault, fernet_key) -> None:
    conn_id = connect(set_conn, meli)
    spent = meli.inspect_get("tokens")["live_refresh_tokens"][0]
    first = FastMeli(conn_id, limiter=limiter, token_vault=vault)
    assert first.me()["id"] and first.token_requests == 1
    rotated = meli.inspect_get("tokens")["live_refresh_tokens"][0]
    assert rotated != spent  # the connection's token is spent now

    clear_token_cache()  # a new task process: nothing in memory
    second = FastMeli(conn_id, limiter=limiter, token_vault=vault)
    assert second.me()["id"] and second.token_requests == 0  # the shared access token, no refresh

    clear_token_cache()
    meli.inspect_post("tokens/expire", {})  # six hours later
    third = FastMeli(conn_id, limiter=limiter, token_vault=vault)
    assert third.me()["id"] and third.token_requests == 1  # 401, then a refresh with the *saved* token
    assert meli.inspect_get("tokens")["live_refresh_tokens"] != [rotated]

    clear_token_cache()
    with pytest.raises(AuthError):  # what happens without the vault: the connection's token is spent
        FastMeli(conn_id, limiter=limiter).me()


def test_tokens_are_stored_only_as_fernet_ciphertext(meli, set_conn, limiter, vault, fernet_key) -> None:
    conn_id = connect(set_conn, meli)
    FastMeli(conn_id, limiter=limiter, token_vault=vault).me()
    live = meli.inspect_get("tokens")["live_refresh_tokens"][0]
    import sqlalchemy as sa

    from puente.state.tables import oauth_token

    with vault.engine.connect() as conn:
        row = conn.execute(sa.select(oauth_token).where(oauth_token.c.conn_id == conn_id)).one()
    assert live not in row.refresh_token and "APP_USR" not in (row.access_token or "")
    assert Fernet(fernet_key.encode()).decrypt(row.refresh_token.encode()).decode() == live
    assert live not in repr(TokenSlot(live, "APP_USR-x"))


def test_registered_and_refuses_to_start_without_a_fernet_key(set_conn, monkeypatch, tmp_path) -> None:
    from airflow.sdk.crypto import get_fernet

    from puente.state.oauth_tokens import FernetKeyMissing

    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", "")
    get_fernet.cache_clear()
    set_conn("meli_reg", conn_type="mercadolibre", host="http://127.0.0.1:9", login="a", password="b",
             extra={"refresh_token": "TG-x"})  # fmt: skip
    settings = MercadoLibreSettings(vendor="mercadolibre", conn_id="meli_reg")
    try:
        with pytest.raises(FernetKeyMissing):  # before any refresh could spend the connection's token
            registry.order_source(settings, "America/Bogota")
        monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", Fernet.generate_key().decode())
        get_fernet.cache_clear()
        assert isinstance(registry.order_source(settings, "America/Bogota"), MercadoLibreOrderSource)
    finally:
        get_fernet.cache_clear()


def test_a_reauthorised_connection_starts_a_new_chain(any_vault) -> None:
    vault = any_vault
    with vault.rotation("conn_a", "TG-first") as slot:
        slot.save("TG-second", "APP-1", NOW + timedelta(hours=6))
    with vault.rotation("conn_a", "TG-first") as slot:
        assert (slot.refresh_token, slot.access_token) == ("TG-second", "APP-1")
    with vault.rotation("conn_a", "TG-fresh-consent") as slot:  # a person pasted a new refresh token
        assert (slot.refresh_token, slot.access_token) == ("TG-fresh-consent", None)
    with pytest.raises(RuntimeError), vault.rotation("conn_a", "TG-first") as slot:
        slot.save("TG-lost", None, None)
        raise RuntimeError("the refresh failed after all")
    with vault.rotation("conn_a", "TG-first") as slot:
        assert slot.refresh_token == "TG-second"  # an error rolls the rotation back


def test_a_rotation_waits_for_the_one_in_progress(any_vault) -> None:
    """Two task processes never spend the same refresh token: the second reads the first one's result."""
    vault = any_vault
    import threading
    import time

    with vault.rotation("conn_b", "TG-1") as slot:
        slot.save("TG-2", None, None)
    inside, seen = threading.Event(), []

    def first() -> None:
        with vault.rotation("conn_b", "TG-1") as slot:
            inside.set()
            time.sleep(0.3)  # the refresh call
            slot.save("TG-3", None, None)

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(5)
    with vault.rotation("conn_b", "TG-1") as slot:
        seen.append(slot.refresh_token)
    thread.join()
    assert seen == ["TG-3"]


def test_a_refused_stored_chain_falls_back_to_the_connections_token(set_conn, limiter, vault) -> None:
    """A restarted sandbox (or a seller re-authorised elsewhere) refuses the stored chain: the
    connection's own token is tried once, and a new chain starts from it."""
    from puente_sandbox.credentials import DEFAULT_MELI_REFRESH_TOKEN

    for _ in range(2):  # the second sandbox knows nothing of the first one's rotations
        clear_token_cache()
        with run_mercadolibre_sandbox(now=lambda: NOW, rate_limits=None) as fresh:
            conn_id = connect(set_conn, fresh, "meli_restart", refresh=DEFAULT_MELI_REFRESH_TOKEN)
            hook = FastMeli(conn_id, limiter=limiter, token_vault=vault)
            assert hook.me()["id"] and hook.token_requests == 1
            with vault.rotation(conn_id, DEFAULT_MELI_REFRESH_TOKEN) as slot:
                assert slot.refresh_token == fresh.inspect_get("tokens")["live_refresh_tokens"][0]


def test_a_token_sealed_with_another_fernet_key_is_a_clear_error(fernet_key, tmp_path, monkeypatch) -> None:
    from airflow.sdk.crypto import get_fernet

    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    with OAuthTokenVault(store).rotation("meli_sb", "TG-first") as slot:
        slot.save("TG-rotated", "APP_USR-access", None)
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", Fernet.generate_key().decode())  # the key was replaced
    get_fernet.cache_clear()
    with pytest.raises(RuntimeError, match=r"sealed with another key.*'new_key,old_key'"), \
            OAuthTokenVault(store).rotation("meli_sb", "TG-first"):
        pass
