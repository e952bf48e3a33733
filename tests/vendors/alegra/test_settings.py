"""AlegraSettings: the article's defaults, a description for every option, and the demo tenant."""

from __future__ import annotations

from pathlib import Path

from puente.config.loader import load_tenants, tenant_files
from puente.vendors.alegra.settings import AlegraSettings

ROOT = Path(__file__).resolve().parents[3]


def test_an_empty_section_behaves_as_the_article_says():
    settings = AlegraSettings(vendor="alegra", conn_id="alegra_x")
    # unchecked boxes: reference as SKU, no taxes, draft, not emitted, observations not on the PDF
    assert (settings.sku_field, settings.use_taxes, settings.open_invoice, settings.stamp) == (
        "reference", False, False, False)
    assert settings.show_observations_on_pdf is False
    # nothing selected: Alegra's own defaults (first price, every warehouse, default numbering)
    assert settings.price_list_id is settings.warehouse_id is settings.number_template_id is None
    assert settings.invoice_price_list_id is settings.invoice_warehouse_id is None
    assert (settings.identification_type, settings.kind_of_person, settings.regime, settings.payment_form) == (
        "CC", "PERSON_ENTITY", "SIMPLIFIED_REGIME", "CASH")
    assert settings.default_document is settings.generic_sku is None


def test_every_option_has_a_description():
    undocumented = [name for name, field in AlegraSettings.model_fields.items()
                    if name not in ("vendor", "conn_id") and not field.description]  # fmt: skip
    assert undocumented == []


def test_the_demo_tenant_uses_alegra_with_astroselling_in_bogota():
    result = load_tenants(tenant_files(ROOT / "include" / "tenants"))
    config = result.tenants["cali_deportes"]
    assert (config.country, config.timezone, config.erp.vendor) == ("CO", "America/Bogota", "alegra")
    assert [c.vendor for c in config.channels] == ["astroselling"]
    assert config.flows.catalog_sync.enabled and config.flows.invoicing.enabled
    assert config.erp.stamp and config.erp.open_invoice and config.erp.use_taxes
