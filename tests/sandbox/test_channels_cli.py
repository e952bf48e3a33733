"""``python -m puente_sandbox serve`` for the marketplace channels: Astroselling accounts that sell
the SKUs of the ERP they pair with, and a Mercado Libre seller, all with recent orders."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from puente_sandbox.astroselling.pairing import DEMO_PAIRING, erp_skus, parse_pairing
from puente_sandbox.cli import build_parser
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN

INCLUDE_DIR = Path(__file__).resolve().parents[2] / "include"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, deadline: float, **kwargs) -> requests.Response:
    while True:
        try:
            return requests.get(url, timeout=2, **kwargs)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_parser_defaults_and_pairing() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.astroselling_port, args.astroselling_extra_port, args.mercadolibre_port) == (18089, [], 18090)
    args = build_parser().parse_args(["serve", "--astroselling-extra-port", "18093", "--astroselling-extra-port", "9"])
    assert args.astroselling_extra_port == [18093, 9]
    assert parse_pairing([]) == DEMO_PAIRING == {18089: "alegra", 18093: "siigo"}
    assert parse_pairing(["18089=siigo", "7000=alegra"]) == {18089: "siigo", 18093: "siigo", 7000: "alegra"}
    with pytest.raises(ValueError, match="PORT=ERP"):
        parse_pairing(["18089=bsale"])
    assert erp_skus("siigo")[:2] == ["SKU-0001", "SKU-0002"] and erp_skus("alegra")[:2] == ["REF-0001", "REF-0002"]


def test_astroselling_accounts_sell_their_erps_skus_and_mercadolibre_serves_recent_orders() -> None:
    main, extra, meli = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(INCLUDE_DIR), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "puente_sandbox", "serve", "--vendor", "astroselling", "--channel-orders", "12",
               "--order-days", "5", "--astroselling-port", str(main), "--astroselling-extra-port", str(extra),
               "--astroselling-skus-from", f"{main}=alegra", "--astroselling-skus-from", f"{extra}=siigo"]  # fmt: skip
    astro = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    command = [sys.executable, "-m", "puente_sandbox", "serve", "--vendor", "mercadolibre", "--channel-orders", "12",
               "--order-days", "5", "--mercadolibre-port", str(meli)]  # fmt: skip
    melis = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        headers = {"Authorization": f"Bearer {DEFAULT_ASTROSELLING_TOKEN}"}
        skus = {}
        for port in (main, extra):
            products = _wait(f"http://127.0.0.1:{port}/jupiter/v1/channels/9101/products?limit=500", deadline,
                             headers=headers).json()["data"]  # fmt: skip
            skus[port] = {p["sku"] for p in products}
        assert skus[main] == set(erp_skus("alegra")) and skus[extra] == set(erp_skus("siigo"))
        orders = _wait(f"http://127.0.0.1:{main}/_sandbox/orders", deadline).json()
        assert len(orders) == 12
        assert min(datetime.fromisoformat(o["created_at"]).date() for o in orders) >= date.today() - timedelta(days=6)
        meli_orders = _wait(f"http://127.0.0.1:{meli}/_sandbox/orders", deadline).json()
        assert len(meli_orders) == 12
        assert all(datetime.fromisoformat(o["date_created"]).date() >= date.today() - timedelta(days=6)
                   for o in meli_orders)  # fmt: skip
    finally:
        outputs = []
        for process in (astro, melis):
            process.send_signal(signal.SIGTERM)
            outputs.append(process.communicate(timeout=10)[0])
    assert astro.returncode == 0 and melis.returncode == 0, outputs
    assert f"astroselling sandbox (alegra SKUs) listening on http://127.0.0.1:{main}" in outputs[0]
    assert f"mercadolibre sandbox listening on http://127.0.0.1:{meli}" in outputs[1]
