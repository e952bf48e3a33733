"""Bsale settings: the ERP (catalog source and invoice sink) of Chilean merchants."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict


class BsaleSettings(Strict):
    """Bsale (Chile) as the catalog source: one office, one price list (per the seed article)."""

    vendor: Literal["bsale"]
    conn_id: ConnId
    office_id: int = Field(description="The one Bsale office (sucursal) whose stock the stores sell")
    price_list_id: int | None = Field(
        default=None, description="Price list to sync; empty = the office's default price list"
    )
    # invoicing (seed: boleta or factura per order, configurable document types)
    boleta_document_type_id: int | None = Field(
        default=None, description="Bsale documentTypeId for boletas; empty = SII code 39"
    )
    factura_document_type_id: int | None = Field(
        default=None, description="Bsale documentTypeId for facturas; empty = SII code 33"
    )
    declare_sii: bool = Field(default=True, description="declareSii: send the document to the SII")
    dispatch: bool = Field(
        default=True, description="dispatch: mark delivered and decrement Bsale stock (a web sale updates Bsale)"
    )
    send_email: bool = Field(default=False, description="sendEmail: Bsale e-mails the document to the client")
    seller_id: int | None = None

    def catalog_summary(self) -> str:
        """Where the catalog sync reads, for the DAG's docs."""
        return (f"Stock of office `{self.office_id}` (available quantity), prices from price list "
                f"`{self.price_list_id or 'office default'}`")
