"""Inputs for the DAG-parse benchmark: tenant files, and the same DAG shapes for the contenders.

The comparison is only fair if every contender builds exactly the DAGs Puente builds, so the
dag-factory YAML and the plain-Python file are written from specs extracted from Puente's own
DagBag (ids, tasks, dependencies, tags, params, default_args, schedule, docs), not hand-copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from puente.config.loader import load_tenant_file
from puente.config.models import Flows, TenantConfig

COUNTRIES = (
    ("CL", "America/Santiago", "CLP"),
    ("CO", "America/Bogota", "COP"),
    ("AR", "America/Argentina/Buenos_Aires", "ARS"),
    ("PE", "America/Lima", "PEN"),
    ("MX", "America/Mexico_City", "MXN"),
)
SIIGO_ESCALA_FLOWS = {"crm_sync"}
SCHEDULES = ("@hourly", "*/15 * * * *", "0 */2 * * *", "@daily", None)
EMPTY_OPERATOR = "airflow.providers.standard.operators.empty.EmptyOperator"
BASH_OPERATOR = "airflow.providers.standard.operators.bash.BashOperator"  # mapped tasks: bash_command


def tenant_document(index: int) -> dict[str, Any]:
    """A valid variation of include/tenants/andes_outdoor.yaml with every flow it can have enabled;
    every third tenant is Colombian (Siigo, Astroselling, Escala) and so has every flow of the schema."""
    if index % 3 == 2:
        return colombian_tenant_document(index)
    tenant = f"bench_{index:04d}"
    country, timezone, currency = COUNTRIES[index % len(COUNTRIES)]
    flows: dict[str, dict[str, Any]] = {}
    for position, flow in enumerate(Flows.model_fields):  # every flow the schema has, enabled
        if flow in SIIGO_ESCALA_FLOWS:  # needs a Siigo ERP and an Escala CRM: the Colombian tenants have it
            continue
        flows[flow] = {"enabled": True, "schedule": SCHEDULES[(index + position) % len(SCHEDULES)]}
        if index % 7 == 0:
            flows[flow]["owner"] = f"ops-{country.lower()}"
    flows["catalog_sync"].update(
        stock=True, price=index % 3 != 0, price_with_taxes=index % 2 == 0, presale=index % 5 == 0
    )
    return {
        "tenant": tenant,
        "name": f"Bench Store {index} SpA",
        "country": country,
        "timezone": timezone,
        "currency": currency,
        "owner": f"owner-{index % 11}",
        "erp": {
            "vendor": "bsale",
            "conn_id": f"bsale_{tenant}",
            "office_id": 1 + index % 3,
            "price_list_id": None if index % 4 == 0 else 1 + index % 2,
        },
        "channels": [
            {"vendor": "jumpseller", "conn_id": f"jumpseller_{tenant}_{k}"} for k in range(1 + index % 3)
        ],
        "flows": flows,
    }


def colombian_tenant_document(index: int) -> dict[str, Any]:
    """Siigo -> Astroselling catalog sync and invoicing, Siigo -> Escala CRM: every flow enabled."""
    tenant = f"bench_{index:04d}"
    flows: dict[str, dict[str, Any]] = {
        flow: {"enabled": True, "schedule": SCHEDULES[(index + position) % len(SCHEDULES)]}
        for position, flow in enumerate(Flows.model_fields)
    }
    flows["crm_sync"].update(cedula_field="cf_contact_cedula_bench_text", seller_owners={629: "ventas@bench.co"})
    return {
        "tenant": tenant,
        "name": f"Bench Tienda {index} SAS",
        "country": "CO",
        "timezone": "America/Bogota",
        "currency": "COP",
        "owner": f"owner-{index % 11}",
        "erp": {"vendor": "siigo", "conn_id": f"siigo_{tenant}"},
        "channels": [
            {"vendor": "astroselling", "conn_id": f"astroselling_{tenant}_{k}"} for k in range(1 + index % 3)
        ],
        "crm": {"vendor": "escala", "conn_id": f"escala_{tenant}"},
        "flows": flows,
    }


def write_tenants(directory: Path, count: int) -> list[str]:
    """Write ``count`` tenant files and check each one validates (a schema change must not go unnoticed)."""
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(count):
        document = tenant_document(index)
        path = directory / f"{document['tenant']}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        loaded = load_tenant_file(path)
        if not isinstance(loaded, TenantConfig):
            raise ValueError(f"generated tenant file is invalid: {loaded.message()}")
        names.append(document["tenant"])
    return names


def dag_spec(dag: Any) -> dict[str, Any]:
    """Everything that defines a DAG's shape, as JSON: what the other contenders must rebuild."""
    default_args = dict(dag.default_args)
    delay = default_args.pop("retry_delay", None)
    params = {}
    for name in dag.params:
        param = dag.params.get_param(name)
        params[name] = {"default": param.value, "schema": dict(param.schema),
                        "description": param.description}
    tasks = []
    for task in dag.tasks:
        spec: dict[str, Any] = {"task_id": task.task_id, "upstream": sorted(task.upstream_task_ids)}
        rule = getattr(task.trigger_rule, "value", task.trigger_rule)
        if rule != "all_success":
            spec["trigger_rule"] = rule
        if task.retries != default_args.get("retries"):
            spec["retries"] = task.retries
        expand_input = getattr(task, "expand_input", None)  # a mapped task: map over an upstream's output
        if expand_input is not None:
            spec["expand_from"] = next(arg.operator.task_id for arg in expand_input.value.values())
        tasks.append(spec)
    local_start = dag.start_date.astimezone(dag.timezone)
    schedule, timetable = dag.schedule, None
    if schedule is not None and not isinstance(schedule, str):  # crm_sync's CronDataIntervalTimetable
        timezone = schedule.timezone
        timetable = {"expression": schedule.expression, "timezone": getattr(timezone, "name", str(timezone))}
        schedule = None
    return {
        "dag_id": dag.dag_id,
        "description": dag.description,
        "schedule": schedule,
        "timetable": timetable,
        "start_date": local_start.date().isoformat(),
        "timezone": dag.timezone.name,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tags": sorted(dag.tags),
        "doc_md": dag.doc_md,
        "default_args": default_args,
        "retry_delay_seconds": delay.total_seconds() if delay is not None else None,
        "params": params,
        "tasks": tasks,
    }


def _dagfactory_document(spec: dict[str, Any]) -> dict[str, Any]:
    default_args = dict(spec["default_args"])
    if spec["retry_delay_seconds"] is not None:
        seconds = spec["retry_delay_seconds"]
        default_args["retry_delay"] = {"__type__": "datetime.timedelta", "seconds": seconds}
    params = {
        name: {"__type__": "airflow.sdk.Param", "__args__": [p["default"]], **p["schema"],
               "description": p["description"]}
        for name, p in spec["params"].items()
    }
    tasks = {}
    for task in spec["tasks"]:
        entry: dict[str, Any] = {"operator": EMPTY_OPERATOR}
        if "expand_from" in task:
            entry = {"operator": BASH_OPERATOR, "expand": {"bash_command": f"{task['expand_from']}.output"}}
        entry.update({k: task[k] for k in ("trigger_rule", "retries") if k in task})
        if task["upstream"]:
            entry["dependencies"] = task["upstream"]
        tasks[task["task_id"]] = entry
    body = {k: spec[k] for k in ("description", "schedule", "catchup", "max_active_runs", "tags", "doc_md")}
    if spec["timetable"]:
        body["schedule"] = {"__type__": "airflow.sdk.CronDataIntervalTimetable", **spec["timetable"]}
    body.update(start_date=spec["start_date"], timezone=spec["timezone"], default_args=default_args,
                params=params, tasks=tasks)
    return {spec["dag_id"]: body}


DAGFACTORY_LOADER = '''"""dag-factory contender: every YAML file under {yaml_dir} (airflow DAG file)."""
from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), dags_folder={yaml_dir!r})
'''

PLAIN_LOADER = '''"""Plain-Python contender: the same DAGs from a JSON spec file (an airflow DAG file)."""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, CronDataIntervalTimetable, Param

with open({specs!r}, encoding="utf-8") as handle:
    SPECS = json.load(handle)

for spec in SPECS:
    default_args = dict(spec["default_args"])
    if spec["retry_delay_seconds"] is not None:
        default_args["retry_delay"] = timedelta(seconds=spec["retry_delay_seconds"])
    start = datetime.fromisoformat(spec["start_date"]).replace(tzinfo=ZoneInfo(spec["timezone"]))
    with DAG(
        dag_id=spec["dag_id"], description=spec["description"],
        schedule=CronDataIntervalTimetable(**spec["timetable"]) if spec["timetable"] else spec["schedule"],
        start_date=start, catchup=spec["catchup"], max_active_runs=spec["max_active_runs"],
        tags=spec["tags"], doc_md=spec["doc_md"], default_args=default_args,
        params={{n: Param(p["default"], description=p["description"], **p["schema"])
                for n, p in spec["params"].items()}},
    ) as dag:
        tasks = {{}}
        for task in spec["tasks"]:
            extra = {{k: task[k] for k in ("trigger_rule", "retries") if k in task}}
            if "expand_from" in task:
                tasks[task["task_id"]] = BashOperator.partial(task_id=task["task_id"], **extra).expand(
                    bash_command=tasks[task["expand_from"]].output
                )
            else:
                tasks[task["task_id"]] = EmptyOperator(task_id=task["task_id"], **extra)
        for task in spec["tasks"]:
            for upstream in task["upstream"]:
                tasks[upstream] >> tasks[task["task_id"]]
    globals()[spec["dag_id"]] = dag
'''


def write_contenders(specs: list[dict[str, Any]], root: Path) -> tuple[Path, Path]:
    """Write the dag-factory folder (one YAML per DAG, like one file per tenant) and the plain folder."""
    yaml_dir, df_dags, plain_dags = root / "dagfactory_yaml", root / "dagfactory_dags", root / "plain_dags"
    for folder in (yaml_dir, df_dags, plain_dags):
        folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        document = _dagfactory_document(spec)
        (yaml_dir / f"{spec['dag_id']}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (df_dags / "dagfactory_dags.py").write_text(DAGFACTORY_LOADER.format(yaml_dir=str(yaml_dir)))
    specs_path = root / "plain_specs.json"
    specs_path.write_text(json.dumps(specs))
    (plain_dags / "plain_dags.py").write_text(PLAIN_LOADER.format(specs=str(specs_path)))
    return df_dags, plain_dags
