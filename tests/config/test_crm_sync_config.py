"""crm_sync settings: the article's options, their defaults, and the validations that guard them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from puente.config.loader import load_tenant_file, tenant_files
from puente.config.models import TenantConfig

CEDULA = "cf_contact_cedula_abcd_text"


def tenant(**overrides) -> dict:
    base = {
        "tenant": "ventas_co", "name": "Ventas CO", "country": "CO", "timezone": "America/Bogota",
        "currency": "COP", "erp": {"vendor": "siigo", "conn_id": "siigo_ventas"},
        "crm": {"vendor": "escala", "conn_id": "escala_ventas"},
        "flows": {"catalog_sync": {"enabled": False}, "crm_sync": {"enabled": True, "cedula_field": CEDULA}},
    }
    return base | overrides


def test_defaults_match_the_article() -> None:
    settings = TenantConfig.model_validate(tenant()).flows.crm_sync
    assert settings.schedule == "@daily" and settings.catchup is False
    assert settings.create_unlinked is False  # off: unlinked sellers are skipped and reported
    assert settings.seller_owners == {} and settings.default_owner is None
    assert settings.stage is None and settings.pipeline is None and settings.escala_to_siigo is False


def test_seller_links_are_typed_by_siigo_seller_id() -> None:
    flows = {"catalog_sync": {"enabled": False},
             "crm_sync": {"enabled": True, "cedula_field": CEDULA, "seller_owners": {"629": "ana@x.co"}}}
    assert TenantConfig.model_validate(tenant(flows=flows)).flows.crm_sync.seller_owners == {629: "ana@x.co"}


def test_both_directions_cannot_be_enabled() -> None:
    flows = {"catalog_sync": {"enabled": False},
             "crm_sync": {"enabled": True, "cedula_field": CEDULA, "escala_to_siigo": True}}
    with pytest.raises(ValidationError, match="cannot both be enabled"):
        TenantConfig.model_validate(tenant(flows=flows))


def test_the_erp_must_list_its_invoices() -> None:
    bad = tenant(erp={"vendor": "bsale", "conn_id": "b", "office_id": 1},
                 channels=[{"vendor": "jumpseller", "conn_id": "js"}])
    with pytest.raises(ValidationError, match=r"bsale cannot list its invoices \(ERPs that can: siigo\)"):
        TenantConfig.model_validate(bad)


def test_a_crm_section_and_a_cedula_field_are_required_when_enabled() -> None:
    with pytest.raises(ValidationError, match="needs a crm section"):
        TenantConfig.model_validate(tenant(crm=None))
    flows = {"catalog_sync": {"enabled": False}, "crm_sync": {"enabled": True}}
    with pytest.raises(ValidationError, match="cedula_field is required"):
        TenantConfig.model_validate(tenant(flows=flows))


def test_channel_flows_still_need_a_channel() -> None:
    flows = {"catalog_sync": {"enabled": False}, "invoicing": {"enabled": True},
             "crm_sync": {"enabled": True, "cedula_field": CEDULA}}
    with pytest.raises(ValidationError, match=r"flows\.invoicing needs at least one sales channel"):
        TenantConfig.model_validate(tenant(flows=flows))


def test_tenant_files_without_a_crm_sync_section_keep_it_disabled() -> None:
    for path in tenant_files():
        loaded = load_tenant_file(path)
        assert isinstance(loaded, TenantConfig), loaded
        if "crm_sync" not in path.read_text(encoding="utf-8"):
            assert loaded.flows.crm_sync.enabled is False
