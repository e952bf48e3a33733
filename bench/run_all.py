"""Run every benchmark in turn, print a summary against the targets, save bench/results-<date>.json.

Why a runner: the benchmarks share one 2-core machine with everything else, so they run one at a
time, each in its own interpreter (imports and caches of one never help another), and the JSON
keeps the raw numbers that docs/benchmarks.md quotes. Usage: ``make bench`` or
``.venv/bin/python bench/run_all.py [micro dag_parse catalog_plan catalog_sync invoicing crm_backfill]``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

BENCH = Path(__file__).resolve().parent
BENCHMARKS = ("micro", "dag_parse", "catalog_plan", "catalog_sync", "invoicing", "crm_backfill")
# The full 5,000-order invoicing run takes ~20 min (dag.test alone ~17 min: 8,246 calls at 100 ms,
# one at a time): the runner uses 1,000 orders (~5 min); run ``bench/invoicing.py`` alone for that.
# The 90-day x 200-invoice CRM backfill is bound by Siigo's 100/min to ~22 min per pass: the runner
# uses 6 days x 100 invoices (~4 min with the kill-and-resume pass); run bench/crm_backfill.py alone for it.
ARGS = {"invoicing": ["--orders", "1000"],
        "crm_backfill": ["--days", "6", "--per-day", "100", "--kill-after", "2"]}


def missing_requirements(path: Path) -> list[str]:
    """Requirements of ``path`` not satisfied by the running environment."""
    missing = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            missing.append(line)
    return missing


def install_requirements() -> None:
    path = BENCH / "requirements.txt"
    missing = missing_requirements(path)
    if not missing:
        return
    print(f"installing benchmark requirements: {', '.join(missing)}", flush=True)
    uv = Path(sys.executable).parent / "uv"
    if uv.exists() or shutil.which("uv"):
        uv_exe = str(uv if uv.exists() else "uv")
        command = [uv_exe, "pip", "install", "--python", sys.executable, "-r", str(path)]
    else:
        command = [sys.executable, "-m", "pip", "install", "-q", "-r", str(path)]
    subprocess.run(command, check=True)


def run_benchmark(name: str) -> dict[str, Any] | None:
    """Run one benchmark, echo its report, return its RESULT line (None if it failed)."""
    print(f"\n=== {name} ===", flush=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH.parent / "include"),
                                                                     os.environ.get("PYTHONPATH")])))
    command = [sys.executable, str(BENCH / f"{name}.py"), *ARGS.get(name, [])]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    result = None
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print(line)
    if done.returncode != 0 or result is None:
        print(f"{name} FAILED ({done.returncode}):\n{done.stderr[-3000:]}")
        return None
    return result


def summary(results: dict[str, Any]) -> list[str]:
    lines = []
    if micro := results.get("micro"):
        us, gen = micro["limiter_us_per_acquire"], max(micro["catalog_20k_cpu_s"], micro["orders_5k_cpu_s"])
        lines.append(f"micro         limiter {us:.1f} µs/acquire (target 50: {'met' if us < 50 else 'NOT met'}); "
                     f"scenario generation {gen:.2f} s CPU (target 2: {'met' if gen < 2 else 'NOT met'})")
    if parse := results.get("dag_parse"):
        best = parse["puente"]["best_ms_per_dag"]
        verdict = "met" if best <= 1.5 else "NOT met"
        lines.append(f"dag_parse     Puente {best:.2f} ms/DAG (target 1.5: {verdict}); "
                     f"dag-factory {parse['dagfactory']['best_ms_per_dag']:.2f}, "
                     f"plain {parse['plain']['best_ms_per_dag']:.2f}")
    if plan := results.get("catalog_plan"):
        us = plan["plan_us_per_sku"]
        lines.append(f"catalog_plan  {us:.2f} µs/SKU (target 10: {'met' if us < 10 else 'NOT met'}); "
                     f"mapping {plan['map_source_us_per_sku'] + plan['map_listing_us_per_sku']:.2f} µs/SKU")
    if sync := results.get("catalog_sync"):
        r = sync["wall_ratio_task"]
        lines.append(f"catalog_sync  {r:.2f}x the Jumpseller budget bound (target 1.2: "
                     f"{'met' if r <= 1.2 else 'NOT met'}); "
                     f"calls Bsale {sync['bsale_calls']}/{sync['bsale_bound']}, "
                     f"Jumpseller {sync['jumpseller_calls']}/{sync['jumpseller_bound']}")
    if inv := results.get("invoicing"):
        r, ms = inv["ratio_to_budget_bound"], inv["overhead_ms_per_order"]
        lines.append(f"invoicing     {inv['n_orders']} orders: {r:.2f}x the budget bound (target 1.2: "
                     f"{'met' if r <= 1.2 else 'NOT met'}); overhead {ms:.2f} ms/order (target 5: "
                     f"{'met' if ms < 5 else 'NOT met'}); CPU {inv['cpu_ms_per_order']:.2f} ms/order")
    if crm := results.get("crm_backfill"):
        m, res = crm["measured"], crm.get("resume") or {}
        r = m["ratio"]
        verdict = "no bound (under a minute of calls)" if r is None else (
            f"{r:.2f}x the Siigo budget bound (target 1.2: {'met' if r <= 1.2 else 'NOT met'})")
        lines.append(f"crm_backfill  {crm['days']} days x {crm['per_day']} invoices: {verdict}; Siigo calls "
                     f"{m['siigo_calls']}/{m['siigo_calls_needed']}; after a kill: duplicates "
                     f"{res.get('duplicates')}, lost {res.get('lost')}")
    return lines


def main(argv: list[str]) -> int:
    install_requirements()
    names = argv or list(BENCHMARKS)
    results = {name: run_benchmark(name) for name in names}
    lines = summary({k: v for k, v in results.items() if v})
    print("\n=== summary ===\n" + "\n".join(lines))
    out = BENCH / f"results-{date.today().isoformat()}.json"
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "load_avg_at_end": os.getloadavg()}
    out.write_text(json.dumps({"date": date.today().isoformat(), "machine": machine, "results": results},
                              indent=2, default=str) + "\n")
    print(f"wrote {out}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
