"""Load an Astronomer-format ``airflow_settings.yaml`` into plain Airflow.

Plain Airflow cannot read that file (only the Astro CLI does), so the demo and ``make up`` use
this loader. It upserts: re-running it is safe.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def read_settings(path: Path) -> dict[str, list[dict[str, Any]]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = raw.get("airflow") or {}
    return {key: section.get(key) or [] for key in ("connections", "pools", "variables")}


def connection_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """Astro keys (conn_host, conn_extra, ...) -> Airflow Connection keyword arguments."""
    if entry.get("conn_uri"):
        return {"conn_id": entry["conn_id"], "uri": entry["conn_uri"]}
    extra = entry.get("conn_extra")
    return {
        "conn_id": entry["conn_id"],
        "conn_type": entry["conn_type"],
        "host": entry.get("conn_host"),
        "schema": entry.get("conn_schema"),
        "login": entry.get("conn_login"),
        "password": entry.get("conn_password"),
        "port": entry.get("conn_port"),
        "extra": json.dumps(extra) if isinstance(extra, dict) else extra,
    }


def connections_as_env(path: Path) -> dict[str, str]:
    """``AIRFLOW_CONN_<ID>`` JSON values: how tests hand the same connections to a process."""
    env = {}
    for entry in read_settings(path)["connections"]:
        fields = connection_fields(entry)
        conn_id = fields.pop("conn_id").upper()
        if "extra" in fields and isinstance(fields["extra"], str):
            fields["extra"] = json.loads(fields["extra"])
        env[f"AIRFLOW_CONN_{conn_id}"] = json.dumps({k: v for k, v in fields.items() if v is not None})
    return env


def load_into_airflow(path: Path) -> dict[str, int]:
    """Upsert connections, pools and variables into the Airflow metadata database."""
    from airflow.models import Connection, Pool, Variable
    from airflow.utils.session import create_session
    from sqlalchemy import select

    settings = read_settings(path)
    with create_session() as session:
        for entry in settings["connections"]:
            conn = Connection(**connection_fields(entry))
            existing = session.scalar(select(Connection).where(Connection.conn_id == conn.conn_id))
            if existing is not None:
                session.delete(existing)
                session.flush()
            session.add(conn)
        for entry in settings["pools"]:
            Pool.create_or_update_pool(
                name=entry["pool_name"],
                slots=int(entry.get("pool_slot", 1)),
                description=entry.get("pool_description") or "",
                include_deferred=bool(entry.get("include_deferred", False)),
                session=session,
            )
    for entry in settings["variables"]:
        Variable.set(entry["variable_name"], entry.get("variable_value"))
    return {key: len(value) for key, value in settings.items()}
