"""The Jumpseller admin page of one order, for the console's attention list.

A store's admin lives under its own subdomain, named by the store login (the ``login`` of the
HTTP Basic pair in the connection, not a secret): ``https://<login>.jumpseller.com/admin/...``.
The ``orders/<id>`` path follows the admin's other pages (products, themes); not in the API docs,
so a wrong guess costs a 404 in the merchant's browser, never a wrong write.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

STORE_LOGIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def order_url(settings: Any, order_id: str, country: str) -> str | None:
    """None when the connection is missing or its login cannot be a subdomain."""
    try:
        from airflow.sdk import BaseHook

        login = (BaseHook.get_connection(settings.conn_id).login or "").strip().lower()
    except Exception:  # no such connection (yet): no link, the row is still shown
        return None
    if not STORE_LOGIN.match(login):
        return None
    return f"https://{login}.jumpseller.com/admin/orders/{quote(str(order_id), safe='')}"
