"""SiigoSettings: the article's defaults and clear refusals for inconsistent options."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from puente.vendors.siigo.settings import SiigoSettings


def settings(**options) -> SiigoSettings:
    return SiigoSettings(vendor="siigo", conn_id="siigo_x", **options)


def test_defaults_are_the_articles():
    s = settings()
    assert (s.price_list, s.price_list_currency, s.currency, s.exchange_rate) == (1, "COP", "COP", Decimal(1))
    assert s.send_to_dian is False and s.use_generic_sku is False and s.generic_sku is None
    assert (s.customer_id_type, s.customer_state_code, s.customer_city_code) == ("13", "11", "11001")
    assert s.missing_for_invoicing() == ["seller_id", "document_type_id", "payment_type_id"]


def test_every_option_is_described():
    undocumented = [name for name, field in SiigoSettings.model_fields.items()
                    if name not in ("vendor", "conn_id") and not field.description]
    assert undocumented == []


@pytest.mark.parametrize(("options", "message"), [
    ({"use_generic_sku": True}, "generic_sku is empty"),
    ({"generic_sku": "con espacio"}, "not a Siigo product code"),
    ({"customer_city_code": "05001"}, "not a DANE city of department '11'"),
    ({"customer_id_type": "99"}, "not a Siigo id_type"),
    ({"exchange_rate": "3900"}, "exchange_rate must be 1 for COP"),
    ({"currency": "dollars"}, "not an ISO currency code"),
    ({"price_list": 13}, "less than or equal to 12"),
    ({"dian": True}, "Extra inputs are not permitted"),
])  # fmt: skip
def test_inconsistent_options_are_refused_with_the_reason(options, message):
    with pytest.raises(ValidationError, match=message):
        settings(**options)


def test_foreign_currency_takes_its_rate():
    s = settings(currency="usd", exchange_rate="3950.5", customer_state_code="05", customer_city_code="05001")
    assert (s.currency, s.exchange_rate) == ("USD", Decimal("3950.5"))
