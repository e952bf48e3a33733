"""One connection, one tenant: a file may name another tenant's Airflow connection only when that tenant shares it.

Why: a tenant file names connection ids, and a connection *is* a merchant's account (its credentials
live in Airflow). ``evil.yaml`` naming ``bsale_andes_outdoor`` validated, and would have invoiced
through Andes Outdoor's Bsale account and read its stock. The legitimate case is Contabilium's one
account serving several stores: the owner lists that connection under ``shared_connections`` with the
tenants that may use it too. Channels are never shared (the model refuses it): two tenants on one store
would each invoice its orders, and Contabilium links a Jumpseller store to one account at a time
("no es posible vincular la misma cuenta de Jumpseller en más de una cuenta de Contabilium").

Who owns a connection that several files name: the tenant the id names (the id is the tenant id or
ends with ``_<tenant id>``, the longest such: ``bsale_andes_outdoor`` is andes_outdoor's); else the one
file that shares it; else nobody, and every file naming it is rejected, each naming the others, so
none silently wins. A copied or hostile file thus cannot take a connection named after a tenant away
from it, not even by "sharing" it. Connection ids are compared case-insensitively (some metadata
databases do).

A worker loads only its DAG's file and must reach the scheduler's verdict. A tenant whose
connections are all named after it (the convention) owns them whatever the other files say, so
nothing else is read; for any other connection the directory's files are read as bytes and parsed
only when they hold its id. (An id spelt with YAML escapes slips past that filter on a worker only;
the scheduler parses every file, so it still rejects the file and no run of it starts.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from puente.config.models import TenantConfig, connection_sections


@dataclass(frozen=True)
class ConnectionUse:
    tenant: str
    path: Path
    field: str  # where the file names it, e.g. ``channels[1].conn_id``
    role: str  # "the ERP", "a channel", "the CRM"
    vendor: str
    conn_id: str


def connection_uses(config: TenantConfig, path: Path) -> list[ConnectionUse]:
    return [ConnectionUse(config.tenant, path, field, role, section.vendor, section.conn_id)
            for field, section, role in connection_sections(config)]


def named_owner(conn_id: str, tenants: set[str]) -> str | None:
    """The tenant whose id the connection id names (it, or ``<anything>_<it>``), the longest such."""
    conn_id = conn_id.lower()
    if conn_id in tenants:
        return conn_id
    suffixes = (conn_id[index + 1:] for index, char in enumerate(conn_id) if char == "_")  # longest first
    return next((suffix for suffix in suffixes if suffix in tenants), None)


def ownership_errors(peers: dict[Path, TenantConfig]) -> dict[Path, list[tuple[str, str]]]:
    """File -> (field, reason) for every connection it names but may not use.

    ``peers`` are the tenant files that validated on their own, by path: the files being loaded and
    every other file of their directories that names one of their connections.
    """
    uses: dict[str, list[ConnectionUse]] = {}
    for path, config in peers.items():
        for use in connection_uses(config, path):
            uses.setdefault(use.conn_id.lower(), []).append(use)
    grants = {config.tenant: {conn.lower(): set(tenants) for conn, tenants in config.shared_connections.items()}
              for config in peers.values()}
    errors: dict[Path, list[tuple[str, str]]] = {}
    for conn_id, named_by in sorted(uses.items()):
        for use, reason in _refusals(conn_id, named_by, grants):
            errors.setdefault(use.path, []).append((use.field, reason))
    return errors


def _refusals(conn_id: str, named_by: list[ConnectionUse], grants: dict[str, dict[str, set[str]]]):
    tenants = {use.tenant for use in named_by}
    if len(tenants) < 2:
        return
    sharers = sorted(tenant for tenant in tenants if conn_id in grants[tenant])
    owner = named_owner(conn_id, tenants) or (sharers[0] if len(sharers) == 1 else None)
    owner_uses = [use for use in named_by if use.tenant == owner]
    for use in named_by:
        if use.tenant == owner:
            continue
        others = ", ".join(sorted({other.path.name for other in named_by if other.tenant != use.tenant}))
        if not owner_uses:
            yield use, (f"the connection {conn_id!r} is also named in {others}: a connection belongs to one tenant, "
                        "so neither file may use it; name each tenant's own connection (e.g. <vendor>_<tenant>), "
                        "or let its owner share it (shared_connections)")
            continue
        home, kind = owner_uses[0].path.name, owner_uses[0].role
        if use.role == "a channel" or kind == "a channel":
            yield use, (f"the connection {conn_id!r} is tenant {owner!r}'s store ({home}): a store belongs to one "
                        "tenant (two tenants on one store would each invoice its orders)")
        elif use.tenant not in grants[owner].get(conn_id, ()):
            yield use, (f"the connection {conn_id!r} belongs to tenant {owner!r} ({home}); this tenant may use it "
                        f"only if {home} lists {use.tenant!r} under shared_connections.{conn_id}")
        elif (use.role, use.vendor) != (kind, owner_uses[0].vendor):
            yield use, (f"tenant {owner!r} shares {conn_id!r} as {kind} ({owner_uses[0].vendor}); here it is "
                        f"{use.role} ({use.vendor})")
