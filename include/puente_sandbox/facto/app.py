"""``create_app``: a Facto (facto.cl) SOAP sandbox on FastAPI, with the shared sandbox machinery.

Contract:

* ``GET /documento.php?wsdl``: the WSDL (no auth, like a public WSDL); ``GET /documento.php``
  without ``?wsdl`` is a small HTML service page, as nusoap shows.
* ``POST /documento.php`` (HTTP Basic ``<RUT>/<api-user>`` : 32-hex key; 401 otherwise), body a
  SOAP 1.1 envelope calling ``urn:server#emitirDocumento(documento)``. ``SOAPAction`` and the
  content type are not enforced. Always HTTP 200 with ``emitirDocumentoResponse/return``:
  ``resultado/status`` 0 (created and sent to the SII; folio, echoed ``encabezado`` incl.
  ``identificador_externo_doc``, ``detalles``, computed ``totales`` and ``enlaces``), 1 (input
  error, ``mensaje_error``, nothing created, folio absent, empty ``enlaces``) or 2 (the draft
  knob: created as a draft with folio and links, not sent to the SII). An envelope that cannot be
  read is HTTP 500 with a SOAP Fault. Validation: :mod:`puente_sandbox.facto.rules`; folios and
  links: :mod:`puente_sandbox.facto.store`. No idempotency (Facto has none).
* Latency, 5xx, 429 and "lost response" faults apply to ``/documento.php`` like any vendor path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.responses import HTMLResponse, Response

from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER
from puente_sandbox.facto.inspection import build_facto_inspection_router
from puente_sandbox.facto.rules import FactoInputError, validate
from puente_sandbox.facto.soap import SoapFaultError, parse_request, response_xml
from puente_sandbox.facto.store import FactoStore
from puente_sandbox.facto.vendor import FACTO_PROFILE, SoapFault, require_basic_auth, xml_response
from puente_sandbox.facto.wsdl import wsdl

ENDPOINT = "/documento.php"
EMPTY_LINKS = {"dte_xml": "", "dte_pdf": "", "dte_pdfcedible": "", "dte_timbre": ""}


def emit(store: FactoStore, body: bytes) -> str:
    """Run one ``emitirDocumento`` call and return the response envelope."""
    try:
        request = parse_request(body)
    except SoapFaultError as exc:
        raise SoapFault(500, exc.faultstring, exc.faultcode) from exc
    try:
        tipo, totals = validate(request)
    except FactoInputError as exc:
        return response_xml(1, str(exc), request.encabezado, request.detalles, request.totales, EMPTY_LINKS)
    document = store.emit(tipo, request.encabezado, request.detalles, request.referencias, totals)
    return response_xml(
        document.status,
        document.mensaje_error,
        document.encabezado,
        document.detalles,
        totals.as_fields(),
        document.enlaces,
    )


def build_soap_router(store: FactoStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter()

    @router.get(ENDPOINT)
    async def describe(request: Request) -> Response:
        if "wsdl" in {key.lower() for key in request.query_params}:
            return xml_response(wsdl(f"{str(request.base_url).rstrip('/')}{ENDPOINT}"))
        return HTMLResponse("<html><body><h1>server</h1><p>emitirDocumento</p></body></html>")

    @router.post(ENDPOINT, dependencies=[Depends(auth)])
    async def call(request: Request) -> Response:
        return xml_response(emit(store, await request.body()))

    return router


def create_app(
    store: FactoStore | None = None,
    *,
    user: str = DEFAULT_FACTO_USER,
    key: str = DEFAULT_FACTO_KEY,
    rate_limits: Sequence[Budget] | None = None,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """Facto publishes no rate limit, so ``rate_limits`` is off unless given."""
    store = store or FactoStore()
    state = SandboxState(profile=FACTO_PROFILE, store=store, rate_limits=rate_limits, faults=faults, clock=clock)
    routers = [build_soap_router(store, require_basic_auth(user, key))]
    return build_vendor_app(state, routers, [build_facto_inspection_router(store)], title="Facto API sandbox")
