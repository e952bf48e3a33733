"""Siigo Nube reference catalogs of one sandbox company, in the Blueprint's exact shapes.

Document types (``DocumentTypeFV``), payment types (``PaymentTypes``), taxes (``Tax``), users
(``User``), cost centers (``CostCenter``), warehouses (``Warehouse``) and price lists
(``PriceList``). Ids reuse the Blueprint's example values where it gives one (FV 24446, IVA 19%
13156, Crédito 5636, Bodega principal 1270, seller 629, cost center 235), so payloads copied from
Siigo's docs work against the sandbox unchanged. Every catalog holds at least one *inactive* entry,
because ``parameter_inactive`` is a documented refusal a flow must be able to meet.
"""

from __future__ import annotations

from typing import Any

ELECTRONIC_FV_ID = 24446
MANUAL_FV_ID = 24447  # "factura por computador" (NoElectronic): may be back-dated
CREDIT_NOTE_ID = 77775
CASH_RECEIPT_ID = 7714

IVA_19_ID, IVA_5_ID, IVA_EXEMPT_ID = 13156, 13157, 13158
IMPOCONSUMO_8_ID, RETEFUENTE_ID, RETEIVA_ID, RETEICA_ID, INACTIVE_TAX_ID = 13160, 13161, 34072, 34073, 13199

CREDIT_PAYMENT_ID, CASH_PAYMENT_ID, CARD_PAYMENT_ID, TRANSFER_PAYMENT_ID = 5636, 5637, 5638, 5639
SUPPLIER_PAYMENT_ID, INACTIVE_PAYMENT_ID = 5640, 5641


def _document_type(doc_id: int, code: str, name: str, doc_type: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": doc_id,
        "code": code,
        "name": name,
        "description": name,
        "type": doc_type,
        "active": True,
        "seller_by_item": False,
        "cost_center": True,
        "cost_center_mandatory": False,
        "automatic_number": True,
        "consecutive": 1,
        "discount_type": "Percentage",
        "decimals": True,
        "advance_payment": False,
        "reteiva": True,
        "reteica": True,
        "self_withholding": False,
        "self_withholding_limit": 0,
        "electronic_type": "NoElectronic",
        "cargo_transportation": False,
        "healthcare_company": False,
        "customer_by_item": False,
    }
    base.update(overrides)
    return base


def document_types() -> list[dict[str, Any]]:
    """Two FV types (electronic and not), one inactive FV, and one NC/RC so ``?type=`` filters bite."""
    return [
        _document_type(ELECTRONIC_FV_ID, "1", "Factura electrónica de venta", "FV", electronic_type="Electronicvoice"),
        _document_type(MANUAL_FV_ID, "2", "Factura de venta", "FV", discount_type="Value"),
        _document_type(24448, "3", "Exportación (inactiva)", "FV", active=False, electronic_type="ExportInvoice"),
        _document_type(CREDIT_NOTE_ID, "1", "Nota crédito", "NC"),
        _document_type(CASH_RECEIPT_ID, "1", "Recibo de caja", "RC"),
    ]  # fmt: skip


def payment_types() -> list[dict[str, Any]]:
    """``type`` Cartera serves FV/NC/RC; Proveedor does not (``invalid_payment`` on an invoice)."""
    rows = [
        (CREDIT_PAYMENT_ID, "Crédito", "Cartera", True, True),
        (CASH_PAYMENT_ID, "Efectivo", "Cartera", True, False),
        (CARD_PAYMENT_ID, "Tarjeta débito", "CarteraProveedor", True, False),
        (TRANSFER_PAYMENT_ID, "Transferencia bancaria", "Cartera", True, False),
        (SUPPLIER_PAYMENT_ID, "Cuentas por pagar", "Proveedor", True, True),
        (INACTIVE_PAYMENT_ID, "Cheque (inactiva)", "Cartera", False, False),
    ]
    return [
        {"id": pid, "name": name, "type": kind, "active": active, "due_date": due}
        for pid, name, kind, active, due in rows
    ]


def taxes() -> list[dict[str, Any]]:
    rows = [
        (IVA_19_ID, "IVA 19%", "IVA", 19.0, True),
        (IVA_5_ID, "IVA 5%", "IVA", 5.0, True),
        (IVA_EXEMPT_ID, "IVA Exento 0%", "IVA", 0.0, True),
        (IMPOCONSUMO_8_ID, "Impoconsumo 8%", "Impoconsumo", 8.0, True),
        (RETEFUENTE_ID, "Retefuente 2,5%", "Retefuente", 2.5, True),
        (RETEIVA_ID, "ReteIVA 15%", "ReteIVA", 15.0, True),
        (RETEICA_ID, "ReteICA 0,966%", "ReteICA", 0.966, True),
        (INACTIVE_TAX_ID, "IVA 16% (histórico)", "IVA", 16.0, False),
    ]
    return [{"id": tid, "name": n, "type": t, "percentage": p, "active": a} for tid, n, t, p, a in rows]


def users() -> list[dict[str, Any]]:
    """Sellers: ``id`` is what an invoice's ``seller`` takes (Astroselling's "Vendedor")."""
    rows = [
        (629, "ventas@tiendapuente.co", "Laura", "Gómez Ríos", True, "1020304050"),
        (630, "carlos.mejia@tiendapuente.co", "Carlos Andrés", "Mejía", True, "79845123"),
        (631, "diana.castro@tiendapuente.co", "Diana", "Castro Peña", True, "52123987"),
        (632, "antiguo.vendedor@tiendapuente.co", "Jorge", "Salas", False, "80111222"),
    ]
    return [
        {
            "id": uid,
            "username": username,
            "first_name": first,
            "last_name": last,
            "email": username,
            "active": active,
            "identification": ident,
        }
        for uid, username, first, last, active, ident in rows
    ]


def cost_centers() -> list[dict[str, Any]]:
    return [
        {"id": 235, "code": "13-1", "name": "Principal", "active": True},
        {"id": 236, "code": "13-2", "name": "Tienda online", "active": True},
        {"id": 237, "code": "13-3", "name": "Sucursal cerrada", "active": False},
    ]


def warehouses() -> list[dict[str, Any]]:
    return [
        {"id": 1270, "name": "Bodega principal", "active": True, "has_movements": True},
        {"id": 1271, "name": "Bodega Medellín", "active": True, "has_movements": True},
        {"id": 1272, "name": "Bodega antigua", "active": False, "has_movements": False},
    ]


def price_lists() -> list[dict[str, Any]]:
    return [
        {"id": 2766, "name": "Precio de venta 1", "active": True, "position": 1},
        {"id": 2767, "name": "Precio mayorista", "active": True, "position": 2},
    ]


ID_TYPES: dict[str, str] = {
    "13": "Cédula de ciudadanía",
    "31": "NIT",
    "22": "Cédula de extranjería",
    "42": "Documento de identificación extranjero",
    "50": "NIT de otro país",
    "R-00-PN": "No obligado a registrarse en el RUT PN",
    "91": "NUIP",
    "41": "Pasaporte",
    "47": "Permiso especial de permanencia PEP",
    "11": "Registro civil",
    "43": "Sin identificación del exterior o para uso definido por la DIAN",
    "21": "Tarjeta de extranjería",
    "12": "Tarjeta de identidad",
    "89": "Salvoconducto de permanencia",
    "48": "Permiso protección temporal PPT",
}
NUMERIC_ID_TYPES = frozenset({"13", "31", "11"})  # "Campo numérico, registro >= 3 y <= 13"

FISCAL_RESPONSIBILITIES: dict[str, str] = {
    "R-99-PN": "No aplica - Otros",
    "O-13": "Gran contribuyente",
    "O-15": "Autorretenedor",
    "O-23": "Agente de retención IVA",
    "O-47": "Régimen simple de tributación",
}

# The Blueprint's city table plus a few more DANE codes; names only decorate ``CityOut``.
CITIES: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("CO", "11", "11001"): ("Colombia", "Bogotá D.C.", "Bogotá"),
    ("CO", "05", "05001"): ("Colombia", "Antioquia", "Medellín"),
    ("CO", "76", "76001"): ("Colombia", "Valle del Cauca", "Cali"),
    ("CO", "08", "08001"): ("Colombia", "Atlántico", "Barranquilla"),
    ("CO", "19", "19001"): ("Colombia", "Cauca", "Popayán"),
    ("US", "01", "0101"): ("Estados Unidos", "Nueva York", "Nueva York"),
}


def nit_check_digit(nit: str) -> str:
    """DIAN's modulo-11 check digit (Siigo computes ``check_digit`` itself for id_type 31)."""
    weights = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
    digits = [int(c) for c in reversed(nit) if c.isdigit()]
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return str(remainder if remainder < 2 else 11 - remainder)
