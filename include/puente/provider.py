"""Airflow provider info for the ``puente`` distribution (entry point ``apache_airflow_provider``).

Custom connection types reach the Airflow UI/CLI only through an installed distribution's
provider info, and the hook form methods are deprecated since 3.2, so the connection forms are
declared by each vendor plug-in (its ``connection`` module, built with :mod:`puente.connection_forms`).
The runtime schema is ``airflow/provider_info.schema.json``; this module must stay import-cheap
(no Airflow, no hooks): the providers manager calls it in every Airflow process.
"""

from __future__ import annotations

from typing import Any


def get_provider_info() -> dict[str, Any]:
    """Provider metadata read by ``airflow.providers_manager`` (``package-name`` = distribution name).

    The connection types are those of every installed vendor plug-in (``puente.vendors`` entry
    points), one hook entry per type: its module, named like the form.
    """
    from puente.connectors.registry import connection_types

    kinds = connection_types()
    return {
        "package-name": "puente",
        "name": "Puente",
        "description": "Puente vendor hooks (ERPs, sales channels, CRMs) for LatAm integrations.",
        "hooks": [
            {"integration-name": kind["hook-name"], "python-modules": [kind["hook-class-name"].rpartition(".")[0]]}
            for kind in kinds
        ],
        "connection-types": kinds,
    }
