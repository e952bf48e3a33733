"""``puente sandboxes`` (what ``make up`` runs): every loopback connection of the settings file gets its
sandbox, on the ports the file says, and one Ctrl-C stops them all.

The demo file's ports are remapped to free ones in a copy, so the test runs beside a ``make up``
and shows the ports are configured in that one file."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import requests

from puente.airflow_settings import read_settings

SETTINGS = Path(__file__).resolve().parents[1] / "airflow_settings.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def remapped_settings(tmp_path: Path) -> Path:
    text = SETTINGS.read_text()
    ports = sorted(set(re.findall(r"127\.0\.0\.1:(\d+)", text)))
    for old in ports:
        text = text.replace(f"127.0.0.1:{old}", f"127.0.0.1:{free_port()}")
    path = tmp_path / "airflow_settings.yaml"
    path.write_text(text)
    return path


def test_every_demo_connection_has_its_sandbox_and_ctrl_c_stops_them(tmp_path):
    settings = remapped_settings(tmp_path)
    hosts = {entry["conn_id"]: urlparse(entry["conn_host"]) for entry in read_settings(settings)["connections"]
             if entry.get("conn_host", "").startswith("http://127.0.0.1")}
    assert len(hosts) >= 12
    process = subprocess.Popen([sys.executable, "-m", "puente.cli", "sandboxes", "--settings", str(settings)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
    try:
        first_line = process.stdout.readline()
        assert "sandboxes up" in first_line, first_line + process.stdout.read()
        for conn_id, host in hosts.items():
            answer = requests.get(f"http://127.0.0.1:{host.port}/_sandbox/health", timeout=5)
            assert answer.ok, conn_id
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_answers(host.port) for host in hosts.values()):
        time.sleep(0.2)
    assert not [conn_id for conn_id, host in hosts.items() if _answers(host.port)]


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
