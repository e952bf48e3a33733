"""EscalaHook end-to-end against the Escala sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, TransientError
from puente.provider import get_provider_info
from puente.vendors.escala.hook import EscalaHook, iso_since
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.server import ServerThread


class FastEscala(EscalaHook):
    backoff_base = 0.01
    backoff_max = 0.02


SandboxFactory = Callable[..., SandboxHandle]
_CONN_NUMBERS = itertools.count(1)


@pytest.fixture
def start_escala() -> Iterator[SandboxFactory]:
    """Start Escala sandboxes (seed 11) on loopback; all are stopped after the test."""
    running: list[tuple[ServerThread, SandboxHandle]] = []

    def _start(rate_limits: list[Budget] | None = None) -> SandboxHandle:
        store = EscalaStore.generate(seed=11)
        server = ServerThread(create_app(store, rate_limits=rate_limits))
        handle = SandboxHandle(server.start(), "escala", headers={"x-api-key": DEFAULT_ESCALA_API_KEY}, store=store)
        running.append((server, handle))
        return handle

    yield _start
    for server, handle in running:
        handle.close()
        server.stop()


@pytest.fixture
def escala(start_escala: SandboxFactory) -> SandboxHandle:
    return start_escala()


@pytest.fixture
def make_hook(set_conn, limiter) -> Callable[..., FastEscala]:
    def _make(
        sandbox: SandboxHandle, *, key: str = DEFAULT_ESCALA_API_KEY, suffix: str = "/v1", **extra: Any
    ) -> FastEscala:
        conn_id = f"escala_sb_{next(_CONN_NUMBERS)}"
        set_conn(conn_id, conn_type="escala", host=sandbox.base_url + suffix, password=key, extra=extra)
        return FastEscala(conn_id, limiter=limiter)

    return _make


@pytest.fixture
def hook(escala: SandboxHandle, make_hook) -> FastEscala:
    # The sandbox runs without a limit here; lift the hook's own 5/s so paging tests stay fast.
    return make_hook(escala, rate_limit_per_second=0)


@pytest.fixture
def account(escala: SandboxHandle) -> dict[str, Any]:
    return escala.inspect_get("account")


def test_contacts_page_from_zero_to_the_end(hook, escala) -> None:
    contacts = list(hook.iter_contacts(size=7))
    store = escala.store
    assert [c["id"] for c in contacts] == list(store.contacts)
    assert escala.counters()["by_route"]["GET /v1/crm/contacts"] == math.ceil(len(store.contacts) / 7)


def test_host_with_or_without_v1_reaches_the_same_paths(escala, make_hook) -> None:
    bare = make_hook(escala, suffix="", rate_limit_per_second=0)
    assert len(bare.list_pipelines()) == 2
    assert bare.url_for("/v1/crm/users") == escala.url("/v1/crm/users")
    assert EscalaHook.default_host == "https://public-api.escala.com/v1"


def test_find_contacts_by_cedula_then_email_then_phone(hook, escala, account) -> None:
    store, cedula_key = escala.store, account["cedula_field"]
    with_cedula = next(c for c in store.contacts.values() if cedula_key in c.custom and c.personal["email"])
    cedula = with_cedula.custom[cedula_key]
    assert [c["id"] for c in hook.find_contacts(custom={cedula_key: cedula})] == [with_cedula.id]
    email_only = next(c for c in store.contacts.values() if cedula_key not in c.custom and c.personal["email"])
    found = hook.find_contact_by_identity(
        cedula_field=cedula_key, cedula="99999999", email=email_only.personal["email"], phone="+57 300 000 0000"
    )
    assert found is not None and found["id"] == email_only.id
    phone_only = next(c for c in store.contacts.values() if not c.personal["email"])
    found = hook.find_contact_by_identity(cedula_field=cedula_key, cedula="1", phone=phone_only.personal["phoneNumber"])
    assert found is not None and found["id"] == phone_only.id
    assert hook.find_contact_by_identity(cedula_field=cedula_key, cedula="1", email="nadie@x.co") is None
    with pytest.raises(ValueError, match="needs a custom field value"):
        hook.find_contacts()


def test_create_contact_and_deal_with_products_keeping_the_invoice_total(hook, escala, account) -> None:
    cedula_key = account["cedula_field"]
    contact = hook.create_contact(
        {
            "firstName": "María",
            "lastName": "Ospina",
            "email": "maria@cliente-siigo.co",
            "phoneNumber": "+57 310 222 3344",
        },
        custom={cedula_key: "52123456"},
        notes="Contacto creado desde factura FV-9001 de Siigo",
    )
    assert hook.find_contacts(custom={cedula_key: "52123456"})[0]["id"] == contact["id"]
    products = hook.find_products(["SKU-1001", "SKU-1004", "NO-EXISTE", "SKU-1001"])
    assert sorted(products) == ["SKU-1001", "SKU-1004"]
    owner = hook.list_users()[2]
    pipeline = next(p for p in hook.list_pipelines() if p["default"])
    deal = hook.create_deal(
        name="Factura FV-9001",
        value=238000,
        pipeline_id=pipeline["id"],
        stage_id=pipeline["stages"][0]["id"],
        assigned_to=owner["id"],
        contact_id=contact["id"],
        description="Oportunidad desde Siigo",
        products=[{"productId": p["id"], "quantity": 1} for p in products.values()],
        custom={account["invoice_field"]: "FV-9001"},
    )
    assert deal["value"] == 238000 and deal["products"]["updateValue"] is False
    assert deal["contact"]["id"] == contact["id"] and deal["assignedTo"] == owner["id"]
    assert hook.update_deal_value(deal["id"], 240000)["value"] == 240000
    assert hook.get_deal(deal["id"])["value"] == 240000
    assert [d["id"] for d in hook.iter_deals(**{account["invoice_field"]: "FV-9001"})] == [deal["id"]]
    posted = [w["body"] for w in escala.writes() if w["route"] == "POST /v1/crm/deals"]
    assert posted[0]["products"]["updateValue"] is False and posted[0]["value"] == 238000.0


def test_scroll_follows_scroll_ids_and_since(hook, escala) -> None:
    store = escala.store
    deals = list(hook.iter_deals_scroll(size=5))
    assert sorted(d["id"] for d in deals) == sorted(store.deals)
    assert escala.counters()["by_route"]["GET /v1/crm/deals/scroll"] == 5  # 24 deals: 4 full pages + a short one
    cutoff = sorted(d.modified for d in store.deals.values())[-3]
    assert len(list(hook.iter_deals_scroll(since=cutoff))) == 3
    assert len(list(hook.iter_contacts_scroll(size=200))) == len(store.contacts)
    assert iso_since(datetime(2024, 5, 2, 8, 0)) == "2024-05-02T08:00:00Z"


def test_429_is_waited_out_and_retried(start_escala, make_hook) -> None:
    throttled = start_escala(rate_limits=[(2, 1.0)])
    hook = make_hook(throttled, rate_limit_per_second=0)  # no client budget: meet the server's 429
    started = time.monotonic()
    pipelines = [hook.list_pipelines() for _ in range(3)]
    assert all(len(p) == 2 for p in pipelines)
    assert hook.rate_limited >= 1 and hook.retries >= 1
    assert time.monotonic() - started >= 0.9  # the hook honoured Retry-After (1 s)
    assert throttled.counters()["by_status"]["200"] == 3


def test_typed_errors_carry_escala_messages(hook, escala, make_hook, account) -> None:
    with pytest.raises(NotFound) as missing:
        hook.get_deal("00000000-0000-4000-8000-000000000000")
    assert missing.value.status == 404 and missing.value.vendor_message == "Not found"
    with pytest.raises(PermanentError) as bad:
        hook.create_deal(name="x", value=1, pipeline_id=account["default_pipeline_id"], stage_id="nope")
    assert bad.value.status == 400
    assert bad.value.vendor_message == "Validation failed: stageId: unknown stage for this pipeline"
    denied_hook = make_hook(escala, key="a-wrong-escala-key-123")
    with pytest.raises(AuthError) as denied:
        denied_hook.list_users()
    assert denied.value.status == 403 and denied.value.vendor_message == "Forbidden"
    assert "a-wrong-escala-key-123" not in str(denied.value)


def test_lost_deal_creation_is_uncertain_and_never_resent(hook, escala, account) -> None:
    escala.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as lost:
        hook.create_deal(
            name="Factura FV-9002",
            value=50000,
            pipeline_id=account["default_pipeline_id"],
            stage_id=account["first_stage_id"],
            custom={account["invoice_field"]: "FV-9002"},
        )
    assert lost.value.uncertain
    escala.clear_faults()
    assert len([w for w in escala.writes() if w["route"] == "POST /v1/crm/deals"]) == 1
    assert len(list(hook.iter_deals(**{account["invoice_field"]: "FV-9002"}))) == 1  # look up before re-sending


def test_reads_are_retried_on_5xx(hook, escala) -> None:
    escala.set_faults(rate_5xx=0.5, seed=3)
    assert len(hook.list_users()) == 4 and len(hook.list_pipelines()) == 2
    assert hook.retries >= 1


def test_test_connection_and_key_masking(hook, escala, make_hook, monkeypatch) -> None:
    masked: list[Any] = []
    monkeypatch.setattr("airflow.sdk.log.mask_secret", lambda value, name=None: masked.append(value))
    ok, message = hook.test_connection()
    assert ok, message
    assert DEFAULT_ESCALA_API_KEY in masked
    ok, message = make_hook(escala, key="a-wrong-escala-key-456").test_connection()
    assert not ok and "Forbidden" in message and "a-wrong-escala-key-456" not in message


def test_provider_declares_the_escala_connection_type() -> None:
    info = get_provider_info()
    conn = next(c for c in info["connection-types"] if c["connection-type"] == "escala")
    assert conn["hook-class-name"] == "puente.vendors.escala.hook.EscalaHook"
    assert conn["hook-name"] == EscalaHook.hook_name
    assert conn["ui-field-behaviour"]["relabeling"]["password"] == "API key"
    assert conn["ui-field-behaviour"]["placeholders"]["host"] == EscalaHook.default_host
    assert any("puente.vendors.escala.hook" in h["python-modules"] for h in info["hooks"])
    assert EscalaHook.default_conn_name == "escala_default" and EscalaHook.conn_name_attr == "escala_conn_id"
