"""Runs in a fresh interpreter per contender: time Airflow's DagBag on one DAG folder.

A fresh process matters: the DAG processor parses each file in a new child process, where only
Airflow's own modules are pre-imported (``parsing_pre_import_modules``). So the *cold* parse,
which also imports the contender's modules (pydantic models, dag-factory), is what production
pays per file; the *warm* best-of-N shows the DAG-building cost alone.

Usage: ``_parse_worker.py measure FOLDER RUNS [SPECS_OUT]`` or ``_parse_worker.py profile FOLDER OUT``.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from airflow.dag_processing.dagbag import DagBag


def _bag(folder: str) -> tuple[float, float, DagBag]:
    """Wall and CPU seconds of one DagBag: CPU time is the steadier number on a shared machine."""
    start, cpu = time.perf_counter(), time.process_time()
    bag = DagBag(dag_folder=folder)
    return time.perf_counter() - start, time.process_time() - cpu, bag


def measure(folder: str, runs: int, specs_out: str | None) -> dict[str, Any]:
    cold, cold_cpu, bag = _bag(folder)
    if bag.import_errors:
        raise SystemExit(f"import errors in {folder}: {bag.import_errors}")
    warm, warm_cpu = zip(*(_bag(folder)[:2] for _ in range(runs)), strict=True)
    if specs_out:
        sys.path.insert(0, str(Path(__file__).parent))
        from _parse_inputs import dag_spec

        Path(specs_out).write_text(json.dumps([dag_spec(bag.dags[d]) for d in sorted(bag.dags)], default=str))
    return {
        "dags": bag.size(),
        "tasks": sum(len(d.tasks) for d in bag.dags.values()),
        "dag_ids_sample": sorted(bag.dags)[:3],
        "cold_s": cold,
        "cold_cpu_s": cold_cpu,
        "warm_s": list(warm),
        "warm_cpu_s": list(warm_cpu),
    }


# Where the time goes, by the functions that own it (cumulative seconds, nested ones overlap).
BUCKETS = {
    "YAML load (yaml.load)": ("yaml/__init__.py", "load"),
    "pydantic validation (TenantConfig.model_validate)": ("pydantic/main.py", "model_validate"),
    "model_dump (tenant_config for operators)": ("pydantic/main.py", "model_dump"),
    "DAG construction (DAG.__init__, attrs)": ("airflow.sdk.definitions.dag.DAG>", "__init__"),
    "DAG param validation (in DAG.__init__)": ("airflow/sdk/definitions/dag.py", "_validate_params"),
    "jsonschema check_schema (metaschema of each Param)": ("jsonschema/validators.py", "check_schema"),
    "params deep-copied into every operator": ("airflow/sdk/bases/operator.py", "_get_parent_defaults"),
    "… of which Param deep copies (param_speedups)": ("puente/param_speedups.py", "param_deepcopy"),
    "Param validation through the memo (param_speedups)": ("puente/param_speedups.py", "memoised_validate"),
    "watcher wiring (_watch)": ("puente/factory.py", "_watch"),
    "operator construction (apply_defaults)": ("airflow/sdk/bases/operator.py", "apply_defaults"),
    "dependency wiring (>>)": ("airflow/sdk/definitions/_internal/abstractoperator.py", "__rshift__"),
    "Param construction": ("airflow/sdk/definitions/param.py", "__init__"),
    "doc_md rendering (_catalog_doc)": ("puente/factory.py", "_catalog_doc"),
    "doc_md rendering (_invoicing_doc)": ("puente/factory.py", "_invoicing_doc"),
    "DagBag.bag_dag (cycle check, policies)": ("airflow/dag_processing/dagbag.py", "bag_dag"),
    "DAG.validate": ("airflow/sdk/definitions/dag.py", "validate"),
    "factory total (register_dags)": ("puente/factory.py", "register_dags"),
    "load_tenants": ("puente/config/loader.py", "load_tenants"),
    "build_tenant_dags": ("puente/factory.py", "build_tenant_dags"),
}


def profile(folder: str, out: str) -> dict[str, Any]:
    _bag(folder)  # warm: profile the steady-state build, imports are reported by the cold number
    profiler = cProfile.Profile()
    profiler.enable()
    DagBag(dag_folder=folder)
    profiler.disable()
    profiler.dump_stats(out)
    stats = pstats.Stats(out)
    total = max(entry[3] for entry in stats.stats.values())  # type: ignore[attr-defined]
    buckets: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for label, (suffix, func) in BUCKETS.items():
            if name == func and filename.endswith(suffix):
                buckets[label] = buckets.get(label, 0.0) + ct
    top = sorted(
        ((ct, tt, f"{Path(fn).name}:{line}:{name}") for (fn, line, name), (_c, _n, tt, ct, _r)
         in stats.stats.items()),  # type: ignore[attr-defined]
        reverse=True,
    )
    self_top = sorted(top, key=lambda row: row[1], reverse=True)[:15]
    return {"profiled_total_s": total, "buckets_s": buckets,
            "top_self": [(round(tt, 4), where) for _ct, tt, where in self_top]}


def main(argv: list[str]) -> None:
    if argv[0] == "measure":
        result = measure(argv[1], int(argv[2]), argv[3] if len(argv) > 3 else None)
    else:
        result = profile(argv[1], argv[2])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
