"""A real Airflow for end-to-end tests: api-server, scheduler, dag-processor (and a triggerer on request),
each its own process in its own process group, on a private AIRFLOW_HOME (SQLite metadata,
LocalExecutor), with SimpleAuthManager users whose passwords the test chooses.

Why processes and not ``dag.test()``: what a person meets (the login, the trigger form's unpause +
trigger, runs the scheduler starts, task processes that reach the api-server) only exists there.
Everything is stopped on exit, whole process groups, so no scheduler or task survives a test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
TERMINAL = {"success", "failed"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveAirflow:
    """A running Airflow: ``url``, ``users`` (name -> password), REST helpers that act as a user would."""

    home: Path
    url: str
    users: dict[str, str]
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def token(self, user: str) -> str:
        answer = requests.post(f"{self.url}/auth/token", json={"username": user, "password": self.users[user]},
                               timeout=30)
        answer.raise_for_status()
        return answer.json()["access_token"]

    def api(self, user: str, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(user)}"}
        return requests.request(method, f"{self.url}/api/v2{path}", headers=headers, timeout=60, **kwargs)

    def wait_for_dag(self, user: str, dag_id: str, timeout: float = 180) -> None:
        """Until the dag-processor has serialised ``dag_id`` (the trigger form exists only then)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.api(user, "GET", f"/dags/{dag_id}").status_code == 200:
                return
            self.check_alive()
            time.sleep(1)
        raise AssertionError(f"{dag_id} never appeared; dag-processor log:\n{self.log('dag-processor')[-3000:]}")

    def unpause_and_trigger(self, user: str, dag_id: str, conf: dict) -> str:
        """What the trigger form sends with 'Unpause on trigger' on (Airflow 3.3 UI): PATCH, then POST."""
        patched = self.api(user, "PATCH", f"/dags/{dag_id}", params={"update_mask": "is_paused"},
                           json={"is_paused": False})
        assert patched.status_code == 200, patched.text
        return self.trigger(user, dag_id, conf)

    def trigger(self, user: str, dag_id: str, conf: dict) -> str:
        posted = self.api(user, "POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf})
        assert posted.status_code == 200, posted.text
        return posted.json()["dag_run_id"]

    def wait_for_run(self, user: str, dag_id: str, run_id: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.api(user, "GET", f"/dags/{dag_id}/dagRuns/{run_id}").json().get("state")
            if state in TERMINAL:
                return state
            self.check_alive()
            time.sleep(1)
        raise AssertionError(f"{dag_id} {run_id} did not finish in {timeout} s; scheduler log:\n"
                             f"{self.log('scheduler')[-3000:]}")

    def runs(self, user: str, dag_id: str) -> list[dict]:
        return self.api(user, "GET", f"/dags/{dag_id}/dagRuns").json()["dag_runs"]

    def log(self, name: str) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"airflow {name} exited {process.returncode}:\n{self.log(name)[-3000:]}")


def live_env(home: Path, port: int, users: dict[str, str], roles: dict[str, str], extra: dict[str, str]) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))}
    url = f"http://127.0.0.1:{port}"
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{user}:{roles[user]}" for user in users),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__API_AUTH__JWT_SECRET": "live-airflow-test-jwt-secret-0123456789abcdef0123456789abcdef",
        "AIRFLOW__API__SECRET_KEY": "live-airflow-test-secret-key",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    env.update(extra)
    return env


@contextmanager
def live_airflow(home: Path, roles: dict[str, str], extra_env: dict[str, str], *,
                 triggerer: bool = False) -> Iterator[LiveAirflow]:
    """Start Airflow with ``roles`` (user -> SimpleAuthManager role) and ``extra_env`` (tenants dir, state URL,
    ``AIRFLOW_CONN_*`` for the sandboxes); yield it when the api-server answers; stop every process."""
    home.mkdir(parents=True, exist_ok=True)
    users = {user: f"{user}-pw-{os.getpid()}" for user in roles}
    (home / "passwords.json").write_text(json.dumps(users))
    port = free_port()
    env = live_env(home, port, users, roles, extra_env)
    migrated = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=600)
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    live = LiveAirflow(home, f"http://127.0.0.1:{port}", users, env)
    commands = {"api-server": ["api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                "scheduler": ["scheduler"], "dag-processor": ["dag-processor"]}
    if triggerer:
        commands["triggerer"] = ["triggerer"]
    try:
        for name, args in commands.items():
            log = open(home / f"{name}.log", "wb")  # noqa: SIM115 - the process writes it until stopped
            live.processes[name] = subprocess.Popen([AIRFLOW, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                                    start_new_session=True)
        _wait_until_up(live)
        yield live
    finally:
        for process in live.processes.values():
            _stop_group(process)


def _wait_until_up(live: LiveAirflow, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live.check_alive()
        try:
            if requests.get(f"{live.url}/api/v2/monitor/health", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the api-server did not answer in {timeout} s:\n{live.log('api-server')[-3000:]}")


def _stop_group(process: subprocess.Popen) -> None:
    """TERM the whole group (the scheduler's task processes included), then KILL what is left."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            os.killpg(process.pid, signal.SIGKILL)  # children left in the group
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        return
