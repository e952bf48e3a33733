"""What-if timings for the factory's DAG building: how much each candidate fix would save.

Runs in a fresh interpreter (``_parse_whatif.py``, tenants from PUENTE_TENANTS_DIR). The product
code is not changed: each variant patches, for the duration of its timing only, the one thing it
compares (bench-only monkeypatching): the factory as it is, the factory without
``puente.param_speedups`` (Airflow's Param validation and deep copy as shipped), and no DAG-level
``Param``s at all (the floor for the typed trigger form's cost). Variants run round-robin and the
best CPU time of each is kept, so a load change on the shared machine hits all of them alike. The main variants are
also timed through a whole DagBag (the factory module is already imported, so the patches apply to
the DAG file too). Prints JSON.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

from airflow.dag_processing.dagbag import DagBag

from puente import factory, param_speedups
from puente.config.loader import load_tenants


@contextmanager
def without_param_speedups() -> Iterator[None]:
    """Airflow as shipped: no validation memo, generic deep copy of Params (what Puente had before)."""
    param_speedups.uninstall()
    try:
        yield
    finally:
        param_speedups.install()


def dag_without_params(**kwargs: Any) -> Any:
    kwargs.pop("params", None)
    return ORIGINAL_DAG(**kwargs)


DAGS = Path(__file__).resolve().parents[1] / "dags"
WITHOUT_SPEEDUPS = "without param_speedups (Airflow as shipped)"
NO_PARAMS = "no DAG-level Params (dag_run.conf only)"
DAGBAG_VARIANTS = ("as is", WITHOUT_SPEEDUPS, NO_PARAMS)
ORIGINAL_DAG = factory.DAG
VARIANTS: dict[str, Callable[[], Any]] = {
    "as is": nullcontext,
    WITHOUT_SPEEDUPS: without_param_speedups,
    NO_PARAMS: lambda: mock.patch.object(factory, "DAG", dag_without_params),
}


def cpu_ms(func: Callable[[], Any]) -> float:
    start = time.process_time()
    func()
    return (time.process_time() - start) * 1000


def interleaved_best(jobs: dict[str, tuple[Callable[[], Any], Callable[[], Any], int]], rounds: int) -> dict:
    """Best CPU ms per item of each job; jobs run round-robin so load changes hit all variants alike."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(rounds):
        for name, (context, func, items) in jobs.items():
            with context():
                best[name] = min(best[name], cpu_ms(func) / items)
    return best


def main(rounds: int = 3) -> None:
    configs = list(load_tenants().tenants.values())
    dags = sum(len(factory.build_tenant_dags(config)) for config in configs)

    def build_all() -> None:
        for config in configs:
            factory.build_tenant_dags(config)

    def dagbag() -> None:
        DagBag(dag_folder=str(DAGS))

    jobs = {name: (variant, build_all, dags) for name, variant in VARIANTS.items()}
    jobs["load and validate (per tenant)"] = (nullcontext, load_tenants, len(configs))
    for flow, builder in factory.FLOW_BUILDERS.items():
        enabled = [config for config in configs if getattr(config.flows, flow).enabled]
        if enabled:
            jobs[f"flow {flow}"] = (nullcontext, lambda b=builder, e=enabled: [b(c) for c in e], len(enabled))
    for name in DAGBAG_VARIANTS:  # end to end, as the DAG processor would see the fix
        jobs[f"DagBag: {name}"] = (VARIANTS[name], dagbag, dags)
    best = interleaved_best(jobs, rounds)
    print(json.dumps({
        "load_ms_per_tenant": best.pop("load and validate (per tenant)"),
        "build_ms_per_dag": {name: best[name] for name in VARIANTS},
        "build_ms_per_dag_by_flow": {k.removeprefix("flow "): v for k, v in best.items() if k.startswith("flow ")},
        "dagbag_ms_per_dag": {name: best[f"DagBag: {name}"] for name in DAGBAG_VARIANTS},
    }))


if __name__ == "__main__":
    main()
