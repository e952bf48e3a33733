"""A CRM backfill (Siigo invoices -> Escala opportunities) of many days: time against Siigo's budget, and a kill.

Why: a new tenant backfills months of invoices; Siigo allows 100 requests/min, so the backfill can
take no less than the calls it must make allow, and it should take little more (target: within
1.2x). Killed mid-way, re-running the range must leave every invoice with exactly one opportunity.

The calls a day run must make to Siigo: the created-in-window and edited-in-window invoice lists
(``ceil(n / 100)`` pages each, at least one; a never-edited invoice matches the edited query on its
creation), one ``/v1/customers`` lookup per distinct customer of the day, and one ``POST /auth``
per process (the token is cached). The bound is the greedy schedule of that many calls at
100/min (``catalog_sync.min_send_time``). Escala publishes no limit: its sandbox and the
benchmark's Escala connection run unthrottled (extras ``rate_limit_per_second/minute: 0``), so
Escala adds only its real work to the wall time.

Steps, per phase, each with fresh sandboxes (their own process, bench/_crm_sandboxes.py), a
throwaway AIRFLOW_HOME and state DB: **measured**: bench/_crm_worker.py runs the day runs serially
(``dag.test`` per day, as a backfill runs them with max_active_runs 1); wall = the sum of the day
runs. **resume**: the worker is SIGKILLed in the middle of day ``--kill-after + 1`` (once Escala
holds half of that day's opportunities), then the whole range runs again; every Siigo invoice
must have exactly one opportunity in Escala.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import requests

from _util import BENCH, PYTHON, REPO, emit_result, ratio, throwaway_airflow
from catalog_sync import min_send_time
from puente_sandbox.credentials import (
    DEFAULT_ESCALA_API_KEY,
    DEFAULT_SIIGO_ACCESS_KEY,
    DEFAULT_SIIGO_PARTNER_ID,
    DEFAULT_SIIGO_USER,
)

TARGET_RATIO = 1.2
TENANT = "bench_crm"
FIRST_DAY = date(2026, 8, 1)
PAGE = 100


def tenant_yaml(info: dict[str, Any]) -> str:
    return (f"tenant: {TENANT}\nname: Bench CRM SAS\ncountry: CO\ntimezone: America/Bogota\ncurrency: COP\n"
            "erp: {vendor: siigo, conn_id: siigo_bench_crm}\ncrm: {vendor: escala, conn_id: escala_bench_crm}\n"
            "flows:\n  catalog_sync: {enabled: false}\n  crm_sync:\n    enabled: true\n    retries: 0\n"
            f"    start_date: {FIRST_DAY.isoformat()}\n    cedula_field: {info['cedula_field']}\n"
            f"    seller_owners: {{629: {info['owner_email']}}}\n    stage: Contactado\n")


def connections(info: dict[str, Any]) -> dict[str, str]:
    siigo = {"conn_type": "siigo", "host": info["urls"]["siigo"], "login": DEFAULT_SIIGO_USER,
             "password": DEFAULT_SIIGO_ACCESS_KEY, "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID}}  # 100/min
    escala = {"conn_type": "escala", "host": info["urls"]["escala"] + "/v1", "password": DEFAULT_ESCALA_API_KEY,
              "extra": {"rate_limit_per_second": 0, "rate_limit_per_minute": 0}}  # Escala publishes no limit
    return {"AIRFLOW_CONN_SIIGO_BENCH_CRM": json.dumps(siigo), "AIRFLOW_CONN_ESCALA_BENCH_CRM": json.dumps(escala)}


@contextmanager
def stack(spec: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """Sandboxes in their own process and a migrated throwaway Airflow home; yields (info, worker env)."""
    command = [PYTHON, str(BENCH / "_crm_sandboxes.py"), json.dumps(spec)]
    paths = [str(BENCH), str(REPO / "include"), os.environ.get("PYTHONPATH")]
    extra = {"PYTHONPATH": os.pathsep.join(filter(None, paths))}
    with throwaway_airflow("puente-bench-crm-", [command], extra_env=extra) as (tenants, env, (info,)):
        (tenants / f"{TENANT}.yaml").write_text(tenant_yaml(info))
        yield info, {**env, **connections(info)}


def worker(env: dict[str, str], days: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, str(BENCH / "_crm_worker.py"), TENANT, FIRST_DAY.isoformat(), str(days)],
                            env=env, stdout=subprocess.PIPE, stderr=log.open("ab"), text=True)


def day_lines(process: subprocess.Popen) -> Iterator[dict[str, Any]]:
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith("DAY "):
            yield json.loads(line[4:])


def deals(info: dict[str, Any]) -> list[dict[str, Any]]:
    return requests.get(info["urls"]["escala"] + "/_sandbox/deals", timeout=60).json()


def siigo_bound(info: dict[str, Any]) -> tuple[int, float]:
    """Calls the day runs must make to Siigo, and the least time 100/min allows for them."""
    calls = 1 + sum(2 * max(1, -(-d["invoices"] // PAGE)) + d["customers"] for d in info["per_day"])
    return calls, min_send_time(calls, info["siigo_rate_limits"])


def measured(spec: dict[str, Any], log: Path) -> dict[str, Any]:
    with stack(spec) as (info, env):
        started = time.perf_counter()
        process = worker(env, spec["days"], log)
        runs = list(day_lines(process))
        process_wall = time.perf_counter() - started
        if process.wait() != 0 or len(runs) != spec["days"]:
            raise RuntimeError(f"worker failed ({process.returncode}), see {log}")
        counters = requests.get(info["urls"]["siigo"] + "/_sandbox/counters", timeout=30).json()
        invoices = requests.get(info["urls"]["siigo"] + "/_sandbox/invoices", timeout=60).json()
        made = Counter(d["name"] for d in deals(info))
    calls, bound = siigo_bound(info)
    wall = sum(r["wall_s"] for r in runs)
    return {"states": dict(Counter(r["state"] for r in runs)), "day_runs_wall_s": wall,
            "process_wall_s": process_wall, "slowest_day_s": max(r["wall_s"] for r in runs),
            "siigo_calls": counters["total_requests"], "siigo_calls_needed": calls,
            "siigo_by_route": counters["by_route"], "siigo_429": counters["rate_limited"],
            "siigo_max_in_60s": counters["max_requests_in_60s"], "bound_s": bound,
            "ratio": wall / bound if bound else None, "ratio_process": process_wall / bound if bound else None,
            "invoices": len(invoices), "opportunities": sum(made.get(f"Factura {i['name']}", 0) for i in invoices)}


def resume(spec: dict[str, Any], kill_after: int, log: Path) -> dict[str, Any]:
    with stack(spec) as (info, env):
        seeded = len(deals(info))
        process = worker(env, spec["days"], log)
        for done, _ in enumerate(day_lines(process), start=1):
            if done == kill_after:
                break
        goal = seeded + kill_after * spec["per_day"] + spec["per_day"] // 2
        while len(deals(info)) < goal and process.poll() is None:
            time.sleep(0.2)
        at_kill = len(deals(info)) - seeded
        process.send_signal(signal.SIGKILL)
        process.wait()
        started = time.perf_counter()
        rerun = worker(env, spec["days"], log)
        runs = list(day_lines(rerun))
        rerun_wall = time.perf_counter() - started
        rerun.wait()
        invoices = requests.get(info["urls"]["siigo"] + "/_sandbox/invoices", timeout=60).json()
        made = Counter(d["name"] for d in deals(info))
    per_invoice = Counter(made.get(f"Factura {i['name']}", 0) for i in invoices)
    return {"killed_after_days": kill_after, "opportunities_at_kill": at_kill,
            "rerun_states": dict(Counter(r["state"] for r in runs)), "rerun_wall_s": rerun_wall,
            "invoices": len(invoices), "opportunities_per_invoice": {str(k): v for k, v in per_invoice.items()},
            "duplicates": sum(n - 1 for n in made.values() if n > 1), "lost": per_invoice.get(0, 0)}


def report(r: dict[str, Any]) -> None:
    m = r["measured"]
    print(f"CRM backfill: {r['days']} days x {r['per_day']} invoices ({r['customers']} customers), "
          f"serial day runs through dag.test; Siigo 100/min (sandbox 429s + hook limiter), Escala unthrottled")
    print(f"day runs {m['states']}; {m['invoices']} invoices, {m['opportunities']} opportunities")
    print(f"Siigo calls {m['siigo_calls']} (needed {m['siigo_calls_needed']}), 429s {m['siigo_429']}, "
          f"max in any 60 s {m['siigo_max_in_60s']}; by route {m['siigo_by_route']}")
    print(f"wall: day runs {m['day_runs_wall_s']:.1f} s (process {m['process_wall_s']:.1f} s); "
          f"Siigo budget bound {m['bound_s']:.1f} s")
    if m["ratio"] is None:
        print("fewer calls than one minute's budget: the bound is 0 s, no ratio (use more days)")
    else:
        print(f"ratio day runs / bound {m['ratio']:.3f} -> {ratio(m['ratio'], TARGET_RATIO)}; "
              f"process / bound {m['ratio_process']:.3f}")
    if res := r.get("resume"):
        verdict = "met" if res["duplicates"] == 0 and res["lost"] == 0 else "NOT met"
        print(f"resume: SIGKILL after {res['killed_after_days']} days + {res['opportunities_at_kill']} "
              f"opportunities; re-run of the range {res['rerun_states']} in {res['rerun_wall_s']:.1f} s; "
              f"{res['invoices']} invoices, opportunities per invoice {res['opportunities_per_invoice']}, "
              f"duplicates {res['duplicates']}, lost {res['lost']} ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=200)
    parser.add_argument("--customers", type=int, default=20, help="distinct Siigo customers (lookups per day)")
    parser.add_argument("--kill-after", type=int, default=None, help="days done before the kill (default days/3)")
    parser.add_argument("--skip-resume", action="store_true")
    args = parser.parse_args()
    spec = {"days": args.days, "per_day": args.per_day, "customers": args.customers,
            "first_day": FIRST_DAY.isoformat()}
    log = Path(tempfile.gettempdir()) / "puente-bench-crm-worker.log"
    log.write_text("")
    result: dict[str, Any] = {**spec, "measured": measured(spec, log), "load_avg": os.getloadavg()}
    if not args.skip_resume:
        result["resume"] = resume(spec, args.kill_after or max(1, args.days // 3), log)
    report(result)
    emit_result({"benchmark": "crm_backfill", **result})


if __name__ == "__main__":
    sys.exit(main())
