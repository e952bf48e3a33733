"""Facto (Chile, electronic invoicing) hook: SOAP 1.1 ``emitirDocumento`` over HTTP Basic auth.

Facts (see ../shared/vendor-apis/facto.md): one operation, POSTed to ``/documento.php`` (the
WSDL is ``/documento.php?wsdl``); the API user is ``<RUT with dots>/<api user>`` and the key is 32
hex characters, sent as HTTP Basic. Facto answers business outcomes with HTTP 200 and
``resultado/status``: 0 emitted and sent to the SII, 1 rejected (nothing created, reason in
``mensaje_error``), 2 saved as a draft but not sent to the SII.

Facto has no idempotency key and no lookup operation, so an emission is never re-sent once it may
have left this process: a 5xx, a timeout or a cut connection raise ``TransientError(uncertain=True)``
and a person (or a ledger check in Facto's portal) must settle it. Only failures before the request
was written (connection refused, connect timeout) and 429s are retried by the base transport.
SOAP faults become typed errors carrying the faultstring: ``Client``/format faults are permanent,
``Server`` faults are transient (and uncertain for an emission).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from requests import Response, Session
from requests.auth import HTTPBasicAuth

from puente.hooks.base import PuenteHttpHook
from puente.hooks.errors import PermanentError, TransientError, VendorError
from puente.hooks.ratelimit import Budget
from puente.hooks.retry import Action
from puente.hooks.transport import mask
from puente.vendors.facto.soap import (
    OPERATION,
    SOAP_ACTION,
    SoapParseError,
    build_envelope,
    fault_in,
    parse_emission,
    parse_xml,
)

STATUS_SENT, STATUS_REJECTED, STATUS_DRAFT = 0, 1, 2

# SOAP 1.1 faultcodes: the sender's fault is permanent; the server's may be temporary (and, for an
# emission, may come after the document was created). Unknown codes fail permanently.
FAULT_ACTIONS: dict[str, Action] = {
    "Client": Action.FAIL,
    "VersionMismatch": Action.FAIL,
    "MustUnderstand": Action.FAIL,
    "Server": Action.BACKOFF,
}


PROBE_OPERATION = "puenteCredentialCheck"  # not an operation of Facto's: see FactoHook.test_connection
CREDENTIAL_PROBE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:server">'
    f"<soap:Body><urn:{PROBE_OPERATION}/></soap:Body></soap:Envelope>"
)


class FactoHook(PuenteHttpHook):
    """Emit electronic tax documents (DTE) through Facto's SOAP API."""

    conn_name_attr = "facto_conn_id"
    default_conn_name = "facto_default"
    conn_type = "facto"
    hook_name = "Facto"
    default_host = "https://conexion.facto.cl"
    vendor: ClassVar[str] = "facto"

    endpoint_path: ClassVar[str] = "/documento.php"
    soap_action: ClassVar[str] = SOAP_ACTION
    # Facto publishes no limit. Every emission signs a DTE and uploads it to the SII before
    # answering, so parallel bursts only queue on Facto's side and contend for the account's
    # folio sequence: allow short bursts of 2/s, at most 60/min per API user (a day's invoices
    # of a typical shop in minutes). Overridable per connection.
    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((2, 1.0), (60, 60.0))
    # The SII upload happens inside the call; a read timeout makes the outcome uncertain (manual
    # check), so wait longer than the REST vendors' 60 s before giving up on an answer.
    default_timeout: ClassVar[float | tuple[float, float]] = (10.0, 120.0)
    test_connection_path: ClassVar[str] = "/documento.php?wsdl"

    def __init__(self, facto_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(facto_conn_id, **kwargs)
        self.facto_conn_id = facto_conn_id

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.login or not connection.password:
            raise ValueError(
                f"connection {self.conn_id!r}: Facto needs the API user ('<RUT>/<user>') and the API key (password)"
            )
        session.auth = HTTPBasicAuth(connection.login, connection.password)
        session.headers["Accept"] = "text/xml"
        mask(base64.b64encode(f"{connection.login}:{connection.password}".encode()).decode())

    # ------------------------------------------------------------------------ vendor overrides
    def classify(self, response: Response) -> Action:
        """HTTP status first (401/403/404/429 keep their meaning); otherwise a SOAP fault decides."""
        action = super().classify(response)
        if action not in (Action.OK, Action.BACKOFF, Action.FAIL):
            return action
        fault = fault_in(response.content)
        if fault is None:
            return action
        return FAULT_ACTIONS.get(fault.kind, Action.FAIL)

    def extract_message(self, response: Response) -> str | None:
        """The SOAP faultstring verbatim, else the base reading (JSON keys or the stripped text)."""
        fault = fault_in(response.content)
        if fault is not None:
            return fault.string or fault.detail or fault.code
        return super().extract_message(response)

    # ------------------------------------------------------------------------------- emission
    def soap_headers(self) -> dict[str, str]:
        return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": self.soap_action}

    def emit_document(self, documento: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``emitirDocumento`` once and return Facto's answer as a dict::

            {"status": 0 | 2, "mensaje_error": str | None,
             "encabezado": {..., "tipo_dte": int, "folio": int | None},
             "detalles": [{...}], "totales": {"total_final": int, ...},
             "enlaces": {"dte_xml", "dte_pdf", "dte_pdfcedible", "dte_timbre": str | None}}

        ``documento`` is the nested dict of Facto's request (``opciones``, ``encabezado``,
        ``detalles`` as a list of lines, ``referencias``, ``descuentorecargoglobales``, ``totales``).
        Status 2 (draft, not sent to the SII) is returned, not raised: the document exists with a
        folio and the caller decides. Raises ``PermanentError`` for status 1 (Facto's
        ``mensaje_error`` verbatim in ``vendor_message``), ``AuthError`` for bad credentials and
        ``TransientError(uncertain=True)`` whenever the document may exist without us knowing it.
        """
        envelope = build_envelope(documento)  # ValueError/TypeError here: nothing was sent
        response = self.request(
            "POST", self.endpoint_path, data=envelope, headers=self.soap_headers(), idempotent=False
        )
        return self._read_emission(response)

    def _read_emission(self, response: Response) -> dict[str, Any]:
        path = urlsplit(response.url).path or self.endpoint_path
        where = {"vendor": self.vendor, "method": "POST", "path": path, "status": response.status_code}
        try:  # a SOAP fault never gets here: ``classify`` turned it into a typed error already
            result = parse_emission(parse_xml(response.content))
        except SoapParseError as exc:
            # 2xx but unreadable (a proxy page, a truncated answer): the emission may have happened.
            raise TransientError(
                f"facto {OPERATION} -> HTTP {response.status_code} without a readable answer ({exc})",
                uncertain=True,
                body=response.text[:2000],
                **where,
            ) from None
        status, message = result["status"], result["mensaje_error"]
        if status == STATUS_SENT:
            return result
        if status == STATUS_DRAFT:
            self.log.warning(
                "facto %s: status 2, folio %s saved as a draft but not sent to the SII: %s",
                OPERATION,
                result["encabezado"].get("folio"),
                message,
            )
            return result
        if status == STATUS_REJECTED:
            raise PermanentError(
                f"facto {OPERATION} -> status 1 (rejected, nothing created): {message}",
                vendor_message=message,
                body=result,
                **where,
            )
        raise TransientError(
            f"facto {OPERATION} -> undocumented status {status}: {message}",
            uncertain=True,
            vendor_message=message,
            body=result,
            **where,
        )

    # ------------------------------------------------------------------------------ connection
    def test_connection(self) -> tuple[bool, str]:
        """GET the WSDL (it is Facto's: it describes ``emitirDocumento``), then prove the credentials.

        Facto has one operation and no read-only call, and the WSDL is served without checking the
        key. So the test POSTs an envelope calling an operation Facto does not have: the server
        checks the user and key first (401 for a wrong one), then refuses the unknown operation with
        a Client fault, which proves the key without anything being emitted.
        """
        try:
            response = self.request("GET", self.test_connection_path)
            if OPERATION.encode() not in response.content:
                return False, f"{self.base_url}{self.test_connection_path} is not Facto's WSDL (no {OPERATION})"
            self.request("POST", self.endpoint_path, data=CREDENTIAL_PROBE, headers=self.soap_headers(),
                         idempotent=False)
        except PermanentError as exc:
            if PROBE_OPERATION in (exc.vendor_message or str(exc)):
                return True, f"Connected to {self.hook_name} at {self.base_url}: user and API key accepted"
            return False, str(exc)
        except VendorError as exc:
            return False, str(exc)
        except Exception as exc:  # a broken connection definition, e.g. a bad host
            return False, f"{type(exc).__name__}: {exc}"
        return False, f"{self.base_url}{self.endpoint_path} accepted an operation Facto does not have"

__all__ = ["FAULT_ACTIONS", "STATUS_DRAFT", "STATUS_REJECTED", "STATUS_SENT", "FactoHook"]
