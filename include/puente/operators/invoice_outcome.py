"""One claimed order -> its ledger outcome: decide, look up or send, and say what happened.

Why its own module: this is the exactly-once core of an invoice task, and it must say truthfully
whether a document is new. After an interrupted attempt (a ``maybe_sent`` row) the document may
already exist: an ERP without idempotency key is asked first (``find``), and an idempotent re-send
may return the earlier document; either way the row is ``invoiced`` with category
``found_existing``, so the report counts it apart from ``documents_created``.
"""

from __future__ import annotations

from datetime import UTC


def invoice_one(row: dict, sink, known_skus, issue_date, options) -> tuple[str, dict]:
    """One claimed order -> (ledger status, ledger fields). Never raises for a business outcome."""
    from puente.connectors.protocols import NeedsPerson
    from puente.hooks.errors import PermanentError, RateLimited, TransientError
    from puente.models import Order
    from puente.rules.invoicing import TRANSIENT, decide

    order = Order.model_validate(row["payload"])
    if known_skus is not None and row.get("sku_overrides"):
        known_skus = known_skus.with_overrides(row["sku_overrides"])
    decision = decide(order, known_skus, issue_date, options)
    if decision.action == "skip":
        return "skipped", {"reason": decision.reason, "category": None}
    if decision.action == "error":
        return "error", {"category": decision.category, "reason": decision.reason}
    draft = decision.draft
    if row["maybe_sent"] and not sink.idempotent:
        found, problem = _earlier_attempt(sink, draft)
        if problem is not None:
            return "uncertain", {"kind": draft.kind, "reason": problem}
        if found is not None:
            return "invoiced", _invoiced_fields(found, found_existing=True)
    try:
        record = sink.create(draft)
    except NeedsPerson as exc:
        return "uncertain", {"kind": draft.kind, "reason": str(exc)}
    except PermanentError as exc:
        message = exc.vendor_message or str(exc)
        return "error", {"kind": draft.kind, "category": sink.categorize(message), "reason": message}
    except (TransientError, RateLimited) as exc:
        if getattr(exc, "uncertain", False) and not sink.idempotent:
            return "uncertain", {"kind": draft.kind, "reason": f"the ERP may have created the document ({exc}); "
                                 "check it in the ERP, then resolve the order"}
        return "error", {"kind": draft.kind, "category": TRANSIENT, "reason": str(exc)}
    return "invoiced", _invoiced_fields(record, found_existing=row["maybe_sent"] and _made_before(record, row))


def _made_before(record, row: dict) -> bool:
    """True when the ERP says it made the document before this attempt claimed the order (an idempotent
    re-send returned the interrupted attempt's document). Unknown creation time: not claimed as found."""
    created, claimed = record.created_at, row.get("claimed_at")
    if created is None or claimed is None:
        return False
    claimed = claimed if claimed.tzinfo else claimed.replace(tzinfo=UTC)  # SQLite drops the zone
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    return created < claimed.replace(microsecond=0)  # ERPs stamp whole seconds


def _invoiced_fields(record, *, found_existing: bool = False) -> dict:
    from puente.rules.invoicing import FOUND_EXISTING

    fields = {"kind": record.kind, "erp_doc_id": record.doc_id, "erp_doc_number": record.number,
              "erp_doc_url": record.url, "category": None, "reason": None}
    if found_existing:
        fields |= {"category": FOUND_EXISTING,
                   "reason": "an interrupted earlier attempt had created this document; nothing new was made"}
    return fields


def _earlier_attempt(sink, draft):
    """(document, None) when an earlier attempt of a worker that died created it, (None, None) when the
    ERP says it did not (safe to send), (None, reason) when the ERP cannot be asked or did not answer."""
    from puente.connectors.protocols import NeedsPerson
    from puente.hooks.errors import VendorError

    find = getattr(sink, "find", None)
    if find is None:
        return None, ("an earlier attempt may have created the document and this ERP cannot be asked; check it "
                      "in the ERP, then resolve the order")
    try:
        return find(draft), None
    except NeedsPerson as exc:  # the ERP's answer cannot prove the document absent
        return None, str(exc)
    except VendorError as exc:
        return None, (f"an earlier attempt may have created the document and looking it up failed ({exc}); check "
                      "it in the ERP, then resolve the order")
