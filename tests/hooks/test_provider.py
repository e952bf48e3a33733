"""The provider entry point: valid against Airflow's own schemas and discovered by Airflow."""

from __future__ import annotations

import json
import warnings
from importlib import metadata, resources

import jsonschema
import pytest

from puente.provider import get_provider_info


def _schema(name: str) -> dict:
    return json.loads((resources.files("airflow") / name).read_text())


def test_provider_info_validates_against_airflow_schema() -> None:
    info = get_provider_info()
    jsonschema.validate(info, _schema("provider_info.schema.json"))
    assert info["package-name"] == "puente"  # must equal the distribution name
    behaviour_schema = _schema("customized_form_field_behaviours.schema.json")
    for conn in info["connection-types"]:
        behaviour = conn["ui-field-behaviour"]
        # Airflow converts the kebab-case keys before validating (providers_manager._add_customized_fields).
        jsonschema.validate(
            {
                "hidden_fields": behaviour["hidden-fields"],
                "relabeling": behaviour["relabeling"],
                "placeholders": behaviour["placeholders"],
            },
            behaviour_schema,
        )
        for field in conn["conn-fields"].values():
            assert {"label", "schema"} <= set(field)
            assert "type" in field["schema"]


def test_hook_classes_match_provider_info() -> None:
    from puente.vendors.alegra.hook import AlegraHook
    from puente.vendors.astroselling.hook import AstrosellingHook
    from puente.vendors.bsale.hook import BsaleHook
    from puente.vendors.contabilium.hook import ContabiliumHook
    from puente.vendors.escala.hook import EscalaHook
    from puente.vendors.facto.hook import FactoHook
    from puente.vendors.jumpseller.hook import JumpsellerHook
    from puente.vendors.mercadolibre.hook import MercadoLibreHook
    from puente.vendors.siigo.hook import SiigoHook

    info = get_provider_info()
    by_type = {conn["connection-type"]: conn for conn in info["connection-types"]}
    assert set(by_type) >= {  # plus any installed plug-in's (the test-only Tiendita)
        "bsale",
        "jumpseller",
        "facto",
        "siigo",
        "escala",
        "alegra",
        "astroselling",
        "mercadolibre",
        "contabilium",
    }
    modules = {module for hook in info["hooks"] for module in hook["python-modules"]}
    for hook in (
        BsaleHook,
        JumpsellerHook,
        FactoHook,
        SiigoHook,
        EscalaHook,
        AlegraHook,
        AstrosellingHook,
        MercadoLibreHook,
        ContabiliumHook,
    ):
        assert hook.__module__ in modules
        conn = by_type[hook.conn_type]
        assert conn["hook-class-name"] == f"{hook.__module__}.{hook.__name__}"
        assert conn["hook-name"] == hook.hook_name
        assert hook.default_conn_name == f"{hook.conn_type}_default"


def test_airflow_discovers_the_connection_types() -> None:
    try:
        entry_points = metadata.distribution("puente").entry_points
    except metadata.PackageNotFoundError:
        pytest.fail("the 'puente' distribution is not installed: run `pip install -e .` in the repo")
    assert any(ep.group == "apache_airflow_provider" for ep in entry_points)

    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    # Hooks moved to the task-SDK runtime manager in 3.2 (ProvidersManager.hooks still works but
    # warns); the UI metadata (behaviours, widgets) stays on ProvidersManager.
    manager = ProvidersManager()
    hooks = ProvidersManagerTaskRuntime().hooks
    for conn_type, class_name, attr in (
        ("bsale", "puente.vendors.bsale.hook.BsaleHook", "bsale_conn_id"),
        ("jumpseller", "puente.vendors.jumpseller.hook.JumpsellerHook", "jumpseller_conn_id"),
        ("facto", "puente.vendors.facto.hook.FactoHook", "facto_conn_id"),
        ("siigo", "puente.vendors.siigo.hook.SiigoHook", "siigo_conn_id"),
        ("escala", "puente.vendors.escala.hook.EscalaHook", "escala_conn_id"),
        ("alegra", "puente.vendors.alegra.hook.AlegraHook", "alegra_conn_id"),
        ("astroselling", "puente.vendors.astroselling.hook.AstrosellingHook", "astroselling_conn_id"),
        ("mercadolibre", "puente.vendors.mercadolibre.hook.MercadoLibreHook", "mercadolibre_conn_id"),
        ("contabilium", "puente.vendors.contabilium.hook.ContabiliumHook", "contabilium_conn_id"),
    ):
        info = hooks[conn_type]
        assert info is not None, f"{conn_type} hook failed to import"
        assert info.hook_class_name == class_name
        assert info.connection_id_attribute_name == attr
        assert info.package_name == "puente"
        assert info.connection_testable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DeprecatedImportWarning: the same registry, old entry point
        legacy = manager.hooks
    assert {"bsale", "jumpseller", "facto"} <= set(legacy)
    behaviours = manager.field_behaviours
    assert behaviours["bsale"]["relabeling"]["password"] == "Access token"
    assert behaviours["jumpseller"]["relabeling"]["login"] == "Store login"
    assert behaviours["facto"]["relabeling"] == {
        "host": "API base URL",
        "login": "API user (RUT/usuario)",
        "password": "API key",
    }
    widgets = manager.connection_form_widgets
    assert "extra__bsale__country" in widgets
    assert "extra__jumpseller__rate_limit_per_second" in widgets
    assert "extra__facto__timeout" in widgets
