"""Contabilium (Argentina) settings: catalog source and invoice sink (seed: contabilium-jumpseller).

Every option of the article's "Configuración" window, with the article's default:

* "Bodega" -> ``warehouse_id``: empty = the "stock total", the sum over every depósito.
* "Lista de precios" (optional) -> ``price_list_id``: empty = each concepto's own price.
* "Punto de venta", "Condición de venta", "IVA por defecto" -> ``point_of_sale_id``,
  ``sale_condition``, ``default_vat_rate``.
* "Incluir costo de envío" -> ``flows.invoicing.shipping_as_line`` (the flow's option, shared by
  every ERP: not repeated here).
* "Enviar los comprobantes por mail de forma automática" -> ``email_receipts``.
* "Agendar automáticamente a los clientes" -> ``register_customers``.
* "Facturar tus ventas de forma masiva o individual": masiva = the invoicing flow's scheduled runs
  (``flows.invoicing.auto_invoicing``, ``schedule``); individual = a manual run of the invoicing
  DAG with the ``order_ids`` param (one or a few orders, now).

Invoice letter (AFIP, inferred from AFIP's rules as the vendor notes record them): a Responsable
Inscripto issuer (``obtenerinfo`` ``CondicionIVA`` = RI) invoices RI and Monotributo clients with
letter A and Consumidor Final / Exento clients with B; a Monotributo or Exento issuer only issues
C. The client's condition is the one Contabilium already has for it; a new client is Consumidor
Final unless the buyer invoiced as a company (a CUIT and a razón social at checkout), then
``company_buyer_iva_condition``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict

VatRate = Literal[0, 2.5, 5, 10.5, 21, 27]


class ContabiliumSettings(Strict):
    """Contabilium: the connection holds the OAuth client id (account e-mail) and secret (API key)."""

    vendor: Literal["contabilium"]
    conn_id: ConnId
    warehouse_id: int | None = Field(
        default=None,
        description='"Bodega": the depósito whose available stock (StockConReservas) the stores show and '
        'that invoices decrement; empty = "stock total", the sum over every active depósito (the article\'s '
        "default), and invoices decrement Contabilium's default depósito",
    )
    price_list_id: int | None = Field(
        default=None,
        description='"Lista de precios" (optional): sync this price list\'s prices; empty = each concepto\'s '
        "own price. A SKU the list omits gets no price push",
    )
    point_of_sale_id: int | None = Field(
        default=None,
        description='"Punto de venta": the Id of the point of sale invoices are issued from; empty = the '
        "account's first active point of sale",
    )
    sale_condition: str = Field(
        default="Contado",
        description='"Condición de venta": a sale condition name configured in the account (Contado, Cuenta '
        "Corriente, MercadoPago, Otro...)",
    )
    default_vat_rate: VatRate = Field(
        default=21,
        description='"IVA por defecto" (percent): the IVA rate of every invoice line (shipping included); '
        "store prices are taken as IVA included",
    )
    email_receipts: bool = Field(
        default=True,
        description='"Enviar los comprobantes por mail de forma automática": e-mail each authorised '
        "comprobante to the buyer",
    )
    lookup_retry_delay_seconds: float = Field(
        default=3.0, ge=0, le=60,
        description="after a lost answer whose reference search found nothing: wait this long, then search "
        "again and read the day's comprobantes before deciding the factura was not made (and sending again)",
    )
    register_customers: bool = Field(
        default=True,
        description='"Agendar automáticamente a los clientes": a buyer Contabilium does not know (by CUIT/DNI, '
        "or by e-mail for a buyer without a document) is created as a client, once; off = such buyers are "
        "invoiced to the generic consumidor final client (final_consumer_dni)",
    )
    final_consumer_dni: str | None = Field(
        default=None, pattern=r"^\d{7,8}$",
        description="DNI of a generic 'Consumidor Final' client for buyers who gave no CUIT/DNI (and whose "
        "e-mail matches no client); empty = such orders wait with reason client_incomplete",
    )
    company_buyer_iva_condition: Literal["RI", "MO", "EX"] = Field(
        default="RI",
        description="IVA condition of a new client who bought as a company (CUIT + razón social at checkout); "
        "it decides the AFIP letter (RI/MO: A, EX: B when the issuer is RI). Other new clients are CF",
    )
