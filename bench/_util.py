"""Small helpers shared by the benchmarks: timing, subprocess runs, a quiet Airflow environment.

Benchmarks print ratios against targets and never assert: they are run on demand (``make bench``)
and recorded in docs/benchmarks.md, because timings on a shared 2-core machine are too noisy to
gate CI on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
PYTHON = sys.executable


def best_of(func: Callable[[], Any], runs: int) -> tuple[float, float, list[float]]:
    """Best wall and best CPU seconds of ``runs`` calls, plus every wall time.

    The minimum is the least noisy estimate on a machine other sessions share; CPU time
    (``process_time``) is steadier still when the load average is above the core count.
    """
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), walls


def quiet_airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a measuring subprocess: its own AIRFLOW_HOME, no examples, no telemetry.

    Logging is raised to WARNING for every contender alike, so per-file INFO lines (dag-factory
    logs two per YAML file) do not dominate what we compare.
    """
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        # dag-factory needs ~28 s for 1000 DAGs in one file even on a quiet machine, close to the 30 s
        # default: a timeout would measure the timeout, not the parser (reported in docs/benchmarks.md)
        AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT="600",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY="False",
        DO_NOT_TRACK="1",
        SCARF_NO_ANALYTICS="true",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "include"), env.get("PYTHONPATH")])),
    )
    env.pop("_AIRFLOW_PARSING_CONTEXT_DAG_ID", None)
    env.update(extra)
    return env


def run_json(args: list[str], env: dict[str, str], timeout: float = 600) -> Any:
    """Run a helper script in a fresh interpreter and parse the JSON it prints on its last line."""
    done = subprocess.run(
        [PYTHON, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio(value: float, target: float) -> str:
    """``value / target`` with a verdict, the way every benchmark reports against its target."""
    verdict = "met" if value <= target else "NOT met"
    return f"{value / target:.2f}x of target ({verdict})"


def emit_result(result: dict[str, Any]) -> None:
    """Last stdout line of every benchmark: machine-readable, picked up by run_all.py."""
    print("RESULT " + json.dumps(result, default=str))


@contextmanager
def throwaway_airflow(
    prefix: str, sandbox_commands: list[list[str]], *, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[Path, dict[str, str], list[dict[str, Any]]]]:
    """A temporary Airflow home (``airflow db migrate``, ~15 s), SQLite state and tenants folder, and
    the sandboxes, each in its own process, started while the migration runs.

    Yields (tenants folder, environment, the first JSON line each sandbox printed: its URLs and
    scenario). Each sandbox process serves until its stdin closes, which happens on exit.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        (root / "tenants").mkdir()
        env = quiet_airflow_env(root / "airflow_home", PUENTE_TENANTS_DIR=str(root / "tenants"),
                                PUENTE_STATE_URL=f"sqlite:///{root / 'state.db'}",
                                AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"), **(extra_env or {}))
        migrate = subprocess.Popen([str(Path(PYTHON).parent / "airflow"), "db", "migrate"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        sandboxes = [subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                     for command in sandbox_commands]
        try:
            infos = [json.loads(process.stdout.readline()) for process in sandboxes]  # type: ignore[union-attr]
            if migrate.wait() != 0:
                raise RuntimeError(f"airflow db migrate failed: {migrate.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            yield root / "tenants", env, infos
        finally:
            for process in sandboxes:
                if process.stdin:
                    process.stdin.close()
                process.wait(timeout=30)
