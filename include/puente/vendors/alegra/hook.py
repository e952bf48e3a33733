"""Alegra (Colombia ERP + DIAN e-invoicing) hook: HTTP Basic, 150/min, ``start``/``limit`` + metadata.

Facts (see ../shared/vendor-apis/alegra.md):

* Base URL ``https://api.alegra.com/api/v1``; **HTTP Basic** ``email:token`` on every request (the
  connection's login and password; the token is registered with the log masker). No token
  exchange, no expiry: a 401 is an ``AuthError`` at once.
* Lists take ``start`` (0-based) and ``limit`` (max 30). With ``metadata=true`` they answer
  ``{"metadata": {"total"}, "data": [...]}``, without it a bare array; taxes answer
  ``{"total", "results"}``. The walk asks for metadata and stops at a short page or at ``total``.
* 150 requests/min per user; a 429 ("Too Many request") means waiting for the window to end.
  Every response has ``X-Rate-Limit-Limit/Remaining/Reset``; the wait hint is ``Retry-After`` if a
  proxy adds one, else ``X-Rate-Limit-Reset`` (seconds left in the window).
* Errors are ``{"code", "message"}`` (sometimes ``{"error": {...}}``, or e-Provider's
  ``{"errors": [{"code", "message"}]}``): the typed error's ``vendor_message`` is Alegra's message
  verbatim (stamping failures carry DIAN/provider codes such as AEP6009 inside it);
  :func:`alegra_error_code` gives the ``code``.
* Emission is **not idempotent** and Alegra has no Idempotency-Key: ``create_invoice`` is never
  re-sent after it may have arrived (a lost answer is ``TransientError(uncertain=True)``); look the
  invoice up (``list_invoices(client_identification=..., date_from=...)``) before trying again.
* Items: SKU = ``reference``, or the barcode (Astroselling's "Usar Código de barras", needed for
  variations). Neither has a documented exact filter (``reference`` is inferred, barcode is a gap),
  so lookups send the documented free-text ``query`` and keep exact matches, as public Alegra
  clients do. ``barcode`` as a top-level item field is (inferred).

Methods return Alegra's dicts unchanged (ids are strings or numbers: compare with ``str()``);
mapping is the connector's job.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.pagination import Fetch
from puente.hooks.ratelimit import Budget
from puente.hooks.retry import parse_retry_after
from puente.hooks.transport import body_of, mask

MAX_LIMIT = 30
RATE_LIMIT_RESET = "X-Rate-Limit-Reset"
PAYMENT_FORMS = ("CASH", "CREDIT")
# No list endpoint exists (notes' gap); the values Alegra payments take (looked up, public tool docs).
PAYMENT_METHODS = ("cash", "check", "transfer", "deposit", "credit-card", "debit-card")
IDENTIFICATION_TYPES = ("RC", "TI", "CC", "TE", "CE", "NIT", "PP", "PEP", "DIE", "NUIP", "FOREIGN_NIT")
KINDS_OF_PERSON = ("LEGAL_ENTITY", "PERSON_ENTITY")
REGIMES = ("SIMPLIFIED_REGIME", "COMMON_REGIME", "NOT_REPONSIBLE_FOR_CONSUMPTION", "SPECIAL_REGIME",
           "NATIONAL_CONSUMPTION_TAX", "INC_IVA_RESPONSIBLE")  # fmt: skip


def alegra_error_entry(body: Any) -> dict[str, Any] | None:
    """``{"code", "message"}`` from any of Alegra's error shapes, or None."""
    if not isinstance(body, Mapping):
        return None
    if isinstance(body.get("error"), Mapping):
        body = body["error"]
    elif isinstance(body.get("errors"), list) and body["errors"] and isinstance(body["errors"][0], Mapping):
        errors = body["errors"]
        return {"code": errors[0].get("code"), "message": "; ".join(str(e.get("message", "")) for e in errors)}
    if "message" in body:
        return {"code": body.get("code"), "message": body.get("message")}
    return None


def alegra_error_code(error: Any) -> str | None:
    """Alegra's ``code`` (as a string) from a typed error or a body, for callers' decisions."""
    entry = alegra_error_entry(getattr(error, "body", error))
    return None if entry is None or entry.get("code") in (None, "") else str(entry["code"])


def alegra_date(value: date | str | None) -> str | None:
    """Filters take ``yyyy-MM-dd``."""
    return value.strftime("%Y-%m-%d") if isinstance(value, date) else value


def item_price(item: Mapping[str, Any], price_list_id: str | int | None = None) -> float | None:
    """The item's price in that list (default: the first entry, Alegra's default list)."""
    prices = item.get("price") or []
    if isinstance(prices, int | float | str):
        return float(prices)
    for entry in prices:
        if price_list_id is None or str(entry.get("idPriceList")) == str(price_list_id):
            return float(entry.get("price") or 0)
    return None


def item_stock(item: Mapping[str, Any], warehouse_id: str | int | None = None) -> float | None:
    """Available quantity in that warehouse (default: all); None for services (no ``inventory``)."""
    inventory = item.get("inventory")
    if not inventory:
        return None
    if warehouse_id is None:
        return float(inventory.get("availableQuantity") or 0)
    for entry in inventory.get("warehouses") or []:
        if str(entry.get("id")) == str(warehouse_id):
            return float(entry.get("availableQuantity") or 0)
    return 0.0


@dataclass(frozen=True)
class AlegraPaginator:
    """``start``/``limit`` offsets with ``metadata=true``; stops at a short page or at ``total``."""

    page_size: int = MAX_LIMIT
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = {**(params or {}), "metadata": "true", "limit": self.page_size}
        start = int(query.pop("start", 0) or 0)
        for _ in range(self.max_pages):
            payload = fetch(path, {**query, "start": start})
            total = None
            if isinstance(payload, list):
                rows = payload
            elif isinstance(payload, Mapping) and "results" in payload:  # taxes: {"total", "results"}
                rows, total = list(payload.get("results") or []), payload.get("total")
            else:
                payload = payload or {}
                rows, total = list(payload.get("data") or []), (payload.get("metadata") or {}).get("total")
            if rows:
                yield rows
            start += len(rows)
            if len(rows) < self.page_size or (total is not None and start >= int(total)):
                return
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} full pages")


class AlegraHook(PuenteHttpHook):
    """Interact with the Alegra API (``https://api.alegra.com/api/v1``) as one user (email + token)."""

    conn_name_attr = "alegra_conn_id"
    default_conn_name = "alegra_default"
    conn_type = "alegra"
    hook_name = "Alegra"
    default_host = "https://api.alegra.com/api/v1"
    vendor: ClassVar[str] = "alegra"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((150, 60.0),)  # "150 requests por minuto"
    default_rate_limit_wait: ClassVar[float] = 5.0  # a 429 without headers: the window is a minute
    max_page_size: ClassVar[int] = MAX_LIMIT
    test_connection_path: ClassVar[str] = "/users/self"

    def __init__(self, alegra_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(alegra_conn_id, **kwargs)
        self.alegra_conn_id = alegra_conn_id

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.login or not connection.password:
            raise ValueError(f"connection {self.conn_id!r}: Alegra needs the user's e-mail (login) and API token "
                             "(password)")  # fmt: skip
        mask(connection.password)
        super().configure_auth(session, connection)
        session.headers["Content-Type"] = "application/json"

    def extract_message(self, response: Response) -> str | None:
        entry = alegra_error_entry(body_of(response))
        if entry is not None and entry.get("message"):
            return str(entry["message"])
        return super().extract_message(response)

    def wait_hint(self, response: Response) -> float | None:
        """``Retry-After`` if present, else ``X-Rate-Limit-Reset`` (seconds left in the window)."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            return retry_after
        return parse_retry_after(response.headers.get(RATE_LIMIT_RESET))

    # ------------------------------------------------------------------------------ listings
    def iter_results(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every record of an Alegra list, 30 at a time (``None`` filters are dropped)."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return self.paginate(path, clean, AlegraPaginator(page_size=self.max_page_size))  # type: ignore[arg-type]

    def list_items(self, *, reference: str | None = None, barcode: str | None = None,
                   **filters: Any) -> list[dict[str, Any]]:  # fmt: skip
        """``/items``; ``reference=``/``barcode=`` are exact SKU lookups (``query`` + exact match)."""
        if reference is not None and barcode is not None:
            raise ValueError("look an item up by reference or by barcode, not both")
        sku = reference if reference is not None else barcode
        if sku is not None:
            filters.setdefault("query", sku)
        items = list(self.iter_results("/items", filters))
        if reference is not None:
            return [i for i in items if str(i.get("reference") or "") == reference]
        if barcode is not None:
            return [i for i in items if str(i.get("barcode") or "") == barcode]
        return items

    def get_item(self, item_id: str | int) -> dict[str, Any]:
        return self.request_json("GET", f"/items/{item_id}")

    def item_inventory(self, item_id: str | int, warehouse_id: str | int | None = None) -> float | None:
        """Available stock of one item in a warehouse (None: a service without inventory)."""
        return item_stock(self.get_item(item_id), warehouse_id)

    def item_price(self, item_id: str | int, price_list_id: str | int | None = None) -> float | None:
        return item_price(self.get_item(item_id), price_list_id)

    def find_contact(self, identification: str) -> dict[str, Any] | None:
        """The contact with this identification number (exact), or None."""
        wanted = str(identification).strip()
        for contact in self.iter_results("/contacts", {"identification": wanted}):
            if str(contact.get("identification") or "").strip() == wanted:
                return contact
        return None

    def create_contact(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``/contacts`` (identification as ``{"type", "number"}``); not idempotent: find first."""
        return self.request_json("POST", "/contacts", json=payload, idempotent=False)

    def list_invoices(self, *, date_from: date | str | None = None, date_to: date | str | None = None,
                      **filters: Any) -> Iterator[dict[str, Any]]:  # fmt: skip
        """``/invoices`` to the last page; ``date_from``/``date_to`` are inclusive invoice dates
        (``date_afterOrNow``/``date_beforeOrNow``); also ``status``, ``client_id``,
        ``client_identification``, ``item_id``, ``order_field``, ``order_direction``."""
        params = {"date_afterOrNow": alegra_date(date_from), "date_beforeOrNow": alegra_date(date_to), **filters}
        return self.iter_results("/invoices", params)

    def get_invoice(self, invoice_id: str | int, *, fields: str | None = None) -> dict[str, Any]:
        """One invoice (``fields="pdf"`` adds the PDF link)."""
        return self.request_json("GET", f"/invoices/{invoice_id}", params={"fields": fields} if fields else None)

    def create_invoice(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``/invoices``: ``status`` open vs draft, ``stamp.generateStamp`` emits to DIAN.

        Refusals (DIAN rules, missing numbering, unknown item...) are ``PermanentError`` with
        Alegra's message; a lost answer is ``TransientError(uncertain=True)``: never re-send blind.
        """
        return self.request_json("POST", "/invoices", json=payload, idempotent=False)

    def open_invoice(self, invoice_id: str | int, *, stamp: bool = False) -> dict[str, Any]:
        """Open a draft (optionally emitting it to DIAN)."""
        body = {"stamp": {"generateStamp": True}} if stamp else {}
        return self.request_json("POST", f"/invoices/{invoice_id}/open", json=body, idempotent=False)

    # ----------------------------------------------------------------------------- catalogs
    def list_warehouses(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self.iter_results("/warehouses", filters))

    def list_price_lists(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/price-lists"))

    def list_sellers(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/sellers"))

    def list_cost_centers(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/cost-centers"))

    def list_number_templates(self, document_type: str | None = "invoice") -> list[dict[str, Any]]:
        """Numbering resolutions (the "document types"); kept to ``documentType`` client-side too."""
        templates = list(self.iter_results("/number-templates", {"documentType": document_type}))
        return [t for t in templates if document_type is None or t.get("documentType") == document_type]

    def list_taxes(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/taxes"))

    def list_bank_accounts(self) -> list[dict[str, Any]]:
        """Accounts a payment goes to (``payments[].account.id``)."""
        return list(self.iter_results("/bank-accounts"))


__all__ = [
    "IDENTIFICATION_TYPES",
    "KINDS_OF_PERSON",
    "PAYMENT_FORMS",
    "PAYMENT_METHODS",
    "REGIMES",
    "AlegraHook",
    "AlegraPaginator",
    "alegra_date",
    "alegra_error_code",
    "alegra_error_entry",
    "item_price",
    "item_stock",
]
