"""What-if timings for the factory's DAG building: how much each candidate fix would save.

Runs in a fresh interpreter (``_parse_whatif.py``, tenants from PUENTE_TENANTS_DIR). The product
code is not changed: each variant patches, for the duration of its timing only, the one thing the
fix would change (bench-only monkeypatching). Variants run round-robin and the best CPU time of
each is kept, so a load change on the shared machine hits all of them alike. The main variants are
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

import jsonschema
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import Param

from puente import factory
from puente.config.loader import load_tenants

DRAFT7 = "http://json-schema.org/draft-07/schema#"


@contextmanager
def memoised_check_schema() -> Iterator[None]:
    """Each distinct Param schema is checked against the metaschema once per process, not per DAG."""
    validator = jsonschema.validators.Draft202012Validator
    original = validator.check_schema.__func__  # type: ignore[attr-defined]
    seen: set[str] = set()

    def check_once(cls: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
        key = json.dumps(schema, sort_keys=True)
        if key not in seen:
            original(cls, schema, *args, **kwargs)
            seen.add(key)

    with mock.patch.object(validator, "check_schema", classmethod(check_once)):
        yield


def draft7_param(default: Any, description: str | None = None, **schema: Any) -> Param:
    """The same Param, declaring JSON Schema draft-07, whose metaschema is far cheaper to check."""
    return Param(default, description=description, schema={"$schema": DRAFT7, **schema})


def dag_without_params(**kwargs: Any) -> Any:
    kwargs.pop("params", None)
    return ORIGINAL_DAG(**kwargs)


DAGS = Path(__file__).resolve().parents[1] / "dags"
DAGBAG_VARIANTS = ("as is", "memoise jsonschema check_schema (upstream-style fix)",
                   "no DAG-level Params (dag_run.conf only)")
ORIGINAL_DAG = factory.DAG
VARIANTS: dict[str, Callable[[], Any]] = {
    "as is": nullcontext,
    "memoise jsonschema check_schema (upstream-style fix)": memoised_check_schema,
    "Params declare $schema draft-07": lambda: mock.patch.object(factory, "Param", draft7_param),
    "no DAG-level Params (dag_run.conf only)": lambda: mock.patch.object(factory, "DAG", dag_without_params),
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
