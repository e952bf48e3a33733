"""The runtime pieces: a real server in a thread, the handle, the factory and the CLI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI

from puente_sandbox import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN, CatalogScenario, serve_in_thread
from puente_sandbox.cli import build_parser

INCLUDE_DIR = Path(__file__).resolve().parents[2] / "include"


def test_serve_in_thread_serves_and_stops() -> None:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    with serve_in_thread(app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert requests.get(f"{base_url}/ping", timeout=5).json() == {"pong": "yes"}
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base_url}/ping", timeout=2)


def test_catalog_factory_seeds_both_sandboxes_from_one_scenario(start_catalog_sandboxes: Any) -> None:
    with start_catalog_sandboxes(n_products=12, seed=5, faults={"latency_ms": 1}) as stack:
        assert isinstance(stack.scenario, CatalogScenario)
        assert stack.bsale.health() == {"status": "ok", "vendor": "bsale"}
        assert stack.jumpseller.health() == {"status": "ok", "vendor": "jumpseller"}
        bsale_rows = stack.bsale.inspect_get("catalog")
        js_rows = stack.jumpseller.inspect_get("/_sandbox/listings")
        shared = {r["sku"] for r in bsale_rows} & {r["sku"] for r in js_rows}
        assert shared == set(stack.scenario.shared_skus)
        assert stack.bsale.faults()["latency_ms"] == 1


def test_sandboxes_do_not_share_state(bsale_sandbox: Any, catalog_scenario: CatalogScenario) -> None:
    sku = catalog_scenario.shared_skus[0]
    before = catalog_scenario.bsale_available(sku)
    bsale_sandbox.inspect_post("stock", {"sku": sku, "available": before + 100})
    assert catalog_scenario.bsale_available(sku) == before


def test_cli_parser_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.vendor, args.host, args.bsale_port, args.jumpseller_port) == (
        "all",
        "127.0.0.1",
        18081,
        18082,
    )
    assert (args.products, args.seed) == (40, 7)
    assert (args.facto_port, args.orders, args.order_days) == (18083, 200, 30)
    assert build_parser().parse_args(["serve", "--vendor", "facto"]).vendor == "facto"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, deadline: float) -> dict[str, Any]:
    while True:
        try:
            return requests.get(url, timeout=1).json()
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_cli_serves_every_vendor_until_sigterm() -> None:
    bsale_port, js_port, facto_port, js_extra_port = _free_port(), _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(INCLUDE_DIR), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "puente_sandbox", "serve", "--vendor", "all", "--products", "8", "--orders", "20"]
    command += ["--bsale-port", str(bsale_port), "--jumpseller-port", str(js_port), "--facto-port", str(facto_port)]
    command += ["--jumpseller-extra-port", str(js_extra_port), "--order-days", "10"]
    siigo_port, escala_port = _free_port(), _free_port()
    command += ["--siigo-port", str(siigo_port), "--escala-port", str(escala_port), "--siigo-invoices", "12"]
    command += ["--astroselling-port", str(_free_port()), "--mercadolibre-port", str(_free_port())]  # never the demo's
    command += ["--alegra-port", str(_free_port()), "--contabilium-port", str(_free_port())]
    command += ["--argentine-jumpseller-port", str(_free_port())]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        assert _wait_healthy(f"http://127.0.0.1:{bsale_port}/_sandbox/health", deadline)["vendor"] == "bsale"
        assert (
            _wait_healthy(f"http://127.0.0.1:{js_port}/_sandbox/health", deadline)["vendor"] == "jumpseller"
        )
        assert _wait_healthy(f"http://127.0.0.1:{facto_port}/_sandbox/health", deadline)["vendor"] == "facto"
        assert _wait_healthy(f"http://127.0.0.1:{siigo_port}/_sandbox/health", deadline)["vendor"] == "siigo"
        assert _wait_healthy(f"http://127.0.0.1:{escala_port}/_sandbox/health", deadline)["vendor"] == "escala"
        invoices = requests.get(f"http://127.0.0.1:{siigo_port}/_sandbox/invoices", timeout=5).json()
        assert len(invoices) == 12
        assert all(date.fromisoformat(i["date"]) >= date.today() - timedelta(days=8) for i in invoices)
        count = requests.get(
            f"http://127.0.0.1:{js_port}/v1/orders/count.json", auth=(DEFAULT_LOGIN, DEFAULT_AUTHTOKEN), timeout=5
        )
        assert count.json() == {"count": 20}
        # a second merchant's store: its own orders, all within the last --order-days days
        extra = _wait_healthy(f"http://127.0.0.1:{js_extra_port}/_sandbox/health", deadline)
        assert extra["vendor"] == "jumpseller"
        auth = (DEFAULT_LOGIN, DEFAULT_AUTHTOKEN)
        orders = [
            requests.get(f"http://127.0.0.1:{port}/v1/orders.json", params={"limit": 100}, auth=auth, timeout=5).json()
            for port in (js_port, js_extra_port)
        ]
        assert len(orders[1]) == 20 and orders[0] != orders[1]
        days = {date.fromisoformat(item["order"]["created_at"][:10]) for item in orders[1]}
        assert date.today() - timedelta(days=11) <= min(days) and max(days) <= date.today() + timedelta(days=1)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert f"bsale sandbox listening on http://127.0.0.1:{bsale_port}" in output
    assert f"facto sandbox listening on http://127.0.0.1:{facto_port}" in output
    assert "sandboxes stopped" in output


def test_invoicing_factory_serves_orders_and_facto(start_invoicing_sandboxes: Any) -> None:
    with start_invoicing_sandboxes(n_orders=30, n_products=12, seed=5, faults={"latency_ms": 1}) as stack:
        assert stack.facto is not None and stack.facto.health()["vendor"] == "facto"
        assert stack.orders.catalog is stack.scenario
        count = stack.jumpseller.client().get(stack.jumpseller.url("/v1/orders/count.json"), timeout=10)
        assert count.json() == {"count": 30}
        assert stack.facto.faults()["latency_ms"] == 1
