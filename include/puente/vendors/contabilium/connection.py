"""The Airflow connection form of the ``contabilium`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "contabilium", "puente.vendors.contabilium.hook.ContabiliumHook", "Contabilium",
        relabeling={"login": "Client ID (account e-mail)", "password": "API key"},
        placeholders={
            "host": "https://rest.contabilium.com (empty: from country)",
            "login": "usuario@empresa.com.ar",
            "password": "API key (Mi Cuenta > Datos de mi empresa > API)",
            "country": "AR",
        },
        fields={
            "country": {
                "label": "Country",
                "description": "Contabilium instance country; picks the API host when Host is empty "
                "(AR rest.contabilium.com, CL rest.contabilium.cl, UY rest.contabilium.com.uy). "
                "Budget: 30 requests per 10 s (set by the hook).",
                "schema": {"type": ["string", "null"], "enum": ["AR", "CL", "UY", None]},
            },
            "timeout": RATE_LIMIT_FIELDS["timeout"],
        },
    ),
)
