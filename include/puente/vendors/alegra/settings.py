"""Alegra (Colombia) settings: catalog source and invoice sink (seed: alegra-astroselling).

Every option of the help-center article *Conecta Alegra con Astroselling* is a field here, with
the article's default: a checkbox the article describes as "si se selecciona ..." is off, a list
to "seleccione" is empty = Alegra's own default. The channel-side options of the same article
("Canales de origen", "Estado de las órdenes", "Facturar órdenes de fulfillment") belong to the
Astroselling channel (:class:`puente.vendors.astroselling.settings.AstrosellingSettings`).

Catalog ("Configuración"): SKU = reference or barcode, "Usar impuestos", price list, warehouse.
Invoicing ("Facturación automática"): open vs draft, warehouse and price list of the invoice,
"Expedir/Emitir" (DIAN stamp), identification type, person type, regime, payment form and method,
plus the defaults for buyers without e-mail, phone or document. The API fields they map to are in
:mod:`puente.vendors.alegra.invoice_sink`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from puente.config.base import ConnId, Strict

IdentificationType = Literal["RC", "TI", "CC", "TE", "CE", "NIT", "PP", "PEP", "DIE", "NUIP", "FOREIGN_NIT"]
KindOfPerson = Literal["PERSON_ENTITY", "LEGAL_ENTITY"]
Regime = Literal["SIMPLIFIED_REGIME", "COMMON_REGIME", "NOT_REPONSIBLE_FOR_CONSUMPTION", "SPECIAL_REGIME",
                 "NATIONAL_CONSUMPTION_TAX", "INC_IVA_RESPONSIBLE"]  # fmt: skip
COMPANY_ONLY_REGIMES = frozenset({"NOT_REPONSIBLE_FOR_CONSUMPTION", "SPECIAL_REGIME"})
PaymentMethod = Literal["cash", "check", "transfer", "deposit", "credit-card", "debit-card"]
AlegraId = str  # Alegra ids arrive as numbers or strings (its new ID format): kept as strings


class AlegraSettings(Strict):
    """Alegra: the connection holds the account e-mail (login) and API token (password)."""

    vendor: Literal["alegra"]
    conn_id: ConnId

    # --- "Configuración" (catalog and SKU matching) ---------------------------------------------
    sku_field: Literal["reference", "barcode"] = Field(
        default="reference",
        description='"Usar Código de barras": the Alegra field that is the SKU. "reference" (the article\'s '
        'default when unchecked) cannot tell variations apart: items sharing a reference are reported, not '
        'synced or invoiced; use "barcode" when products have variations (one barcode per variation)',
    )
    use_taxes: bool = Field(
        default=False,
        description='"Usar impuestos": prices carry the item\'s Alegra taxes (catalog: price + IVA pushed to the '
        "channels; invoices: lines sent net with the item's tax ids). Off = the bare price, no tax lines",
    )
    price_list_id: AlegraId | None = Field(
        default=None, description='"Lista de Precios" of the catalog sync; empty = the item\'s first price '
        "(Alegra's default list)",
    )
    warehouse_id: AlegraId | None = Field(
        default=None, description='"Bodega" whose stock the channels get; empty = the item\'s total available '
        "quantity over every warehouse",
    )
    show_observations_on_pdf: bool = Field(
        default=False, description='"Ver observaciones en la factura (PDF)": the order reference also goes in '
        "the invoice notes printed on the PDF (anotation); off = only in the internal observations",
    )
    default_email: str | None = Field(default=None, description='"Email por defecto" for buyers without e-mail')
    default_phone: str | None = Field(default=None, description='"Teléfono por defecto" for buyers without phone')
    default_document: str | None = Field(
        default=None, description='"Documento" for buyers without identification (e.g. 222222222222, the DIAN\'s '
        '"consumidor final"); empty = such orders err (an Alegra contact needs an identification)',
    )

    # --- "Facturación automática" ----------------------------------------------------------------
    open_invoice: bool = Field(
        default=False, description='"Mandar factura en estado abierta": status open; off = the invoice is a draft '
        "(borrador) a person opens in Alegra",
    )
    invoice_warehouse_id: AlegraId | None = Field(
        default=None, description='"Inventario / Depósito" of the invoice lines (their stock is decremented); '
        "empty = Alegra's default warehouse",
    )
    invoice_price_list_id: AlegraId | None = Field(
        default=None, description='"Lista de precios" of the invoice (priceList); empty = Alegra\'s default list',
    )
    stamp: bool = Field(
        default=False, description='"Expedir/Emitir factura": emit the electronic invoice to the DIAN at creation '
        "(stamp.generateStamp). Needs open_invoice and an electronic number_template_id; lines without price "
        "are then refused before sending (the DIAN rejects them)",
    )
    number_template_id: AlegraId | None = Field(
        default=None, description="Numbering (numberTemplate: the DIAN resolution, Alegra's \"document type\") of "
        "the invoices; empty = Alegra's default numbering. Required to stamp",
    )
    identification_type: IdentificationType = Field(
        default="CC", description='"Tipo de identificación" of contacts created for buyers whose order gives no '
        "(valid Colombian) document type",
    )
    kind_of_person: KindOfPerson = Field(
        default="PERSON_ENTITY", description='"Tipo de persona" (kindOfPerson) of the contacts Puente creates',
    )
    regime: Regime = Field(default="SIMPLIFIED_REGIME", description='"Régimen" of the contacts Puente creates')
    payment_form: Literal["CASH", "CREDIT"] = Field(
        default="CASH", description='"Forma de Pago" (paymentForm): CASH (contado) or CREDIT',
    )
    credit_days: int = Field(
        default=30, ge=0, le=365, description="days to the due date of CREDIT invoices (CASH: due the same day)",
    )
    payment_method: PaymentMethod = Field(
        default="transfer", description='"Método de Pago" of the payment registered on open CASH invoices '
        "(marketplace orders are paid)",
    )
    payment_account_id: AlegraId | None = Field(
        default=None, description="Alegra bank account (bank-accounts) that receives that payment; empty = no "
        "payment is registered (the invoice stays open with its balance)",
    )
    seller_id: AlegraId | None = Field(default=None, description="Alegra seller of the invoices; empty = none")
    cost_center_id: AlegraId | None = Field(default=None, description="Alegra cost center of the invoices")
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO currency of the invoices; empty = the account's (COP)",
    )
    exchange_rate: Decimal | None = Field(
        default=None, gt=0, description="exchangeRate to the account currency; required with a foreign currency",
    )
    generic_sku: str | None = Field(
        default=None, description="SKU (same field as sku_field) of an Alegra item that invoices order lines whose "
        "SKU Alegra does not know; empty = such orders err until the SKU is linked (the article's rule)",
    )
    shipping_sku: str | None = Field(
        default=None, description="SKU of the Alegra service item that carries the shipping line when the flow "
        "invoices shipping (shipping_as_line); empty = shipping cannot be invoiced",
    )

    @model_validator(mode="after")
    def _coherent(self) -> AlegraSettings:
        if self.stamp and not self.open_invoice:
            raise ValueError("stamp (Expedir/Emitir factura) needs open_invoice: true: Alegra cannot emit a draft "
                             "to the DIAN")  # fmt: skip
        if self.stamp and not self.number_template_id:
            raise ValueError("stamp (Expedir/Emitir factura) needs number_template_id: the electronic numbering "
                             "(DIAN resolution) from Alegra's /number-templates")  # fmt: skip
        if self.regime in COMPANY_ONLY_REGIMES and self.kind_of_person != "LEGAL_ENTITY":
            raise ValueError(f"regime {self.regime} applies to companies only: set kind_of_person: LEGAL_ENTITY "
                             "or choose another regime")  # fmt: skip
        if self.currency not in (None, "COP") and self.exchange_rate is None:
            raise ValueError(f"currency {self.currency} needs exchange_rate (to COP): Alegra refuses a foreign "
                             "currency without it")  # fmt: skip
        return self
