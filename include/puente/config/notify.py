"""The tenant file's ``notify:`` block: who hears about incidents, and through which connection.

Only recipients and connection ids live here: the SMTP server, its login and password are the
Airflow connection's (``smtp_conn_id``), so the file stays free of secrets like every other section.
Addresses are checked strictly (no display names, no spaces or header characters): a recipient is
put in a mail header, and a hostile value must be a validation error naming the field, never an
injected header.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from puente.config.base import ConnId, Strict

# local@domain.tld, without spaces, quotes, angle brackets, commas or semicolons (header syntax).
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def check_address(value: str) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {str(value)[:80]!r}")
    return value


class NotifySettings(Strict):
    """Incident notifications: one message when an incident opens, one when it clears."""

    email: list[str] = Field(
        min_length=1, max_length=20,
        description="recipients of the incident e-mails (the tenant's operations address)",
    )
    smtp_conn_id: ConnId = Field(
        default="smtp_default", description="Airflow SMTP connection (server, login, password, from_email)"
    )
    from_email: str | None = Field(default=None, description="sender; empty = the connection's from_email")
    quiet_after_minutes: int | None = Field(
        default=None, ge=5, le=7 * 24 * 60,
        description="a webhook source that sent nothing for this long is an incident (source_quiet); "
        "empty = not watched",
    )

    @field_validator("email")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                check_address(value)
            except ValueError as exc:
                raise ValueError(f"email[{index}]: {exc}") from None
        return values

    @field_validator("from_email")
    @classmethod
    def _sender(cls, value: str | None) -> str | None:
        return None if value is None else check_address(value)
