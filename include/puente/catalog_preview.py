"""What a catalog sync would change now, per channel, without writing anything anywhere.

For the console's "preview": the catalog task's own planning (:func:`puente.catalog_plan.plan_channel`:
the same reads, reservation, links and rules), stopped before any push, link save or run report.
Nothing is created in a vendor, no DAG is run or unpaused. The answer is bounded: counts, the
number of planned writes and the first ``MAX_CHANGES`` of them, per channel.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

MAX_CHANGES = 50


def preview_channel(config: Any, channel: Any, *, skus: Collection[str] | None = None, full_resync: bool = False,
                    max_changes: int = MAX_CHANGES) -> dict[str, Any]:
    """One channel's planned writes; a vendor that cannot be read raises its ``VendorError``."""
    from puente.catalog_plan import catalog_options, plan_channel, sources_for
    from puente.state.store import StateStore, _jsonable

    options = catalog_options(config, {"skus": sorted(skus) if skus else None, "full_resync": full_resync})
    source, target = sources_for(config, channel)
    planned = plan_channel(config, channel, source, target, options, StateStore())
    plan, reservation = planned.plan, planned.reservation
    return _jsonable({
        "channel": channel.conn_id,
        "counts": {**plan.counts, **reservation.counts},
        "changes_total": len(plan.updates),
        "changes": plan.updates[:max_changes],
        "unmatched_source": len(plan.sku_list("source_only")),
        "unmatched_target": len(plan.sku_list("target_only")),
        "conflicts": len(plan.sku_list("conflict")),
        "reservation_error": reservation.error,
    })
