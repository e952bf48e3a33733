"""The tenant file's ``notify:`` block: optional, strict addresses, no secrets, errors naming the field."""

from __future__ import annotations

import pytest

from puente.config.loader import load_tenant_file

BASE = (
    "tenant: ventas_cl\nname: Ventas\ncountry: CL\n"
    "erp: {vendor: bsale, conn_id: bsale_ventas_cl, office_id: 1}\n"
    "channels: [{vendor: jumpseller, conn_id: jumpseller_ventas_cl}]\n"
)


def load(tmp_path, extra: str = ""):
    path = tmp_path / "ventas_cl.yaml"
    path.write_text(BASE + extra, encoding="utf-8")
    return load_tenant_file(path)


def test_a_file_without_notify_has_no_notifications(tmp_path) -> None:
    assert load(tmp_path).notify is None


def test_the_block_takes_recipients_and_defaults_to_the_smtp_default_connection(tmp_path) -> None:
    notify = load(tmp_path, "notify: {email: [ops@ventas.cl, jefa+alertas@ventas.cl]}\n").notify
    assert notify.email == ["ops@ventas.cl", "jefa+alertas@ventas.cl"]
    assert notify.smtp_conn_id == "smtp_default" and notify.from_email is None and notify.quiet_after_minutes is None


@pytest.mark.parametrize("value, field", [
    ("{email: [not-an-address]}", "email"),
    ("{email: ['ops@ventas.cl\\r\\nBcc: x@evil.io']}", "email"),
    ("{email: ['Ops <ops@ventas.cl>']}", "email"),
    ("{email: []}", "email"),
    ("{email: [ops@ventas.cl], from_email: 'a b@c.cl'}", "from_email"),
    ("{email: [ops@ventas.cl], smtp_conn_id: 'bad id!'}", "smtp_conn_id"),
    ("{email: [ops@ventas.cl], password: hunter2}", "password"),
    ("{email: [ops@ventas.cl], quiet_after_minutes: 1}", "quiet_after_minutes"),
])
def test_bad_values_are_validation_errors_naming_the_field(tmp_path, value: str, field: str) -> None:
    error = load(tmp_path, f"notify: {value}\n")
    assert not hasattr(error, "tenant"), "the file should have been refused"
    fields = [problem.field for problem in error.errors]
    assert any(f.startswith("notify") and field in f for f in fields), fields
    assert "hunter2" not in error.message()
