"""Every CRM sink: a contact created once whoever asks again, and an opportunity whose answer was
lost found again by name instead of made twice; a new value lands on it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conformance_kit import harness_of, vendors_with

from puente.hooks.errors import VendorError
from puente.models import InvoiceCustomer
from puente.rules.crm import CrmDecision

VENDORS = vendors_with("crm_sink")


@pytest.fixture
def crm(connector):
    return lambda vendor, handle: connector("crm_sink", vendor, handle)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_contact_is_created_once(vendor, crm):
    with harness_of(vendor).serve() as handle:
        field, fields = harness_of(vendor).crm_customer(handle)
        customer = InvoiceCustomer.model_validate(fields)
        first, created = crm(vendor, handle).find_or_create_contact(customer, field)
        again, created_again = crm(vendor, handle).find_or_create_contact(customer, field)  # another task
    assert created and not created_again and again == first


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_opportunity_whose_answer_was_lost_is_found_not_made_twice(vendor, crm):
    with harness_of(vendor).serve() as handle:
        sink = crm(vendor, handle)
        field, fields = harness_of(vendor).crm_customer(handle)
        contact, _ = sink.find_or_create_contact(InvoiceCustomer.model_validate(fields), field)
        pipeline, stage = sink.resolve_stage(None, None)
        decision = CrmDecision(action="create", name="FV-1-90001", value=Decimal(250000), pipeline_id=pipeline,
                               stage_id=stage)
        assert sink.find_opportunity(decision.name, contact) is None
        handle.set_faults(lost_response_rate=1.0)
        with pytest.raises(VendorError):
            sink.create_opportunity(decision, contact)
        handle.clear_faults()
        found = crm(vendor, handle).find_opportunity(decision.name, contact)
        assert found is not None
        sink.update_value(str(found["id"]), Decimal(260000))
        again = crm(vendor, handle).find_opportunity(decision.name, contact)
        made = harness_of(vendor).opportunities_named(handle, decision.name)
    assert made == 1
    assert str(again["id"]) == str(found["id"]) and Decimal(str(again["value"])) == Decimal(260000)
