"""Vendors are plug-ins: discovered through entry points, imported only when used, and absent from
the core's flow, rule and factory modules."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from puente.connectors import registry
from puente.connectors.spec import ENTRY_POINT_GROUP, VendorSpec

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {
    "alegra": {"catalog_source", "invoice_sink"},
    "astroselling": {"catalog_import", "catalog_target", "order_source"},
    "bsale": {"catalog_source", "invoice_sink", "event_receiver"},
    "contabilium": {"catalog_source", "invoice_sink"},
    "escala": {"crm_sink"},
    "facto": {"invoice_sink"},
    "jumpseller": {"catalog_target", "catalog_import", "order_source", "event_receiver", "webhook_registrar"},
    "mercadolibre": {"order_source", "event_receiver"},
    "siigo": {"catalog_source", "invoice_sink", "invoice_source", "event_receiver", "webhook_registrar"},
}


def test_every_shipped_vendor_is_discovered_with_its_capabilities():
    found = {name: set(spec.capabilities) for name, spec in registry.vendors().items()}
    assert {name: caps for name, caps in found.items() if name in SHIPPED} == SHIPPED
    for spec in registry.vendors().values():
        for target in (spec.settings, spec.connection_types, *spec.capabilities.values()):
            assert registry.load(target) is not None, target


def test_the_dag_factory_imports_no_vendor_code():
    """Parse time is a product metric: declarations, settings models and connection forms only."""
    script = ("import sys\nfrom puente.factory import register_dags\nregister_dags({})\n"
              "print('\\n'.join(m for m in sys.modules if m.startswith('puente.vendors.')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"PUENTE_TENANTS_DIR": str(ROOT / "include" / "tenants"), "PATH": "/usr/bin:/bin"})
    imported = {name.split(".")[-1] for name in done.stdout.split() if name.count(".") == 3}
    assert imported <= {"settings", "connection"}, imported


def _discover(monkeypatch, points) -> dict[str, VendorSpec]:
    """What the registry finds when exactly ``points`` are installed."""
    registry.vendors.cache_clear()
    monkeypatch.setattr(registry, "entry_points", lambda group: [p for p in points if p.group == group])
    try:
        return registry.vendors()
    finally:
        registry.vendors.cache_clear()


def test_a_broken_or_malformed_plug_in_is_left_out_with_its_reason(monkeypatch, caplog):
    caplog.set_level(logging.ERROR)
    real = [EntryPoint(name, f"puente.vendors.{name}:VENDOR", ENTRY_POINT_GROUP) for name in SHIPPED]
    broken = [
        EntryPoint("ghost", "puente.vendors.ghost:VENDOR", ENTRY_POINT_GROUP),  # cannot be imported
        EntryPoint("liar", "puente.vendors.bsale:VENDOR", ENTRY_POINT_GROUP),  # declares another name
        EntryPoint("thing", "puente.connectors.spec:SECTIONS", ENTRY_POINT_GROUP),  # not a VendorSpec
    ]
    found = _discover(monkeypatch, real + broken)
    assert set(found) == set(SHIPPED)
    assert "'ghost'" in caplog.text and "ModuleNotFoundError" in caplog.text
    assert "declares name 'bsale' under entry point 'liar'" in caplog.text
    assert "'thing'" in caplog.text and "is not a VendorSpec" in caplog.text


def test_a_declaration_names_what_is_wrong():
    spec = VendorSpec(name="x", title="X", section="pos", settings="x.settings.X",
                      capabilities={"teleport": "x:Y"}, connection_types="x:TYPES")
    problems = spec.problems("x")
    assert any("section 'pos'" in p for p in problems) and any("teleport" in p for p in problems)
    assert any("'x.settings.X' is not 'module:attribute'" in p for p in problems)


def test_an_unknown_capability_says_who_has_it():
    with pytest.raises(LookupError, match=r"'facto' cannot act as a catalog source \(known: \['alegra', 'bsale'"):
        registry.connector_class("catalog_source", "facto")


CORE = ["include/puente/factory.py", "dags", "include/puente/operators", "include/puente/rules",
        "include/puente/models.py", "include/puente/task_ids.py", "include/puente/connectors/protocols.py",
        "include/puente/connectors/registry.py", "include/puente/connectors/spec.py"]


def test_no_vendor_is_named_in_the_flow_rule_or_factory_modules():
    names = sorted({name for name in registry.vendors()} | {spec.title for spec in registry.vendors().values()})
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b", re.IGNORECASE)
    files = [path for entry in CORE for path in ([ROOT / entry] if entry.endswith(".py")
                                                 else sorted((ROOT / entry).rglob("*.py")))]
    hits = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for path in files
            for number, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert len(files) > 10 and hits == []


def test_the_readme_connection_table_is_the_generated_one():
    from puente.vendors_cli import README_TABLE_END, README_TABLE_START, connections_table

    readme = (ROOT / "README.md").read_text()
    shown = readme.split(README_TABLE_START, 1)[1].split(README_TABLE_END, 1)[0].strip()
    shipped = [name for name, spec in registry.vendors().items() if spec.settings.startswith("puente.vendors.")]
    assert sorted(shipped) == sorted(SHIPPED)  # a test-only plug-in may be installed beside them
    assert shown == connections_table(shipped), "run `.venv/bin/puente vendors --connections-table` into README.md"


def test_vendor_packages_never_import_one_another():
    import ast

    names = set(registry.vendors())
    crossings = []
    for path in sorted((ROOT / "include" / "puente" / "vendors").rglob("*.py")):
        own = path.relative_to(ROOT / "include" / "puente" / "vendors").parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                parts = module.split(".")
                if parts[:2] == ["puente", "vendors"] and len(parts) > 2 and parts[2] in names - {own}:
                    crossings.append(f"{path.name} ({own}) imports {module}")
    assert crossings == []
