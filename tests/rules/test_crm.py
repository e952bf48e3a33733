"""rules.crm: owner, skip, products and value decisions for one invoice (pure, no vendors)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from puente.models import InvoiceCustomer, InvoiceItem, SalesInvoice
from puente.rules.crm import (
    UNASSIGNED,
    UNKNOWN_OWNER,
    UNLINKED_SELLER,
    CrmOptions,
    contact_fields,
    decide,
    resolve_owners,
    resolve_user,
    value_changed,
)

CUSTOMER = InvoiceCustomer(identification="1020304050", first_name="Laura", last_name="Gómez",
                           email="laura@correo.co", phone="+57 3001234567")


def invoice(seller: str | None = "629", items: tuple = (), total: str = "119000") -> SalesInvoice:
    return SalesInvoice(id="inv-1", name="FV-1-22", date=date(2026, 3, 2),
                        created_at=datetime(2026, 3, 2, 15, tzinfo=UTC), customer=CUSTOMER, seller_id=seller,
                        total=Decimal(total), items=items)


def options(**overrides) -> CrmOptions:
    base = dict(pipeline_id="p1", stage_id="s1", description="Desde Siigo", owners={"629": "u-ana"},
                unknown_links={"631": "nadie@x.co"}, default_owner="u-def")
    return CrmOptions(**(base | overrides))


def test_linked_seller_owns_the_opportunity_worth_the_invoice_total() -> None:
    decision = decide(invoice(), options(), {})
    assert decision.action == "create"
    assert (decision.owner, decision.value, decision.name) == ("u-ana", Decimal("119000"), "Factura FV-1-22")
    assert (decision.pipeline_id, decision.stage_id, decision.description) == ("p1", "s1", "Desde Siigo")


def test_unlinked_seller_is_skipped_with_a_reason_unless_create_unlinked() -> None:
    skipped = decide(invoice("630"), options(), {})
    assert (skipped.action, skipped.category) == ("skip", UNLINKED_SELLER)
    assert "seller 630 is not linked" in skipped.reason
    created = decide(invoice("630"), options(create_unlinked=True), {})
    assert (created.action, created.owner) == ("create", "u-def")


def test_seller_linked_to_an_unknown_user_is_reported_as_such() -> None:
    skipped = decide(invoice("631"), options(), {})
    assert (skipped.action, skipped.category) == ("skip", UNKNOWN_OWNER)
    assert "nadie@x.co" in skipped.reason


def test_invoice_without_seller_gets_the_default_owner_or_unassigned() -> None:
    assert decide(invoice(None), options(), {}).owner == "u-def"
    assert decide(invoice(None), options(default_owner=None), {}).owner == UNASSIGNED
    assert decide(invoice("630"), options(default_owner=None, create_unlinked=True), {}).owner == UNASSIGNED


def test_known_products_are_attached_summed_and_unknown_codes_listed() -> None:
    items = (InvoiceItem(code="A", quantity=Decimal(2)), InvoiceItem(code="X", quantity=Decimal(1)),
             InvoiceItem(code="A", quantity=Decimal(1)))
    decision = decide(invoice(items=items, total="5000"), options(), {"A": "prod-a"})
    assert decision.products == (("prod-a", Decimal(3)),)
    assert decision.missing_products == ("X",)
    assert decision.value == Decimal("5000")  # the total, never the products' sum


def test_contact_fields_put_the_cedula_in_the_custom_field() -> None:
    personal, custom = contact_fields(CUSTOMER, "cf_contact_cedula_abcd_text")
    assert custom == {"cf_contact_cedula_abcd_text": "1020304050"}
    assert personal == {"firstName": "Laura", "lastName": "Gómez", "email": "laura@correo.co",
                        "phoneNumber": "+57 3001234567"}
    bare = InvoiceCustomer(identification="9", first_name="Acme SAS", company=True)
    assert contact_fields(bare, "cf_contact_x_text")[0] == {"firstName": "Acme SAS"}


def test_value_changed_compares_to_the_cent() -> None:
    assert not value_changed(Decimal("119000.0000"), Decimal("119000"))
    assert value_changed(Decimal("119000"), Decimal("119000.01"))
    assert value_changed(None, Decimal(1))


def test_owner_links_resolve_by_id_or_email_and_keep_unknown_ones() -> None:
    users = {"u-ana": "u-ana", "ana@x.co": "u-ana"}
    owners, unknown = resolve_owners({629: "ANA@x.co", 630: "u-ana", 631: "nadie@x.co"}, users)
    assert owners == {"629": "u-ana", "630": "u-ana"}
    assert unknown == {"631": "nadie@x.co"}
    assert resolve_user(None, users) is None
