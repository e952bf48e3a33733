"""Building blocks shared by every tenant-config model (kept apart so vendor modules can import
them without importing the tenant model)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# "__" separates the tenant from the flow in DAG ids (``<tenant>__<flow>``), so a tenant id cannot hold it.
TENANT_ID = re.compile(r"^(?!.*__)[a-z][a-z0-9_]{1,62}$")
RESERVED_TENANT_IDS = frozenset({"config_error"})  # the prefix of the config-error DAGs
CONN_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,250}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ConnId = Annotated[str, Field(pattern=CONN_ID.pattern, description="Airflow connection id")]
