"""Comprobantes: draft creation, AFIP authorisation, one-step emission, lookup, search, e-mail.

Facts (notes §3): ``POST /api/comprobantes/crear`` makes a draft without CAE and answers the new
id (a bare number here; the notes saw a number or ``{id}``); ``GET /api/comprobantes/emitirFE?id=``
authorises a draft (a GET with a fiscal side effect); ``POST /api/comprobantes/emitirFECobrada``
creates and authorises in one step (same body plus ``Pagos``, ``RefExterna``...) and answers
``{idComprobante, cae, numero, url, fechaVto, errores}``; ``GET /api/comprobantes/{id}``;
``GET /api/comprobantes/search?filtro=&fechaDesde=&fechaHasta=&page=``.

Inferred: ``emitirFE`` answers the same shape as ``emitirFECobrada``; an authorised comprobante
cannot be authorised again (400); ``filtro`` matches ``Observaciones``, ``RefExterna``,
``Numero`` and ``RazonSocial``; dates filter ``FechaEmision`` inclusively. E-mail: **no source
found** (notes): the contract is the notes' guess ``POST /api/comprobantes/enviarMail``
``{"IdComprobante", "Email"}`` -> 200 ``true``; only authorised comprobantes can be e-mailed
(inferred); every e-mail sent is recorded for ``/_sandbox/emails``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.contabilium.invoice_rules import authorize, build_invoice
from puente_sandbox.contabilium.store import ContabiliumStore, public
from puente_sandbox.contabilium.vendor import bad_request, int_param, json_object, not_found, page_envelope, text_filter

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def build_invoice_router(store: ContabiliumStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/api/comprobantes", dependencies=[Depends(auth)])

    def invoice_or_404(invoice_id: int | None) -> dict:
        invoice = store.invoices.get(invoice_id or 0)
        if invoice is None:
            raise not_found("El comprobante es inexistente")
        return invoice

    @router.post("/crear")
    async def create(request: Request) -> JSONResponse:
        invoice = store.save_invoice(build_invoice(store, await json_object(request)))
        return ok(invoice["Id"])

    @router.get("/emitirFE")
    async def emit(request: Request) -> JSONResponse:
        return ok(authorize(store, invoice_or_404(int_param(request, "id", required=True))))

    @router.post("/emitirFECobrada")
    async def emit_collected(request: Request) -> JSONResponse:
        invoice = store.save_invoice(build_invoice(store, await json_object(request)))
        return ok(authorize(store, invoice))

    @router.post("/enviarMail")
    async def send_mail(request: Request) -> JSONResponse:
        body = await json_object(request)
        invoice = invoice_or_404(int_param_value(body.get("IdComprobante")))
        email = str(body.get("Email") or "").strip()
        if not EMAIL.match(email):
            raise bad_request("El email es inválido")
        if not invoice["Cae"]:
            raise bad_request("El comprobante no está emitido: no se puede enviar por mail")
        store.record_email(invoice, email)
        return ok(True)

    @router.get("/search")
    async def search(request: Request) -> JSONResponse:
        matches = text_filter(
            request, lambda i: i["Observaciones"], lambda i: i["RefExterna"], lambda i: i["Numero"],
            lambda i: i["RazonSocial"],
        )  # fmt: skip
        since = (request.query_params.get("fechaDesde") or "")[:10]
        until = (request.query_params.get("fechaHasta") or "")[:10]
        records = [
            i for i in store.invoices.values()
            if matches(i) and (not since or i["FechaEmision"][:10] >= since)
            and (not until or i["FechaEmision"][:10] <= until)
        ]  # fmt: skip
        return ok(page_envelope(request, records, public))

    @router.get("/{invoice_id}")
    async def get(invoice_id: int) -> JSONResponse:
        return ok(public(invoice_or_404(invoice_id)))

    return router


def int_param_value(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise bad_request("El campo IdComprobante es obligatorio") from None
