"""``puente webhooks register|check`` against the Jumpseller sandbox: one hook per needed event, idempotent,
a wrong URL fixed, duplicates and another app's hooks handled, every refusal one line and exit 1."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from puente.cli import main
from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_HOOKS_TOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.stack import run_sandbox

BASE = "https://airflow.example.com"
URL = f"{BASE}/puente/webhooks/jumpseller/andes"
NEEDED = ["order_paid", "product_updated", "product_stock_updated"]


@pytest.fixture
def store():
    with run_sandbox("jumpseller", CatalogScenario.generate(n_products=4, seed=5), rate_limits=None) as handle:
        yield handle


@pytest.fixture
def tenant(store, tmp_path, monkeypatch, set_conn):
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    (tenants / "andes.yaml").write_text(yaml.safe_dump({
        "tenant": "andes", "name": "Andes", "country": "CL",
        "erp": {"vendor": "bsale", "conn_id": "bsale_andes", "office_id": 1},
        "channels": [{"vendor": "jumpseller", "conn_id": "js_andes"}],
        "flows": {"invoicing": {"enabled": True}}}))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv("PUENTE_RATE_LIMIT_URL", "local")
    set_conn("bsale_andes", conn_type="bsale", host="http://127.0.0.1:9", password="x")

    def connect(password=DEFAULT_AUTHTOKEN, **extra):
        fields = {"hooks_token": DEFAULT_HOOKS_TOKEN, "store_code": DEFAULT_LOGIN} | extra
        set_conn("js_andes", conn_type="jumpseller", host=store.base_url, login=DEFAULT_LOGIN,
                 password=password, extra={k: v for k, v in fields.items() if v})

    connect()
    return connect


def _hooks(store) -> list[tuple[str, str]]:
    return sorted((h["event"], h["url"]) for h in store.inspect_get("hooks")["hooks"])


def test_register_twice_makes_one_set_of_hooks(store, tenant, capsys):
    assert main(["webhooks", "register", "andes", "--base-url", BASE + "/"]) == 0
    first = capsys.readouterr()
    assert first.out.count("created") == 3 and "3 change(s)" in first.err
    assert main(["webhooks", "register", "andes", "--base-url", BASE]) == 0
    second = capsys.readouterr()
    assert "created" not in second.out and "already registered" in second.err
    assert _hooks(store) == sorted((event, URL) for event in NEEDED)
    assert main(["webhooks", "check", "andes", "--base-url", BASE]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["ok"] * 3


def test_a_wrong_url_is_fixed_a_duplicate_deleted_and_another_apps_hook_left(store, tenant, capsys):
    api = store.client()
    post = lambda event, url: api.post(store.url("/v1/hooks.json"), json={"hook": {"event": event, "url": url}})  # noqa: E731
    post("order_paid", "https://old-airflow.example.com/puente/webhooks/jumpseller/andes")  # Puente's, moved
    post("product_updated", URL)
    post("product_updated", URL)  # a duplicate (a create whose answer was lost)
    post("order_paid", "https://erp-app.example.com/jumpseller")  # another app's
    assert main(["webhooks", "check", "andes", "--base-url", BASE]) == 1
    shown = capsys.readouterr()
    assert "wrong-url" in shown.out and "missing" in shown.out and "extra" in shown.out and "not Puente's" in shown.out
    assert main(["webhooks", "register", "andes", "--base-url", BASE]) == 0
    assert _hooks(store) == sorted([*((event, URL) for event in NEEDED),
                                    ("order_paid", "https://erp-app.example.com/jumpseller")])
    capsys.readouterr()
    assert main(["webhooks", "check", "andes", "--base-url", BASE]) == 0


@pytest.mark.parametrize(("argv", "reason"), [
    (["webhooks", "register", "nobody", "--base-url", BASE], "no tenant file"),
    (["webhooks", "register", "../etc", "--base-url", BASE], "not a tenant id"),
    (["webhooks", "register", "andes", "--base-url", "ftp://x"], "must be http(s)"),
    (["webhooks", "register", "andes", "--base-url", "https://u:p@h.example.com"], "no credentials"),
    (["webhooks", "register", "andes", "--base-url", "https://h.example.com/?a=1"], "query"),
    (["webhooks", "check", "andes"], "no base URL"),
])
def test_a_bad_tenant_or_url_is_one_line_and_exit_1(store, tenant, capsys, argv, reason):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert reason in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert _hooks(store) == []


def test_a_connection_the_store_would_not_sign_for_registers_nothing(store, tenant, capsys):
    tenant(hooks_token="not-the-stores-hooks-token-00001")
    assert main(["webhooks", "register", "andes", "--base-url", BASE]) == 1
    err = capsys.readouterr().err
    assert "hooks_token is not this store's" in err and "not-the-stores" not in err
    tenant(store_code="someone-else")
    assert main(["webhooks", "register", "andes", "--base-url", BASE]) == 1
    assert "is not this store's code" in capsys.readouterr().err
    tenant(hooks_token="", store_code="")
    assert main(["webhooks", "register", "andes", "--base-url", BASE]) == 1
    assert "set the connection's 'hooks_token'" in capsys.readouterr().err
    assert _hooks(store) == []


def test_bad_credentials_are_one_line_without_traceback(store, tenant, monkeypatch):
    tenant(password="wrong-auth-token-0123456789abcdef")
    done = subprocess.run([sys.executable, "-m", "puente.cli", "webhooks", "register", "andes", "--base-url", BASE],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "401" in done.stderr or "Unauthorized" in done.stderr
