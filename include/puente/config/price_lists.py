"""Price lists per channel ("Sincronizar tus distintas listas de precios").

An ERP section names the list the catalog reads; a channel entry may name its own
(``price_list``), and then that channel's sync reads the ERP with it instead. The ERP's plug-in
says which of its settings is the list (``VendorSpec.price_list_setting``), so the value is
validated as that setting: a list id of the wrong type is a config error naming the channel.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def channel_price_list(channel: Any) -> Any:
    return getattr(channel, "price_list", None)


def erp_for_channel(erp: Any, channel: Any) -> Any:
    """The ERP settings a channel's catalog reads: the ERP section with the channel's list, if any."""
    from puente.connectors import registry

    wanted = channel_price_list(channel)
    if wanted is None:
        return erp
    field = registry.vendor(erp.vendor).price_list_setting
    if field is None:
        raise ValueError(f"{erp.vendor} has no price lists to choose from")
    try:
        return type(erp).model_validate({**erp.model_dump(), field: wanted})
    except ValidationError as exc:
        reason = "; ".join(error["msg"] for error in exc.errors())
        raise ValueError(f"price_list {wanted!r} is not a {erp.vendor} {field}: {reason}") from exc


def price_list_errors(erp: Any, channels: list[Any]) -> list[str]:
    """One line per channel whose ``price_list`` the ERP cannot take."""
    problems = []
    for index, channel in enumerate(channels):
        if channel_price_list(channel) is None:
            continue
        try:
            erp_for_channel(erp, channel)
        except ValueError as exc:
            problems.append(f"channels[{index}].price_list: {exc}")
    return problems
