"""The demo connections' sandboxes: one process serving every loopback connection of a settings file.

``make demo`` runs them for its DAG runs; ``make up`` (``puente sandboxes``) for a person clicking
through the UI. Both read the ports from the same ``airflow_settings.yaml`` the connections come
from, so every demo connection has its sandbox and a port is changed in one place.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import requests

from puente.airflow_settings import read_settings

ORDER_DAYS = 30  # days of recent orders the sandboxes serve (the demo invoices them in one manual run)


def sandbox_ports(settings_path: Path) -> dict[str, list[int]]:
    """Loopback ports of the sandbox connections, per vendor, in file order (one per store)."""
    ports: dict[str, list[int]] = {}
    for entry in read_settings(settings_path)["connections"]:
        host = urlparse(entry.get("conn_host") or "")
        if host.hostname in {"127.0.0.1", "localhost"} and host.port:
            ports.setdefault(entry["conn_type"], [])
            if host.port not in ports[entry["conn_type"]]:
                ports[entry["conn_type"]].append(host.port)
    return ports


def serve_command(ports: dict[str, list[int]], argentine_stores: list[int] | None = None) -> list[str]:
    """The sandbox CLI serving every vendor; a vendor's further ports are further stores (Jumpseller).

    ``argentine_stores``: Jumpseller ports whose buyers are Argentine (the stores of a Contabilium
    tenant). A vendor the file has no connection for is not served (Mercado Libre: port 0)."""
    command = [sys.executable, "-m", "puente_sandbox", "serve", "--vendor", "all", "--order-days", str(ORDER_DAYS)]
    for vendor, vendor_ports in ports.items():
        command += [f"--{vendor}-port", str(vendor_ports[0])]
        command += [arg for port in vendor_ports[1:] for arg in (f"--{vendor}-extra-port", str(port))]
    if "mercadolibre" not in ports:
        command += ["--mercadolibre-port", "0"]
    command += [arg for port in argentine_stores or () for arg in ("--argentine-jumpseller-port", str(port))]
    return command


def argentine_store_ports(settings_path: Path) -> list[int]:
    """Ports of the Jumpseller connections a Contabilium tenant sells through (Argentine buyers)."""
    from puente.config.loader import load_tenants

    argentine = {channel.conn_id for config in load_tenants().tenants.values() if config.erp.vendor == "contabilium"
                 for channel in config.channels if channel.vendor == "jumpseller"}
    return [urlparse(entry["conn_host"]).port for entry in read_settings(settings_path)["connections"]
            if entry["conn_id"] in argentine and entry.get("conn_host")]


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextmanager
def running_sandboxes(settings_path: Path, log_path: Path | None = None):
    """Start the sandboxes, wait until each port answers ``/_sandbox/health``, stop them after."""
    ports = sandbox_ports(settings_path)
    every_port = [port for vendor_ports in ports.values() for port in vendor_ports]
    busy = [port for port in every_port if not port_free(port)]
    if busy:
        raise SystemExit(f"sandbox port(s) {busy} already in use (is `make up` running?)")
    command = serve_command(ports, argentine_store_ports(settings_path))
    log_path = log_path or Path(os.environ.get("AIRFLOW_HOME", ".airflow")) / "sandboxes.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("ab")
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        for port in every_port:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the vendor sandboxes did not start")
                time.sleep(0.2)
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=10)
        log_file.close()




def serve_until_stopped(settings_path: Path, log_path: Path | None = None) -> int:
    """Serve every sandbox of ``settings_path`` until SIGINT/SIGTERM (``puente sandboxes``)."""
    stop = {"now": False}

    def _stop(_signum, _frame) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with running_sandboxes(settings_path, log_path) as ports:
        served = ", ".join(f"{vendor} {','.join(map(str, p))}" for vendor, p in ports.items())
        print(f"sandboxes up ({served}); Ctrl-C stops them", flush=True)
        while not stop["now"]:
            time.sleep(0.2)
    return 0
