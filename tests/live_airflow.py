"""A real Airflow for tests that must go through what a person's browser does: api-server, scheduler and
DAG processor as separate processes on a temporary AIRFLOW_HOME (SQLite metadata, LocalExecutor,
SimpleAuthManager with an admin and the users a test asks for, by role), the repo's ``dags/`` and a
tenant directory the test chose.

Why not ``dag.test()``: the trigger form's traps (issue 14.7: "Unpause on trigger" makes the scheduler
create the latest interval's run at once) live in the scheduler and the REST API, which ``dag.test()``
skips. Start it once per module (``with live_airflow(...) as airflow``); each process runs in its own
process group, and leaving the block stops every group (TERM, then KILL), so no worker outlives the
test. ``airflow.base_url`` is the UI's address too (for a browser test); ``airflow.api(...)`` sends
REST calls with the admin's JWT, as the UI does.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIMPLE = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
USER = "admin"
FINISHED = {"success", "failed"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveAirflow:
    """Handle on the running processes: base URL, an authenticated session, waits on DAGs and runs."""

    def __init__(self, home: Path, port: int, passwords: dict[str, str]) -> None:
        self.home = home
        self.base_url = f"http://127.0.0.1:{port}"
        self.passwords = passwords  # user -> password, for a browser to type into Airflow's login page
        self.session = requests.Session()
        self.processes: dict[str, subprocess.Popen] = {}

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base_url}{path}", timeout=30, **kwargs)

    def login(self) -> str:
        """The admin's JWT from the auth manager's token route, then sent on every call."""
        answer = requests.post(f"{self.base_url}/auth/token",
                               json={"username": USER, "password": self.passwords[USER]}, timeout=30)
        answer.raise_for_status()
        token = answer.json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"
        return token

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"airflow {name} exited ({process.returncode}):\n{self.log_tail(name)}")

    def log_tail(self, name: str, chars: int = 4000) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def wait(self, what: str, check, timeout: float = 180, every: float = 1.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                found = check()
            except requests.RequestException:
                found = None
            if found:
                return found
            time.sleep(every)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}\n{self.log_tail('scheduler', 2000)}")

    def wait_for_dags(self, *dag_ids: str, timeout: float = 240) -> None:
        def all_there() -> bool:
            return all(self.api("GET", f"/api/v2/dags/{dag_id}").status_code == 200 for dag_id in dag_ids)

        self.wait(f"DAGs {dag_ids} to be parsed", all_there, timeout)

    def runs(self, dag_id: str) -> list[dict]:
        answer = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns")
        answer.raise_for_status()
        return answer.json()["dag_runs"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 240) -> dict:
        def finished() -> dict | None:
            run = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}").json()
            return run if run.get("state") in FINISHED else None

        return self.wait(f"run {dag_id}/{run_id} to finish", finished, timeout)

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        answer = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances")
        answer.raise_for_status()
        return {ti["task_id"]: ti["state"] for ti in answer.json()["task_instances"]}


def _environment(home: Path, port: int, tenants_dir: Path, state_url: str, extra: dict[str, str],
                 roles: dict[str, str], passwords: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AIRFLOW_", "AIRFLOW__", "_AIRFLOW"))}
    passwords_file = home / "passwords.json"
    passwords_file.write_text(json.dumps(passwords))
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",  # the test machine is small and shared
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{user}:{role}" for user, role in roles.items()),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        # one secret for every process, or tasks fail "Signature verification failed" (notes, section 9)
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "PUENTE_TENANTS_DIR": str(tenants_dir),
        "PUENTE_STATE_URL": state_url,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    env.update(extra)
    return env


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    """TERM every process group, give them 20 s, then KILL what is left (task runners included)."""
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes.values():
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes.values():
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group: forked task processes too
        process.wait(timeout=10)


@contextmanager
def live_airflow(tenants_dir: Path, state_url: str, env: dict[str, str] | None = None,
                 users: dict[str, str] | None = None) -> Iterator[LiveAirflow]:
    """api-server + scheduler + dag-processor on a fresh home; ``env`` adds e.g. ``AIRFLOW_CONN_*``;
    ``users`` (name -> SimpleAuthManager role: viewer, user, op, admin) beside the admin the REST calls use."""
    home = Path(tempfile.mkdtemp(prefix="puente-live-airflow-"))
    port = free_port()
    roles = {USER: "admin", **(users or {})}
    passwords = {user: secrets.token_urlsafe(12) for user in roles}
    environment = _environment(home, port, tenants_dir, state_url, env or {}, roles, passwords)
    migrated = subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=environment, capture_output=True,
                              text=True, timeout=600)
    if migrated.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{migrated.stdout[-2000:]}\n{migrated.stderr[-2000:]}")
    airflow = LiveAirflow(home, port, passwords)
    commands = {"api-server": ["api-server", "--port", str(port), "--host", "127.0.0.1", "--workers", "1"],
                "scheduler": ["scheduler"], "dag-processor": ["dag-processor"]}
    try:
        for name, args in commands.items():
            with open(home / f"{name}.log", "wb") as log:
                airflow.processes[name] = subprocess.Popen(
                    [str(BIN / "airflow"), *args], env=environment, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True, cwd=home)
        airflow.wait("the api-server", lambda: requests.get(f"{airflow.base_url}/api/v2/monitor/health",
                                                            timeout=5).ok, timeout=120)
        airflow.login()
        yield airflow
    finally:
        _stop(airflow.processes)
