"""Escala (CRM, Colombia/Perú) hook: ``x-api-key`` auth, 0-based page paging and scroll paging.

Facts (see ../shared/vendor-apis/escala.md): the public API lives under
``https://public-api.escala.com/v1`` (CRM under ``/crm``, products under ``/pms``) and takes the
account's API key in an ``x-api-key`` header; lists take a **0-based** ``page`` and a ``size`` and
answer ``{"items", "total"}``; large sets are read with ``/crm/deals/scroll`` and
``/crm/contacts/scroll`` (``since``, ``size``, ``scrollId``) answering ``{"items"}`` plus a scroll id
(``scrollId`` or ``nextScrollId``); a bad key answers 403 with ``{"message"}``; contacts are created
with ``POST /crm/contacts`` (201) and deals with ``POST /crm/deals`` whose ``products.updateValue``
must be ``false`` to keep the invoice total as the deal's value.

Inferred (the notes mark them so): contact search by ``?email=``/``?phone=``/``?<custom key>=``,
``GET /crm/users``, product ``code`` and ``?code=``, ``GET``/``PUT /crm/deals/{id}``, the error
body ``{"message", "errors": [{"field", "message"}]}``, and the rate limit (Escala publishes none).

Custom-field keys (``cf_contact_cedula_abcd_text``) are generated per account and there is no API
listing them, so callers pass them in from configuration. Generators yield Escala's dicts
unchanged: mapping invoices to contacts and deals is the connector's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.pagination import Fetch
from puente.hooks.ratelimit import Budget
from puente.hooks.transport import body_of, mask, message_from_body

API_KEY_HEADER = "x-api-key"
UNASSIGNED = "unassigned"
MAX_CODES_PER_REQUEST = 50  # keeps a product lookup's query string short


@dataclass(frozen=True)
class ZeroBasedPagePaginator:
    """``page`` (from 0) / ``size`` paging over ``{"items": [...], "total": N}``.

    Stops at ``total`` when the answer has one (robust to a server that caps ``size`` below what
    was asked), otherwise at the first empty or short page. ``max_pages`` guards against a server
    that ignores ``page``.
    """

    page_size: int = 100
    page_param: str = "page"
    size_param: str = "size"
    items_key: str = "items"
    total_key: str = "total"
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = dict(params or {})
        size = int(query.setdefault(self.size_param, self.page_size))
        seen = 0
        for page in range(self.max_pages):
            query[self.page_param] = page
            payload = fetch(path, dict(query)) or {}
            items = list(payload.get(self.items_key) or [])
            if items:
                yield items
            seen += len(items)
            total = payload.get(self.total_key)
            if not items or (total is not None and seen >= int(total)) or (total is None and len(items) < size):
                return
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} pages")


@dataclass(frozen=True)
class ScrollPaginator:
    """``/…/scroll?since=&size=&scrollId=``: follow the scroll id until it is missing or a page is short.

    Escala's published spec does not model the id's name; public clients read ``scrollId`` or
    ``nextScrollId``, and so do we. The caller's filters (``since``) are re-sent on every call.
    """

    page_size: int = 200
    size_param: str = "size"
    scroll_param: str = "scrollId"
    id_keys: tuple[str, ...] = ("scrollId", "nextScrollId")
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
        size = int(query.setdefault(self.size_param, self.page_size))
        for _ in range(self.max_pages):
            payload = fetch(path, dict(query)) or {}
            items = list(payload.get("items") or [])
            if items:
                yield items
            scroll_id = next((payload[k] for k in self.id_keys if payload.get(k)), None)
            if not items or not scroll_id or len(items) < size:
                return
            query[self.scroll_param] = scroll_id
        raise RuntimeError(f"pagination guard: {path} scrolled more than {self.max_pages} pages")


def iso_since(since: datetime | str | None) -> str | None:
    """``since`` as Escala reads it: ISO-8601 UTC (naive datetimes are taken as UTC)."""
    if since is None or isinstance(since, str):
        return since
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since.astimezone(UTC).isoformat().replace("+00:00", "Z")


def as_number(value: float | int | Decimal) -> float:
    """A JSON number for ``value`` (Decimal is not JSON-serialisable)."""
    if isinstance(value, bool):
        raise TypeError("a deal value must be a number, not a boolean")
    return float(value)


class EscalaHook(PuenteHttpHook):
    """Interact with Escala's public API (CRM contacts and deals, pipelines, users, products)."""

    conn_name_attr = "escala_conn_id"
    default_conn_name = "escala_default"
    conn_type = "escala"
    hook_name = "Escala"
    default_host = "https://public-api.escala.com/v1"
    vendor: ClassVar[str] = "escala"

    # Escala publishes no limit. 5/s is the only pacing seen in public client code (a 200 ms sleep
    # between calls); a daily flow of a few hundred invoices fits it easily, and a 429 (with or
    # without Retry-After) still pauses every user of the key. Override per connection with the
    # ``rate_limit_per_second`` / ``rate_limit_per_minute`` extras.
    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((5, 1.0),)
    page_size: ClassVar[int] = 100
    max_page_size: ClassVar[int] = 200  # the largest size seen in public clients (inferred cap)
    test_connection_path: ClassVar[str] = "/v1/crm/pipelines"
    test_connection_params: ClassVar[Mapping[str, Any]] = {"page": 0, "size": 1}

    def __init__(self, escala_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(escala_conn_id, **kwargs)
        self.escala_conn_id = escala_conn_id

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.password:
            raise ValueError(f"connection {self.conn_id!r}: the Escala API key (password) is empty")
        mask(connection.password)
        session.headers[API_KEY_HEADER] = connection.password

    def extract_message(self, response: Response) -> str | None:
        """``message`` verbatim, followed by each ``errors[]`` entry as ``field: message``."""
        body = body_of(response)
        text = message_from_body(body, ("message", "error"))
        errors = body.get("errors") if isinstance(body, Mapping) else None
        if isinstance(errors, list) and errors:
            details = "; ".join(
                f"{e.get('field')}: {e.get('message')}" if isinstance(e, Mapping) else str(e) for e in errors
            )
            return f"{text}: {details}" if text else details
        return text

    # ----------------------------------------------------------------------------- raw verbs
    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request_json("GET", path, params=params)

    def post(self, path: str, json: Any) -> Any:
        """POST is never resent after it may have reached Escala (no idempotency key exists)."""
        return self.request_json("POST", path, json=json, idempotent=False)

    def put(self, path: str, json: Any) -> Any:
        return self.request_json("PUT", path, json=json)

    def iter_pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a ``page``/``size`` list endpoint, from page 0."""
        paginator = ZeroBasedPagePaginator(page_size=min(size or self.page_size, self.max_page_size))
        for page in paginator.pages(self.get, path, params):
            yield from page

    def iter_scroll(
        self, path: str, *, since: datetime | str | None = None, size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a scroll endpoint (modified at or after ``since`` when given)."""
        paginator = ScrollPaginator(page_size=min(size or self.max_page_size, self.max_page_size))
        for page in paginator.pages(self.get, path, {"since": iso_since(since)}):
            yield from page

    # ------------------------------------------------------------------------------ contacts
    def iter_contacts(self, *, size: int | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        """``GET /crm/contacts``; filters ``email=``, ``phone=`` or a custom key ``cf_…=value`` (inferred)."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self.iter_pages("/v1/crm/contacts", params, size=size)

    def find_contacts(
        self,
        *,
        custom: Mapping[str, Any] | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[dict[str, Any]]:
        """Contacts matching every given filter; at least one is required (never the whole base)."""
        filters: dict[str, Any] = {k: str(v) for k, v in (custom or {}).items() if v not in (None, "")}
        if any(not key.startswith("cf_") for key in filters):
            raise ValueError(f"custom field keys start with 'cf_': {sorted(filters)}")
        if email:
            filters["email"] = email.strip()
        if phone:
            filters["phone"] = phone.strip()
        if not filters:
            raise ValueError("find_contacts needs a custom field value, an email or a phone")
        return list(self.iter_contacts(**filters))

    def find_contact_by_identity(
        self,
        *,
        cedula_field: str | None = None,
        cedula: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> dict[str, Any] | None:
        """The merchant's lookup order: the cédula custom field, then email, then phone; None if absent.

        Each step is one query, and the next runs only when the previous found nothing, because a
        contact created before the integration has no cédula but may have the same email.
        """
        steps: list[dict[str, Any]] = []
        if cedula_field and cedula:
            steps.append({"custom": {cedula_field: cedula}})
        if email:
            steps.append({"email": email})
        if phone:
            steps.append({"phone": phone})
        for step in steps:
            found = self.find_contacts(**step)
            if found:
                return found[0]
        return None

    def get_contact(self, contact_id: str) -> dict[str, Any]:
        return self.get(f"/v1/crm/contacts/{contact_id}")

    def create_contact(
        self,
        personal: Mapping[str, Any],
        *,
        custom: Mapping[str, Any] | None = None,
        assigned_to: str = UNASSIGNED,
        status: str = "lead",
        notes: str | None = None,
        trigger_workflow: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """``POST /crm/contacts`` (201) with the body public clients send; returns the contact.

        Not idempotent: a lost answer raises ``TransientError(uncertain=True)``; look the contact up
        (:meth:`find_contact_by_identity`) before creating it again.
        """
        body: dict[str, Any] = {
            "personal": dict(personal),
            "custom": dict(custom or {}),
            "assignedTo": assigned_to,
            "status": status,
            "triggerWorkflow": trigger_workflow,
            **fields,
        }
        if notes is not None:
            body["notes"] = notes
        return self.post("/v1/crm/contacts", body)

    def update_contact(self, contact_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /crm/contacts/{id}`` (inferred) with only the fields to change."""
        return self.put(f"/v1/crm/contacts/{contact_id}", dict(fields))

    def iter_contacts_scroll(
        self, *, since: datetime | str | None = None, size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        return self.iter_scroll("/v1/crm/contacts/scroll", since=since, size=size)

    # ------------------------------------------------------------------------ account config
    def list_users(self) -> list[dict[str, Any]]:
        """``GET /crm/users`` (inferred): the owners a seller can be linked to (``assignedTo`` = ``id``)."""
        return list(self.iter_pages("/v1/crm/users"))

    def list_pipelines(self) -> list[dict[str, Any]]:
        """``GET /crm/pipelines``: pipelines with their ``stages`` nested."""
        return list(self.iter_pages("/v1/crm/pipelines"))

    def find_products(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Products by ``code`` (``?code=a,b``, inferred), 50 codes per request; unknown codes are absent."""
        wanted = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), MAX_CODES_PER_REQUEST):
            chunk = wanted[start : start + MAX_CODES_PER_REQUEST]
            for product in self.iter_pages("/v1/pms/products", {"code": ",".join(chunk)}):
                code = product.get("code")
                if code in chunk and code not in found:
                    found[code] = product
        return found

    # --------------------------------------------------------------------------------- deals
    def create_deal(
        self,
        *,
        name: str,
        value: float | int | Decimal,
        pipeline_id: str,
        stage_id: str,
        assigned_to: str = UNASSIGNED,
        contact_id: str | None = None,
        description: str | None = None,
        products: Sequence[Mapping[str, Any]] = (),
        update_value: bool = False,
        custom: Mapping[str, Any] | None = None,
        priority: int | None = None,
        trigger_workflow: bool = False,
    ) -> dict[str, Any]:
        """``POST /crm/deals``; returns the deal.

        ``products`` are ``{"productId", "quantity"}`` items. ``updateValue`` is always sent, false
        by default: Escala otherwise replaces ``value`` (the invoice total) with the sum of the
        products. Not idempotent: a lost answer raises ``TransientError(uncertain=True)``; look the
        deal up (e.g. :meth:`iter_deals` by an invoice custom field) before creating it again.
        """
        body: dict[str, Any] = {
            "name": name,
            "value": as_number(value),
            "pipelineId": pipeline_id,
            "stageId": stage_id,
            "assignedTo": assigned_to,
            "products": {"items": [dict(p) for p in products], "updateValue": update_value},
            "triggerWorkflow": trigger_workflow,
        }
        optional = {"contactId": contact_id, "description": description, "priority": priority}
        body.update({k: v for k, v in optional.items() if v is not None})
        if custom:
            body["custom"] = dict(custom)
        return self.post("/v1/crm/deals", body)

    def update_deal_value(self, deal_id: str, value: float | int | Decimal) -> dict[str, Any]:
        """``PUT /crm/deals/{id}`` (inferred) with ``{"value"}`` only; idempotent, so retried."""
        return self.put(f"/v1/crm/deals/{deal_id}", {"value": as_number(value)})

    def get_deal(self, deal_id: str) -> dict[str, Any]:
        return self.get(f"/v1/crm/deals/{deal_id}")

    def iter_deals(self, *, size: int | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        """``GET /crm/deals`` (inferred); filters ``contactId=``, ``pipelineId=``, ``stageId=``, ``cf_…=``."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self.iter_pages("/v1/crm/deals", params, size=size)

    def iter_deals_scroll(
        self, *, since: datetime | str | None = None, size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """``GET /crm/deals/scroll``: every deal modified at or after ``since`` (all when None)."""
        return self.iter_scroll("/v1/crm/deals/scroll", since=since, size=size)


__all__ = [
    "EscalaHook",
    "ScrollPaginator",
    "ZeroBasedPagePaginator",
    "as_number",
    "iso_since",
]
