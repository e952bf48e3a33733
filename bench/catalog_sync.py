"""End-to-end catalog sync at 20,000 SKUs with 1% changed, through the real DAG (``dag.test()``).

Why: a steady-state hourly sync should cost what the vendors force on it and nothing more. API
calls are compared with the bound (every page of both sides + one write per changed item) and
wall time with the least time Jumpseller's documented budgets (20 req/s, 800 req/min) allow for
that many calls (target: within 1.2x); Bsale publishes no limit, so its connection is set to
unthrottled (extras ``rate_limit_per_second/minute: 0``, also BsaleHook's default now) and it adds
nothing to the bound. The operator reads both sides concurrently, so the Bsale read only costs
wall time where it outlasts the Jumpseller read.

Steps: sandboxes in their own processes (one per vendor); a throwaway AIRFLOW_HOME (``airflow db migrate``, ~15 s);
a first sync against the unthrottled Jumpseller app brings the store in step; 1% of SKUs are
changed in Bsale through its ``/_sandbox`` routes; the measured sync runs against the throttled
app, with the operator's collaborators (reads, plan, writes, state) wrapped to time each phase.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from _util import BENCH, REPO, emit_result, ratio, throwaway_airflow
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

TARGET_RATIO = 1.2
BSALE_OLD_GUESS = [[10, 1.0], [300, 60.0]]  # the guess compared with before BsaleHook dropped its default budget
TENANT, BSALE_CONN, JS_CONN = "bench_sync", "bsale_bench_sync", "jumpseller_bench_sync"
UNTHROTTLED = {"rate_limit_per_second": 0, "rate_limit_per_minute": 0}


def min_send_time(n: int, budgets: list[list[float]]) -> float:
    """Least seconds from the first to the last of ``n`` sends with ≤limit in every window (greedy)."""
    times: list[float] = []
    for i in range(n):
        earliest = 0.0
        for limit, window in budgets:
            if i >= limit:
                earliest = max(earliest, times[i - int(limit)] + window)
        times.append(earliest)
    return times[-1] if times else 0.0


def _pages(items: int, size: int, short_page_ends: bool) -> int:
    """Bsale's ``next`` link stops exactly; Jumpseller paging stops on a short page (+1 if exact)."""
    return items // size + 1 if short_page_ends else -(-items // size)


def _set_connections(sandbox: dict[str, Any], jumpseller: str, throttled: bool) -> None:
    bsale = {"conn_type": "bsale", "host": sandbox["urls"]["bsale"], "password": DEFAULT_ACCESS_TOKEN,
             "extra": UNTHROTTLED}
    js = {"conn_type": "jumpseller", "host": sandbox["urls"][jumpseller], "login": DEFAULT_LOGIN,
          "password": DEFAULT_AUTHTOKEN, "extra": {} if throttled else UNTHROTTLED}
    os.environ[f"AIRFLOW_CONN_{BSALE_CONN.upper()}"] = json.dumps(bsale)
    os.environ[f"AIRFLOW_CONN_{JS_CONN.upper()}"] = json.dumps(js)


def _tenant_yaml(sandbox: dict[str, Any]) -> str:
    return (f"tenant: {TENANT}\nname: Bench Sync SpA\ncountry: CL\n"
            f"erp: {{vendor: bsale, conn_id: {BSALE_CONN}, office_id: {sandbox['office_id']}, "
            f"price_list_id: {sandbox['price_list_id']}}}\n"
            f"channels: [{{vendor: jumpseller, conn_id: {JS_CONN}}}]\n"
            "flows: {catalog_sync: {schedule: null}}\n")


def _change_bsale(base: str, skus: list[str], office_id: int, price_list_id: int) -> None:
    """Act as the merchant: even positions get +7 available units, odd positions +1000 CLP gross."""
    snapshot = {row["sku"]: row for row in requests.get(f"{base}/_sandbox/catalog", timeout=60).json()}
    with requests.Session() as session:
        for position, sku in enumerate(skus):
            row = snapshot[sku]
            if position % 2 == 0:
                now = next((s["available"] for s in row["stocks"] if s["office_id"] == office_id), 0.0)
                body = {"sku": sku, "office_id": office_id, "available": now + 7}
                session.post(f"{base}/_sandbox/stock", json=body, timeout=10).raise_for_status()
            else:
                gross = next(p["gross"] for p in row["prices"] if p["price_list_id"] == price_list_id)
                body = {"sku": sku, "price_list_id": price_list_id, "gross": gross + 1000}
                session.post(f"{base}/_sandbox/price", json=body, timeout=10).raise_for_status()


def _run_dag(dag: Any) -> tuple[float, dict[str, float], str]:
    start = time.perf_counter()
    run = dag.test()
    wall = time.perf_counter() - start
    durations = {ti.task_id: (ti.end_date - ti.start_date).total_seconds() for ti in run.get_task_instances()}
    return wall, durations, str(getattr(run.state, "value", run.state))


@contextmanager
def phase_timer() -> Iterator[dict[str, float]]:
    """Wrap the operator's collaborators (in this process: dag.test runs tasks in-process) to time phases."""
    from puente.rules import catalog
    from puente.state.store import StateStore
    from puente.vendors.bsale.catalog_source import BsaleCatalogSource
    from puente.vendors.jumpseller.catalog_target import JumpsellerCatalogTarget

    phases: dict[str, float] = {}
    spans: dict[str, tuple[float, float]] = {}  # label -> (first start, last end): reads overlap now
    targets = [(BsaleCatalogSource, "read_catalog", "bsale_read"),
               (JumpsellerCatalogTarget, "read_listings", "jumpseller_read"),
               (catalog, "plan_catalog", "plan"),
               (JumpsellerCatalogTarget, "apply_update", "jumpseller_writes"),
               (StateStore, "save_links", "state_save_links"),
               (StateStore, "record_pushes", "state_record_pushes"),
               (StateStore, "write_report", "state_write_report")]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]

    def timed(func: Any, label: str) -> Any:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                end = time.perf_counter()
                phases[label] = phases.get(label, 0.0) + end - start
                first, last = spans.get(label, (start, end))
                spans[label] = (min(first, start), max(last, end))
        return wrapper

    for (owner, name, label), (_, _, func) in zip(targets, originals, strict=True):
        setattr(owner, name, timed(func, label))
    try:
        yield phases
    finally:
        reads = [spans[label] for label in ("bsale_read", "jumpseller_read") if label in spans]
        if reads:  # wall time of the two reads together (they run concurrently)
            phases["reads_together"] = max(end for _, end in reads) - min(start for start, _ in reads)
        for owner, name, func in originals:
            setattr(owner, name, func)


def _vendor_sizes(sandbox: dict[str, Any]) -> dict[str, int]:
    """List sizes as the vendors report them (Bsale ``count``, Jumpseller count route), for the bound."""
    bsale = requests.Session()
    bsale.headers["access_token"] = DEFAULT_ACCESS_TOKEN
    base, js = sandbox["urls"]["bsale"], sandbox["urls"]["jumpseller"]
    lists = {"bsale_variants": ("/v1/variants.json", {}),
             "bsale_stocks_in_office": ("/v1/stocks.json", {"officeid": sandbox["office_id"]}),
             "bsale_details_in_list": (f"/v1/price_lists/{sandbox['price_list_id']}/details.json", {})}
    sizes = {name: bsale.get(base + path, params={**params, "limit": 1}, timeout=30).json()["count"]
             for name, (path, params) in lists.items()}
    sizes["jumpseller_products"] = requests.get(f"{js}/v1/products/count.json", timeout=30,
                                                auth=(DEFAULT_LOGIN, DEFAULT_AUTHTOKEN)).json()["count"]
    return sizes


def run(n_skus: int, changed_share: float) -> dict[str, Any]:
    commands = [[sys.executable, str(BENCH / "_sandboxes.py"), str(n_skus), vendor]
                for vendor in ("bsale", "jumpseller")]
    with throwaway_airflow("puente-bench-sync-", commands) as (tenants, env, started):
        os.environ.update(env)
        if any({**one, "urls": {}} != {**started[0], "urls": {}} for one in started):
            raise RuntimeError("the vendor sandboxes generated different scenarios")
        sandbox = {**started[0], "urls": {name: url for one in started for name, url in one["urls"].items()}}
        (tenants / f"{TENANT}.yaml").write_text(_tenant_yaml(sandbox))
        return _measure(sandbox, n_skus, changed_share)


def _measure(sandbox: dict[str, Any], n_skus: int, changed_share: float) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    from puente.state.store import StateStore
    from puente.vendors.bsale.hook import BsaleHook

    bag = DagBag(dag_folder=str(REPO / "dags"))
    dag = bag.dags[f"{TENANT}__catalog_sync"]
    _set_connections(sandbox, "jumpseller_unthrottled", throttled=False)
    first_wall, _, first_state = _run_dag(dag)
    first = StateStore().reports(TENANT, f"catalog_sync/{JS_CONN}")[-1]["counts"]

    linked = sandbox["linked_skus"]
    wanted = round(n_skus * changed_share)
    changed = linked[:: max(1, len(linked) // wanted)][:wanted]
    bsale_url, js_url = sandbox["urls"]["bsale"], sandbox["urls"]["jumpseller"]
    _change_bsale(bsale_url, changed, sandbox["office_id"], sandbox["price_list_id"])
    sizes = _vendor_sizes(sandbox)
    for url in (bsale_url, js_url):
        requests.post(f"{url}/_sandbox/counters/reset", timeout=10).raise_for_status()

    _set_connections(sandbox, "jumpseller", throttled=True)
    with phase_timer() as phases:
        wall, durations, state = _run_dag(dag)
    counts = StateStore().reports(TENANT, f"catalog_sync/{JS_CONN}")[-1]["counts"]
    bsale_counters = requests.get(f"{bsale_url}/_sandbox/counters", timeout=10).json()
    js_counters = requests.get(f"{js_url}/_sandbox/counters", timeout=10).json()

    bsale_lists = ("bsale_variants", "bsale_stocks_in_office", "bsale_details_in_list")
    bsale_bound = sum(_pages(sizes[name], 50, False) for name in bsale_lists)
    js_bound = _pages(sizes["jumpseller_products"], 100, True) + len(changed)
    js_calls = js_counters["total_requests"]
    js_min_s = min_send_time(js_calls, sandbox["jumpseller_rate_limits"])
    sync_task = next(v for k, v in durations.items() if k.startswith("sync"))
    return {
        "n_skus": n_skus, "changed_skus": len(changed), "path": "dag.test() of the real tenant DAG",
        "first_sync": {"state": first_state, "wall_s": first_wall, "pushed_stock": first["pushed_stock"],
                       "pushed_price": first["pushed_price"]},
        "state": state, "counts": counts, "dag_test_wall_s": wall, "task_durations_s": durations,
        "bsale_calls": bsale_counters["total_requests"], "bsale_bound": bsale_bound,
        "jumpseller_calls": js_calls, "jumpseller_bound": js_bound,
        "jumpseller_by_route": js_counters["by_route"], "bsale_by_route": bsale_counters["by_route"],
        "jumpseller_rate_limited": js_counters["rate_limited"],
        "jumpseller_max_in_1s": js_counters["max_requests_in_1s"],
        "jumpseller_max_in_60s": js_counters["max_requests_in_60s"],
        "bsale_max_in_1s": bsale_counters["max_requests_in_1s"],
        "bsale_max_in_60s": bsale_counters["max_requests_in_60s"],
        "jumpseller_min_s": js_min_s, "sync_task_s": sync_task,
        "wall_ratio_task": sync_task / js_min_s if js_min_s else None,
        "wall_ratio_dag": wall / js_min_s if js_min_s else None,
        "bsale_default_budget": [list(b) for b in BsaleHook.rate_limit_budgets],
        "bsale_old_guess_min_s": min_send_time(bsale_counters["total_requests"], BSALE_OLD_GUESS),
        "phases_s": phases, "load_avg": os.getloadavg(),
    }


def report(r: dict[str, Any]) -> None:
    first, c, ph = r["first_sync"], r["counts"], r["phases_s"]
    print(f"catalog sync ({r['path']}): {r['n_skus']} SKUs; "
          f"first sync {first['state']} in {first['wall_s']:.1f} s "
          f"(pushed {first['pushed_stock']} stock / {first['pushed_price']} price); "
          f"then {r['changed_skus']} SKUs changed in Bsale")
    print(f"measured run {r['state']}: linked {c['linked']}, pushed stock {c['pushed_stock']}, "
          f"price {c['pushed_price']}, failed {c['failed']}")
    for vendor in ("bsale", "jumpseller"):
        calls, bound = r[f"{vendor}_calls"], r[f"{vendor}_bound"]
        print(f"{vendor} API calls {calls}, bound {bound} ({calls / bound:.2f}x); max in any 1 s "
              f"{r[f'{vendor}_max_in_1s']}, in any 60 s {r[f'{vendor}_max_in_60s']}")
    print(f"jumpseller 429s {r['jumpseller_rate_limited']} (limits 20/1 s, 800/60 s)")
    print(f"wall: sync task {r['sync_task_s']:.1f} s, whole dag.test {r['dag_test_wall_s']:.1f} s; "
          "budget bound "
          f"for {r['jumpseller_calls']} Jumpseller calls {r['jumpseller_min_s']:.1f} s")
    task_ratio = r["wall_ratio_task"]
    if task_ratio is None:  # so few calls that the budget never binds (small --skus)
        print("ratio sync task / bound: n/a (the Jumpseller budget does not bind at this size)")
    else:
        print(f"ratio sync task / bound {task_ratio:.2f} -> {ratio(task_ratio, TARGET_RATIO)}")
    print("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in ph.items()))
    js_only = ph.get("jumpseller_read", 0) + ph.get("jumpseller_writes", 0)
    js_bound = r["jumpseller_min_s"] or float("nan")
    print(f"Jumpseller phases alone / bound: {js_only / js_bound:.2f}; the reads run concurrently: "
          f"Bsale {ph.get('bsale_read', 0):.1f} s, Jumpseller {ph.get('jumpseller_read', 0):.1f} s, "
          f"both {ph.get('reads_together', 0):.1f} s")
    print(f"BsaleHook's default budget: {r['bsale_default_budget'] or 'none'}; under the old guess (10/s, "
          f"300/min) the {r['bsale_calls']} Bsale reads alone could not take less than "
          f"{r['bsale_old_guess_min_s']:.0f} s (load avg {r['load_avg'][0]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()
    result = run(args.skus, args.changed)
    report(result)
    emit_result({"benchmark": "catalog_sync", **result})


if __name__ == "__main__":
    main()
