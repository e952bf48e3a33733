"""ERP invoice -> CRM opportunity decisions: pure functions on canonical models.

The seed article's options (``../shared/seeds/``, the ERP -> CRM opportunities article), applied to one
invoice:

* owner: the CRM user linked to the invoice's seller; an invoice without a seller gets the
  default owner; a seller that is not linked (or linked to someone the CRM does not know) is
  skipped and reported, unless ``create_unlinked`` says to create it anyway with the default owner;
* value: the invoice total, never the products' sum (the deal is sent with ``updateValue`` false);
* products: invoice lines whose code is a product in the CRM are attached; the rest are listed
  (a merchant adds them in the CRM, the opportunity is still created);
* stage and description: from the flow's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from puente.models import InvoiceCustomer, SalesInvoice

UNASSIGNED = "unassigned"

UNLINKED_SELLER = "unlinked_seller"
UNKNOWN_OWNER = "unknown_owner"


@dataclass(frozen=True)
class CrmOptions:
    """The flow's settings, already resolved against the CRM account (ids, not names/e-mails).

    ``owners`` maps seller id -> CRM user id; ``unknown_links`` maps seller id -> the configured
    owner that the CRM does not know, so the skip reason can name the broken link.
    """

    pipeline_id: str
    stage_id: str
    description: str
    owners: Mapping[str, str] = field(default_factory=dict)
    unknown_links: Mapping[str, str] = field(default_factory=dict)
    default_owner: str | None = None
    create_unlinked: bool = False


@dataclass(frozen=True)
class CrmDecision:
    """What to do with one invoice. ``products`` are ``(crm product id, quantity)`` pairs."""

    action: Literal["create", "skip"]
    name: str
    value: Decimal
    owner: str = UNASSIGNED
    category: str | None = None
    reason: str | None = None
    description: str = ""
    pipeline_id: str = ""
    stage_id: str = ""
    products: tuple[tuple[str, Decimal], ...] = ()
    missing_products: tuple[str, ...] = ()


def opportunity_name(invoice: SalesInvoice) -> str:
    """The deal's name: how a salesperson finds it, and how a lost create is found again."""
    return f"Factura {invoice.name}"


def owner_for(invoice: SalesInvoice, options: CrmOptions) -> tuple[str | None, str | None, str | None]:
    """``(owner, category, reason)``: owner None means skip, with the category and reason why."""
    default = options.default_owner or UNASSIGNED
    seller = invoice.seller_id
    if seller is None:
        return default, None, None
    if seller in options.owners:
        return options.owners[seller], None, None
    if seller in options.unknown_links:
        category = UNKNOWN_OWNER
        reason = f"seller {seller} is linked to {options.unknown_links[seller]!r}, who is not a user of the CRM"
    else:
        category, reason = UNLINKED_SELLER, f"seller {seller} is not linked to a user of the CRM"
    if options.create_unlinked:
        return default, None, None
    return None, category, reason


def attach_products(
    invoice: SalesInvoice, known: Mapping[str, str]
) -> tuple[tuple[tuple[str, Decimal], ...], tuple[str, ...]]:
    """Lines whose code the CRM knows (quantities of repeated codes summed), and the unknown codes."""
    quantities: dict[str, Decimal] = {}
    missing: list[str] = []
    for item in invoice.items:
        product_id = known.get(item.code)
        if product_id is None:
            if item.code not in missing:
                missing.append(item.code)
            continue
        quantities[product_id] = quantities.get(product_id, Decimal(0)) + item.quantity
    return tuple(quantities.items()), tuple(missing)


def decide(invoice: SalesInvoice, options: CrmOptions, known_products: Mapping[str, str]) -> CrmDecision:
    """Create (with owner, value, products) or skip (with the reason a person can act on)."""
    owner, category, reason = owner_for(invoice, options)
    name = opportunity_name(invoice)
    if owner is None:
        return CrmDecision("skip", name, invoice.total, category=category, reason=reason)
    products, missing = attach_products(invoice, known_products)
    return CrmDecision(
        "create", name, invoice.total, owner=owner, description=options.description,
        pipeline_id=options.pipeline_id, stage_id=options.stage_id, products=products, missing_products=missing,
    )


def contact_fields(customer: InvoiceCustomer, cedula_field: str) -> tuple[dict[str, str | None], dict[str, str]]:
    """``(personal, custom)`` for a new CRM contact: the cédula goes into its custom field."""
    personal = {
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "email": customer.email,
        "phoneNumber": customer.phone,
    }
    return {k: v for k, v in personal.items() if v}, {cedula_field: customer.identification}


def value_changed(synced: Decimal | None, total: Decimal) -> bool:
    """Whether the opportunity's value must follow an edited invoice (compared to the cent)."""
    return synced is None or Decimal(synced).quantize(Decimal("0.01")) != total.quantize(Decimal("0.01"))


def resolve_user(reference: str | None, users: Mapping[str, str]) -> str | None:
    """A configured owner (CRM user id or e-mail) -> the user id, or None when the CRM lacks it.

    ``users`` maps every known id and lower-cased e-mail to the user id.
    """
    if not reference:
        return None
    return users.get(reference) or users.get(reference.strip().lower())


def resolve_owners(
    links: Mapping[int | str, str], users: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Split the seller -> owner links into resolved ``{seller: user id}`` and unknown ``{seller: ref}``."""
    owners: dict[str, str] = {}
    unknown: dict[str, str] = {}
    for seller, reference in links.items():
        user = resolve_user(reference, users)
        if user is None:
            unknown[str(seller)] = reference
        else:
            owners[str(seller)] = user
    return owners, unknown
