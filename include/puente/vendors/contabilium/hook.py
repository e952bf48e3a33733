"""Contabilium (Argentina, ERP + AFIP e-invoicing) hook: client-credentials token, envelope paging.

Facts (see ../shared/vendor-apis/contabilium.md; no official page was readable, the notes come
from public client code):

* ``POST /token`` (form-encoded ``grant_type=client_credentials&client_id=<account e-mail>&
  client_secret=<API key>``) answers ``{"access_token", "token_type": "bearer", "expires_in":
  86399}``; no refresh token. Every call sends ``Authorization: Bearer <token>``. Tokens are cached
  per account for the process (every hook on the account reuses one) until a minute before they
  expire; a 401 drops the token, fetches one more and re-sends the request once; a second 401 is an
  ``AuthError``. Bad credentials (400/401 ``{"error": "invalid_client"}``) are an ``AuthError``.
* Lists take ``page``/``pageSize`` and answer ``{"Items", "TotalItems", "TotalPage"}``; some
  answer a bare array (depósitos, points of sale) or a single object: all three are read.
  ``getStockByDeposito`` has a fixed page size of 50. Pages are 1-based (the safer of the two seen).
* 30 requests per 10 s (quoted from the docs by an integrator; others pace at 2/s); 429 is waited
  out (``Retry-After`` when given, else about 3 s as clients do). Cloudflare may answer **403 with
  an HTML page**: the request never reached the API, so it is waited out like a 429 (inferred).
* Errors carry ``Message`` (sometimes ``Description``): that is the typed error's
  ``vendor_message``. An existing client makes ``POST /api/clientes`` fail with **HTTP 500** "El
  cliente ya se encuentra registrado"; :meth:`ContabiliumHook.create_client` then finds it again.
* Invoice types: the notes record a conflict (``FA/FB/FC`` in one client, ``FCA/FCB/FCC`` in two
  that cite the docs). This hook sends the **documented ``FCA/FCB/FCC``** and rewrites the short
  form before sending (``INVOICE_TYPE_CODES``); the sandbox accepts both.
* ``emitirFE`` is a GET with a fiscal side effect and ``emitirFECobrada``/``crear``/``enviarMail``
  are POSTs: none is ever re-sent automatically (a lost answer is ``TransientError(uncertain)``;
  look the comprobante up by ``RefExterna`` first). An emission answer with an empty ``cae`` or a
  non-empty ``errores`` is a ``PermanentError`` even on HTTP 200 (notes).

Methods return Contabilium's dicts unchanged: mapping is the connector's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.errors import AuthError, NotFound, PermanentError, TransientError, VendorError
from puente.hooks.ratelimit import Budget
from puente.hooks.retry import Action, parse_retry_after
from puente.hooks.token_auth import TokenAuthHook, TokenCache
from puente.hooks.transport import body_of, message_from_body

TOKEN_PATH = "/token"
COUNTRY_HOSTS = {"AR": "https://rest.contabilium.com", "CL": "https://rest.contabilium.cl",
                 "UY": "https://rest.contabilium.com.uy"}  # fmt: skip
INVOICE_TYPE_CODES = {"A": "FCA", "B": "FCB", "C": "FCC"}  # documented form (see module docstring)
SHORT_INVOICE_TYPES = {"FA": "FCA", "FB": "FCB", "FC": "FCC"}
STOCK_PAGE_SIZE = 50  # getStockByDeposito: "not modifiable"
CLOUDFLARE_WAIT_S = 3.0

Fetch = Callable[[str, dict[str, Any]], Any]


# (base URL, client id) -> token. Process-wide: Airflow runs many hooks per account.
_TOKENS = TokenCache()


def invoice_letter(issuer_iva: str, client_iva: str) -> str:
    """AFIP letter (inferred from AFIP's rules): RI issuer -> A to RI/MO clients, B to CF/EX; else C."""
    if issuer_iva.upper() != "RI":
        return "C"
    return "A" if client_iva.upper() in ("RI", "MO") else "B"


def invoice_type_code(letter_or_code: str) -> str:
    """``"B"``, ``"FB"`` or ``"FCB"`` -> ``"FCB"`` (the documented code the hook sends)."""
    value = letter_or_code.strip().upper()
    return INVOICE_TYPE_CODES.get(value) or SHORT_INVOICE_TYPES.get(value) or value


def doc_type_for(tax_id: str) -> str:
    """``CUIT`` for 11 digits, ``DNI`` otherwise (inferred: a CUIL also has 11; pass it explicitly)."""
    return "CUIT" if len("".join(c for c in tax_id if c.isdigit())) == 11 else "DNI"


@dataclass(frozen=True)
class ContabiliumPaginator:
    """``page``/``pageSize`` over the ``{Items, TotalItems, TotalPage}`` envelope, to the last page.

    A bare array is one complete page; a single object is one item (the notes saw both).
    Without ``TotalPage`` the walk stops at the first short page.
    """

    page_size: int = 50
    send_page_size: bool = True
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = dict(params or {})
        if self.send_page_size:
            query["pageSize"] = self.page_size
        for page in range(1, self.max_pages + 1):
            query["page"] = page
            payload = fetch(path, dict(query))
            if isinstance(payload, list):
                if payload:
                    yield payload
                return
            if not isinstance(payload, Mapping):
                return
            if "Items" not in payload:
                yield [payload]
                return
            items = list(payload.get("Items") or [])
            if items:
                yield items
            total_pages = payload.get("TotalPage")
            if not items or (total_pages is not None and page >= int(total_pages)):
                return
            if total_pages is None and len(items) < self.page_size:
                return
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} pages")


class ContabiliumHook(TokenAuthHook):
    """Interact with the Contabilium REST API as one account (client id = account e-mail)."""

    conn_name_attr = "contabilium_conn_id"
    default_conn_name = "contabilium_default"
    conn_type = "contabilium"
    hook_name = "Contabilium"
    default_host = COUNTRY_HOSTS["AR"]
    vendor: ClassVar[str] = "contabilium"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((30, 10.0),)  # "30 req / 10 s"
    default_rate_limit_wait: ClassVar[float] = CLOUDFLARE_WAIT_S  # "clients wait about 3 s"
    max_page_size: ClassVar[int] = 50
    test_connection_path: ClassVar[str] = "/api/usuarios/obtenerinfo"
    token_path: ClassVar[str] = TOKEN_PATH
    token_cache: ClassVar[TokenCache] = _TOKENS

    def __init__(self, contabilium_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(contabilium_conn_id, **kwargs)
        self.contabilium_conn_id = contabilium_conn_id

    def sibling(self) -> ContabiliumHook:
        """A new hook on the same connection and limiter (and, process-wide, the same token)."""
        return type(self)(self.contabilium_conn_id, limiter=self.limiter)

    def host_default(self) -> str:
        """No host: the country extra (AR, CL, UY) picks Contabilium's per-country API host."""
        country = str(self.extra_field("country") or "AR").upper()
        if country not in COUNTRY_HOSTS:
            raise ValueError(f"connection {self.conn_id!r}: extra 'country' must be AR, CL or UY, got {country!r}")
        return COUNTRY_HOSTS[country]

    # ------------------------------------------------------------------------------- auth
    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.login or not connection.password:
            raise ValueError(
                f"connection {self.conn_id!r}: Contabilium needs the client id (login: the account e-mail) "
                "and client secret (password: the API key)"
            )

    def _token_key(self) -> tuple[str, str]:
        self.get_conn()
        return (self.base_url, self.connection.login or "")

    def fetch_token(self) -> tuple[str, float]:
        """A new token from ``POST /token`` (OAuth client credentials); bad credentials are an AuthError."""
        form = {"grant_type": "client_credentials", "client_id": self.connection.login,
                "client_secret": self.connection.password}  # fmt: skip
        try:
            response = PuenteHttpHook.request(
                self,
                "POST",
                TOKEN_PATH,
                data=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                idempotent=True,  # asking for a token twice creates nothing
            )
        except PermanentError as exc:
            if isinstance(exc, AuthError) or exc.status != 400:
                raise
            raise AuthError(
                status=exc.status, vendor_message=exc.vendor_message, body=exc.body,
                vendor=exc.vendor, method=exc.method, path=exc.path,
            ) from exc  # fmt: skip
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in") or 86399)

    # ------------------------------------------------------------------------ vendor overrides
    def classify(self, response: Response) -> Action:
        """A Cloudflare 403 page (HTML) never reached the API: wait it out like a 429 (inferred)."""
        if response.status_code == 403 and "text/html" in response.headers.get("Content-Type", "").lower():
            return Action.WAIT
        return super().classify(response)

    def wait_hint(self, response: Response) -> float | None:
        hint = parse_retry_after(response.headers.get("Retry-After"))
        return hint if hint is not None else (CLOUDFLARE_WAIT_S if response.status_code == 403 else None)

    def extract_message(self, response: Response) -> str | None:
        body = body_of(response)
        if isinstance(body, str) and "<html" in body.lower():
            return "blocked by Cloudflare (HTML page)" if response.status_code == 403 else body.strip()[:200]
        return message_from_body(body, ("Message", "message", "Description", "error_description", "error"))

    # ------------------------------------------------------------------------------ listings
    def iter_items(
        self, path: str, params: Mapping[str, Any] | None = None, *, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a Contabilium list (envelope, bare array or single object)."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        paginator = ContabiliumPaginator(page_size=page_size or self.max_page_size)
        return self.paginate(path, clean, paginator)  # type: ignore[arg-type]

    def list_products(self, sku: str | None = None, *, filtro: str | None = None) -> list[dict[str, Any]]:
        """``[concepto]`` for one SKU (``getByCodigo``; ``[]`` if unknown), else every concepto."""
        if sku is not None:
            try:
                return [self.request_json("GET", "/api/conceptos/getByCodigo", params={"codigo": sku.strip().upper()})]
            except NotFound:
                return []
        return list(self.iter_items("/api/conceptos/search", {"filtro": filtro}))

    def get_product(self, product_id: int) -> dict[str, Any]:
        return self.request_json("GET", f"/api/conceptos/{product_id}")

    def list_warehouses(self) -> list[dict[str, Any]]:
        """Depósitos ``[{Id, Nombre, Activo}]`` (a bare array)."""
        return list(self.iter_items("/api/inventarios/getDepositos"))

    def stock_by_warehouse(self, warehouse_id: int) -> Iterator[dict[str, Any]]:
        """``{Id, Codigo, Nombre, StockActual, StockReservado, StockConReservas}`` of one depósito;
        available stock is ``StockConReservas``. Page size is fixed at 50 by Contabilium."""
        paginator = ContabiliumPaginator(page_size=STOCK_PAGE_SIZE, send_page_size=False)
        return self.paginate("/api/inventarios/getStockByDeposito", {"id": warehouse_id}, paginator)  # type: ignore[arg-type]

    def stock_by_sku(self, sku: str) -> dict[str, Any] | None:
        """Totals plus the per-depósito ``stock`` breakdown; None for an unknown SKU."""
        try:
            return self.request_json("GET", "/api/inventarios/getStockBySKU", params={"codigo": sku.strip().upper()})
        except NotFound:
            return None

    def list_price_lists(self) -> list[dict[str, Any]]:
        return list(self.iter_items("/api/listasDePrecio/search"))

    def price_list_items(self, price_list_id: int) -> list[dict[str, Any]]:
        """``[{Codigo, Precio, PrecioFinal}]`` of one price list (shape inferred in the notes)."""
        return list(self.iter_items("/api/listasDePrecio/getById", {"id": price_list_id}))

    def list_points_of_sale(self) -> list[dict[str, Any]]:
        """``[{Id, Nombre, Activo}]``: an invoice's ``PuntoVenta`` is one of these ``Id``s."""
        return list(self.iter_items("/api/puntosdeventa/search"))

    def list_sale_conditions(self) -> list[dict[str, Any]]:
        """An invoice's ``CondicionVenta`` is one of these **names** (it must match the account's)."""
        return list(self.iter_items("/api/usuarios/condicionesVenta"))

    def company_info(self) -> dict[str, Any]:
        """``{RazonSocial, CUIT, CondicionIVA}`` of the issuer (decides the invoice letter)."""
        return self.request_json("GET", "/api/usuarios/obtenerinfo")

    # ------------------------------------------------------------------------------- clients
    def find_client(
        self, tax_id: str | None = None, email: str | None = None, *, doc_type: str | None = None
    ) -> dict[str, Any] | None:
        """First client with this document (``GetClientByDoc``), else with this exact e-mail
        (``clientes/search?filtro=``, compared case-insensitively here), else None."""
        if tax_id:
            digits = "".join(c for c in tax_id if c.isdigit())
            params = {"tipoDoc": doc_type or doc_type_for(digits), "nroDoc": digits}
            found = self.request_json("GET", "/api/clientes/GetClientByDoc", params=params)
            candidates = found if isinstance(found, list) else [found] if isinstance(found, Mapping) else []
            if candidates:
                return candidates[0]
        if email:
            wanted = email.strip().lower()
            for client in self.iter_items("/api/clientes/search", {"filtro": email.strip()}):
                if str(client.get("Email") or "").strip().lower() == wanted:
                    return client
        return None

    def create_client(self, payload: dict[str, Any], *, existing_ok: bool = True) -> int:
        """POST ``/api/clientes`` -> the new Id (a bare number). An existing client (HTTP 500 "ya se
        encuentra registrado") is found by its document and its Id returned when ``existing_ok``."""
        try:
            return _as_id(self.request_json("POST", "/api/clientes", json=payload, idempotent=False))
        except TransientError as exc:
            if "ya se encuentra registrado" not in (exc.vendor_message or "").lower():
                raise
            if existing_ok:
                found = self.find_client(str(payload.get("NroDoc") or ""), doc_type=payload.get("TipoDoc"))
                if found is not None:
                    return int(found["Id"])
            raise PermanentError(
                status=exc.status, vendor_message=exc.vendor_message, body=exc.body,
                vendor=exc.vendor, method=exc.method, path=exc.path,
            ) from exc  # fmt: skip

    def get_client(self, client_id: int) -> dict[str, Any]:
        return self.request_json("GET", f"/api/clientes/{client_id}")

    # ------------------------------------------------------------------------------ invoices
    def create_invoice(self, payload: dict[str, Any]) -> int:
        """POST ``/api/comprobantes/crear``: a draft **without CAE**; returns its id. ``TipoFc`` is
        sent in the documented form (``FB`` or ``B`` -> ``FCB``). Never re-sent automatically."""
        body = {**payload, "TipoFc": invoice_type_code(str(payload.get("TipoFc") or ""))}
        return _as_id(self.request_json("POST", "/api/comprobantes/crear", json=body, idempotent=False))

    def authorize_invoice(self, invoice_id: int) -> dict[str, Any]:
        """GET ``emitirFE``: AFIP authorisation of a draft (a GET with a fiscal side effect: never
        retried). Returns ``{idComprobante, cae, numero, url, fechaVto, errores}``."""
        answer = self.request_json("GET", "/api/comprobantes/emitirFE", params={"id": invoice_id}, idempotent=False)
        return self._checked_emission(answer, "/api/comprobantes/emitirFE")

    def issue_invoice(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``emitirFECobrada``: create, authorise and collect in one step (``RefExterna`` =
        the external order id). Same answer as :meth:`authorize_invoice`."""
        body = {**payload, "TipoFc": invoice_type_code(str(payload.get("TipoFc") or ""))}
        answer = self.request_json("POST", "/api/comprobantes/emitirFECobrada", json=body, idempotent=False)
        return self._checked_emission(answer, "/api/comprobantes/emitirFECobrada")

    def _checked_emission(self, answer: Any, path: str) -> dict[str, Any]:
        """An empty ``cae`` or non-empty ``errores`` is a failure even on HTTP 200 (notes)."""
        if not isinstance(answer, Mapping) or not answer.get("cae") or answer.get("errores"):
            errors = answer.get("errores") if isinstance(answer, Mapping) else None
            raise PermanentError(
                status=200, vendor_message=str(errors or "no CAE in the answer"), body=answer,
                vendor=self.vendor, method="POST" if path.endswith("Cobrada") else "GET", path=path,
            )  # fmt: skip
        return dict(answer)

    def get_invoice(self, invoice_id: int) -> dict[str, Any]:
        return self.request_json("GET", f"/api/comprobantes/{invoice_id}")

    def find_invoices(
        self, filtro: str | None = None, *, date_from: str | None = None, date_to: str | None = None
    ) -> list[dict[str, Any]]:
        """``comprobantes/search`` (``filtro`` free text, e.g. a ``RefExterna``; dates ``YYYY-MM-DD``)."""
        params = {"filtro": filtro, "fechaDesde": date_from, "fechaHasta": date_to}
        return list(self.iter_items("/api/comprobantes/search", params))

    def email_invoice(self, invoice_id: int, email: str) -> bool:
        """Send an authorised comprobante by e-mail. Route inferred in the notes (no source found):
        POST ``/api/comprobantes/enviarMail`` ``{IdComprobante, Email}`` -> ``true``. Not retried
        (a re-send is a second e-mail)."""
        answer = self.request_json(
            "POST", "/api/comprobantes/enviarMail", json={"IdComprobante": invoice_id, "Email": email}, idempotent=False
        )
        return answer is True or str(answer).lower() == "true"


def _as_id(answer: Any) -> int:
    """Create endpoints answer a bare number, or ``{id}`` / ``{Id}`` (notes)."""
    if isinstance(answer, Mapping):
        answer = answer.get("id", answer.get("Id"))
    try:
        return int(answer)
    except (TypeError, ValueError):
        raise VendorError(f"contabilium: expected a new id, got {answer!r}", vendor="contabilium") from None


def clear_token_cache() -> None:
    """Forget every cached token (tests; a rotated API key)."""
    _TOKENS.clear()


__all__ = [
    "INVOICE_TYPE_CODES",
    "ContabiliumHook",
    "ContabiliumPaginator",
    "clear_token_cache",
    "doc_type_for",
    "invoice_letter",
    "invoice_type_code",
]
