"""Siigo Nube (Colombia) settings: catalog source, invoice sink, CRM invoice source.

The options are the ERP side of the help-center article *Conecta Siigo con Astroselling*
("Configuración" and "Facturación automática"), each with the article's default: one price list,
one list currency and one warehouse for the catalog; seller, transaction (document) type, cost
center, payment form, customer document type and city, invoice currency and exchange rate
("dejar 1"), products warehouse, optional generic SKU, "Enviar a DIAN" (off unless activated),
default e-mail and phone. The channel-side options (origin channels, order statuses, fulfillment
orders) live in :class:`puente.vendors.astroselling.settings.AstrosellingSettings`.

Ids (seller, document type, payment type, cost center, warehouses) are Siigo's own, as listed by
``/v1/users``, ``/v1/document-types?type=FV``, ``/v1/payment-types?document_type=FV``,
``/v1/cost-centers`` and ``/v1/warehouses``. The invoicing ids are optional here because a CRM-only
tenant reads invoices and never writes one; the invoice sink refuses to start without them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from puente.config.base import ConnId, Strict

# Siigo's identification types (``id_type``) a consumer or company may have (siigo.md §6).
SIIGO_ID_TYPES = frozenset({"11", "12", "13", "21", "22", "31", "41", "42", "43", "47", "48", "50", "89", "91",
                            "R-00-PN"})  # fmt: skip
PRODUCT_CODE = re.compile(r"^[^'\s]{1,30}$")  # Siigo product ``code``: unique, <= 30, no spaces or quotes
CURRENCY = re.compile(r"^[A-Z]{3}$")
LOCAL_CURRENCY = "COP"
INVOICING_REQUIRED = ("seller_id", "document_type_id", "payment_type_id")


class SiigoSettings(Strict):
    """Siigo Nube (Colombia): the connection holds the API user, access key and Partner-Id."""

    vendor: Literal["siigo"]
    conn_id: ConnId

    # --- "Configuración": the catalog Astroselling publishes ------------------------------------
    price_list: int = Field(
        default=1, ge=1, le=12,
        description='"Lista de Precios": position (1-12) of the one Siigo price list whose prices are synced; '
        "1 = Siigo's first list (Precio de venta 1)",
    )
    price_list_currency: str = Field(
        default=LOCAL_CURRENCY, description='"Moneda de la Lista": the one currency of the synced prices (ISO code)'
    )
    warehouse_id: int | None = Field(
        default=None,
        description='"Bodega": the one Siigo warehouse whose stock is synced; empty = the product\'s total '
        "available quantity over every warehouse",
    )
    seller_id: int | None = Field(
        default=None, description='"Vendedor": Siigo user (seller) id the invoices are issued under; needed to invoice'
    )
    default_email: str | None = Field(
        default=None, description='"Email por defecto": the buyer\'s e-mail when the order has none'
    )
    default_phone: str | None = Field(
        default=None, description='"Teléfono por defecto": the buyer\'s phone when the order has none'
    )

    # --- "Facturación automática" ---------------------------------------------------------------
    document_type_id: int | None = Field(
        default=None,
        description='"Tipo de Transacción": the FV (sales invoice) document type id; needed to invoice',
    )
    cost_center_id: int | None = Field(
        default=None, description='"Centro de Costos": optional cost center id (required if the document type says so)'
    )
    payment_type_id: int | None = Field(
        default=None, description='"Forma de Pago": the payment form id every invoice is paid with; needed to invoice'
    )
    payment_due_days: int = Field(
        default=0, ge=0, le=3650,
        description="days until the due date, sent only when the payment form has one (e.g. Crédito)",
    )
    customer_id_type: str = Field(
        default="13",
        description='"Cliente - Tipo de documento": Siigo id_type for new customers whose order does not say it '
        "(13 cédula de ciudadanía, 31 NIT, 22 cédula de extranjería, 41 pasaporte...)",
    )
    customer_country_code: str = Field(default="Co", description='"Cliente - Ciudad": country code of new customers')
    customer_state_code: str = Field(
        default="11", description='"Cliente - Ciudad": DANE department code of new customers (11 = Bogotá D.C.)'
    )
    customer_city_code: str = Field(
        default="11001",
        description='"Cliente - Ciudad": DANE city code of new customers (11001 = Bogotá); the order\'s city is '
        "not used (the article: country/city codes do not match the channels')",
    )
    currency: str = Field(
        default=LOCAL_CURRENCY,
        description='"Moneda": currency the invoices are issued in; COP is sent as no currency (Siigo\'s rule)',
    )
    exchange_rate: Decimal = Field(
        default=Decimal(1), gt=0,
        description='"Moneda - Tasa de cambio": default exchange rate for automatic invoicing (the article: leave 1)',
    )
    products_warehouse_id: int | None = Field(
        default=None,
        description='"Productos - Bodega": warehouse invoice lines discharge stock from; empty = Siigo\'s default',
    )
    use_generic_sku: bool = Field(
        default=False,
        description='"Productos - Utilizar código genérico": invoice lines whose SKU Siigo does not know under '
        "generic_sku instead of putting the order in error (normally off)",
    )
    generic_sku: str | None = Field(
        default=None, description="the generic Siigo product code used when use_generic_sku is on"
    )
    send_to_dian: bool = Field(
        default=False,
        description='"Enviar a DIAN" (stamp.send): send each invoice to the DIAN; the DIAN refuses zero-price lines, '
        "so with it on such orders err instead of being invoiced",
    )
    send_email: bool = Field(default=False, description="mail.send: Siigo e-mails the invoice to the customer")
    observations: bool = Field(
        default=True,
        description="write the channel order and its date in the invoice's observations (printed on the PDF)",
    )
    default_document: str | None = Field(
        default=None,
        description="identification used when the buyer gave none (e.g. 222222222222, consumidor final); "
        "empty = such orders err with client_incomplete",
    )
    shipping_sku: str | None = Field(
        default=None, description="Siigo product/service code for the shipping line (flows.invoicing.shipping_as_line)"
    )
    vat_tax_id: int | None = Field(
        default=None,
        description="IVA tax id (/v1/taxes) put on invoice lines; empty = Siigo's active 19% IVA",
    )

    @field_validator("price_list_currency", "currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        value = value.strip().upper()
        if not CURRENCY.match(value):
            raise ValueError(f"{value!r} is not an ISO currency code (three letters, e.g. COP or USD)")
        return value

    @field_validator("customer_id_type")
    @classmethod
    def _id_type(cls, value: str) -> str:
        if value not in SIIGO_ID_TYPES:
            raise ValueError(f"{value!r} is not a Siigo id_type; use one of {', '.join(sorted(SIIGO_ID_TYPES))}")
        return value

    @field_validator("generic_sku", "shipping_sku")
    @classmethod
    def _product_code(cls, value: str | None) -> str | None:
        if value is not None and not PRODUCT_CODE.match(value):
            raise ValueError(f"{value!r} is not a Siigo product code (1-30 characters, no spaces or quotes)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SiigoSettings:
        if self.use_generic_sku and not self.generic_sku:
            raise ValueError("use_generic_sku is on but generic_sku is empty: set the generic Siigo product code")
        if not (self.customer_state_code.isdigit() and self.customer_city_code.isdigit()
                and self.customer_city_code.startswith(self.customer_state_code)):
            raise ValueError(
                f"customer_city_code {self.customer_city_code!r} is not a DANE city of department "
                f"{self.customer_state_code!r} (a city code starts with its department's, e.g. 05 -> 05001 Medellín)"
            )
        if self.currency == LOCAL_CURRENCY and self.exchange_rate != 1:
            raise ValueError("exchange_rate must be 1 for COP invoices (the local currency has no exchange rate)")
        return self

    def missing_for_invoicing(self) -> list[str]:
        """The invoicing options still empty (the sink refuses to start without them)."""
        return [name for name in INVOICING_REQUIRED if getattr(self, name) is None]
