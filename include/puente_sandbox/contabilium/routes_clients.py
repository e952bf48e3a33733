"""Clients: search, lookup by document, get, create.

Facts (notes §3-4): ``GET /api/clientes/search?filtro=&page=&pageSize=`` (envelope),
``GET /api/clientes/GetClientByDoc?tipoDoc=DNI|CUIT|CUIL&nroDoc=`` (an array of clients; "take
the first Id"), ``GET /api/clientes/{id}``, ``POST /api/clientes`` answering the **bare numeric
Id**. IVA conditions ``CF``/``RI``/``MO``/``EX``; ``Personeria`` ``F``/``J``. Creating a client
that already exists is **HTTP 500** "El cliente ya se encuentra registrado".

Inferred: "exists" means same ``TipoDoc`` + ``NroDoc``; ``filtro`` matches ``RazonSocial``,
``NroDoc`` and ``Email`` substrings (the only way to find a client by e-mail); no match by
document is ``[]``; ``RazonSocial`` is required; RI/MO clients need a CUIT (AFIP); a CUIT has 11
digits and a DNI 7-8; validation refusals are 400 with a Spanish ``Message``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.contabilium.store import ContabiliumStore
from puente_sandbox.contabilium.vendor import bad_request, json_object, message, not_found, page_envelope, text_filter

IVA_CONDITIONS = frozenset({"CF", "RI", "MO", "EX"})
DOC_DIGITS = {"DNI": (7, 8), "CUIT": (11, 11), "CUIL": (11, 11)}
FIELDS = ("RazonSocial", "NombreFantasia", "CondicionIva", "TipoDoc", "NroDoc", "Pais", "Provincia", "Domicilio",
          "Ciudad", "Cp", "Telefono", "Email", "Codigo", "Personeria")  # fmt: skip


def build_client(store: ContabiliumStore, body: dict[str, Any]) -> dict[str, Any]:
    name = str(body.get("RazonSocial") or "").strip()
    if not name:
        raise bad_request("El campo RazonSocial es obligatorio")
    iva = str(body.get("CondicionIva") or "").upper()
    if iva not in IVA_CONDITIONS:
        raise bad_request(f"La condición de IVA '{body.get('CondicionIva')}' es inválida")
    doc_type = str(body.get("TipoDoc") or "").upper()
    digits = "".join(ch for ch in str(body.get("NroDoc") or "") if ch.isdigit())
    if doc_type not in DOC_DIGITS:
        raise bad_request(f"El tipo de documento '{body.get('TipoDoc')}' es inválido")
    low, high = DOC_DIGITS[doc_type]
    if not low <= len(digits) <= high:
        raise bad_request(f"El número de documento {doc_type} es inválido")
    if iva in ("RI", "MO") and doc_type != "CUIT":
        raise bad_request("Los clientes Responsable Inscripto o Monotributo deben tener CUIT")
    if store.clients_by_doc(doc_type, digits):
        raise message(500, "El cliente ya se encuentra registrado")
    client = {field: body.get(field) for field in FIELDS}
    client.update(Id=store.next_client_id(), RazonSocial=name, CondicionIva=iva, TipoDoc=doc_type, NroDoc=digits,
                  Personeria=str(body.get("Personeria") or ("J" if doc_type == "CUIT" else "F")).upper())  # fmt: skip
    for field in ("NombreFantasia", "Pais", "Provincia", "Domicilio", "Ciudad", "Cp", "Telefono", "Email"):
        client[field] = client[field] or ""
    return client


def build_client_router(store: ContabiliumStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(auth)])

    @router.get("/clientes/search")
    async def search(request: Request) -> JSONResponse:
        matches = text_filter(request, lambda c: c["RazonSocial"], lambda c: c["NroDoc"], lambda c: c["Email"])
        return ok(page_envelope(request, [c for c in store.clients if matches(c)], dict))

    @router.get("/clientes/GetClientByDoc")
    async def by_doc(request: Request) -> JSONResponse:
        number = request.query_params.get("nroDoc")
        if not number:
            raise bad_request("El parámetro nroDoc es obligatorio")
        return ok(store.clients_by_doc(request.query_params.get("tipoDoc") or None, number))

    @router.get("/clientes/{client_id}")
    async def get(client_id: int) -> JSONResponse:
        client = store.client_by_id(client_id)
        if client is None:
            raise not_found("El cliente es inexistente")
        return ok(client)

    @router.post("/clientes")
    async def create(request: Request) -> JSONResponse:
        client = store.add_client(build_client(store, await json_object(request)))
        return ok(client["Id"])

    return router
