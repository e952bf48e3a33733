"""Siigo Nube webhooks: the company's subscriptions and the product events delivered to them.

From the official Blueprint (``siigoapi.apib``, "Group Webhooks", mirrored in jdlar1/siigo-mcp
@54daf22; also the siigo-api-node SDK's ``types/webhook.ts``):

* Topics: ``public.siigoapi.products.create`` (a new product), ``public.siigoapi.products.update``
  (a product modified), ``public.siigoapi.products.stock.update`` (its available stock changed).
  No invoice or customer webhooks.
* ``POST /v1/webhooks`` ``{"application_id", "topic", "url"}``, one request per topic -> **201**
  ``{"id", "application_id", "url", "topic", "company_key", "active", "created_at"}``; ``PUT
  /v1/webhooks`` (the same fields plus ``active``; the Blueprint puts no id in the path or body, so
  the subscription is found by ``id`` when given, else by ``application_id`` + ``topic``:
  inferred); ``GET /v1/webhooks`` (the paged envelope); ``DELETE /v1/webhooks/{id}`` -> ``{"id",
  "deleted": true}``.
* The event POSTed to ``url``: ``company_key``, ``username`` (the company's API user), ``topic``
  and the product's fields flat: ``id, code, name, account_group{id,name}, type, stock_control,
  active, tax_classification, tax_included, tax_consumption_value, taxes[], prices[], unit{code,
  name}, unit_label, reference, description, barcode, brand, tariff, model, available_quantity,
  warehouses[], created, last_updated, stock_updated``.
* Signatures, delivery timeouts and retries are **not documented** (nothing is signed here). The
  sandbox's (inferred) delivery: any 2xx within 10 s is delivered; else retried after 10 s, 60 s
  and 300 s, then dropped. Tests shorten the schedule through ``/_sandbox/webhooks/delivery``.
* (inferred: the Blueprint names no codes for these) subscribing the same ``application_id`` +
  ``topic`` + ``url`` twice is 400 ``already_exists``; an unknown topic, or a ``url`` that is not
  http(s), is 400 ``invalid_type``; a missing field is ``parameter_required``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from puente_sandbox.common.callback_delivery import CallbackDeliverer, Delivery, DeliveryPolicy
from puente_sandbox.siigo.seed import siigo_timestamp
from puente_sandbox.siigo.vendor import invalid, not_found, required

PREFIX = "public.siigoapi."
CREATE, UPDATE, STOCK = (f"{PREFIX}products.create", f"{PREFIX}products.update", f"{PREFIX}products.stock.update")
TOPICS = (CREATE, UPDATE, STOCK)
COMPANY_KEY = "PuenteSandboxSAS"  # "Nombre de la empresa suscrita al webhook" (the docs' example: "siigoapi")
RETRY_DELAYS_S: tuple[float, ...] = (10, 60, 300)  # (inferred) nothing is documented
TIMEOUT_S = 10.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def event_body(topic: str, product: dict[str, Any], company_key: str, username: str) -> dict[str, Any]:
    """A product as Siigo's webhook sends it: flat, with the company, the API user and the topic."""
    extra = product.get("additional_fields") or {}
    metadata = product.get("metadata") or {}
    fields = ("id", "code", "name", "account_group", "type", "stock_control", "active", "tax_classification",
              "tax_included", "tax_consumption_value", "taxes", "prices", "unit", "unit_label", "reference",
              "description", "available_quantity", "warehouses")
    return {"company_key": company_key, "username": username, "topic": topic,
            **{key: product.get(key) for key in fields},
            **{key: extra.get(key) for key in ("barcode", "brand", "tariff", "model")},
            "created": metadata.get("created"), "last_updated": metadata.get("last_updated"),
            "stock_updated": metadata.get("stock_updated")}  # fmt: skip


class SiigoWebhooks:
    """The company's subscriptions; ``emit`` delivers a product event to every active one of its topic."""

    def __init__(self, username: str, company_key: str = COMPANY_KEY, clock: Callable[[], datetime] = _utcnow,
                 new_id: Callable[[], str] | None = None) -> None:
        import uuid

        self.username, self.company_key, self.clock = username, company_key, clock
        self.new_id = new_id or (lambda: str(uuid.uuid4()))
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.policy = DeliveryPolicy(timeout_s=TIMEOUT_S, retry_delays_s=RETRY_DELAYS_S,
                                     delivered=lambda status: 200 <= status < 300)
        self._deliverer: CallbackDeliverer | None = None
        self._lock = threading.Lock()

    # subscriptions -------------------------------------------------------------------------------
    def _checked(self, body: dict[str, Any]) -> tuple[str, str, str]:
        for name in ("application_id", "topic", "url"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                raise required(name)
        if body["topic"] not in TOPICS:
            raise invalid("invalid_type", f"The topic must be one of {', '.join(TOPICS)}", "topic")
        parts = urlsplit(body["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname or len(body["url"]) > 2000:
            raise invalid("invalid_type", "The url must be an http(s) URL", "url")
        return body["application_id"].strip(), body["topic"], body["url"]

    def subscribe(self, body: dict[str, Any]) -> dict[str, Any]:
        application_id, topic, url = self._checked(body)
        if any((s["application_id"], s["topic"], s["url"]) == (application_id, topic, url)
               for s in self.subscriptions.values()):
            raise invalid("already_exists", "The webhook subscription already exists", "url")
        found = {"id": self.new_id(), "application_id": application_id, "url": url, "topic": topic,
                 "company_key": self.company_key, "active": True, "created_at": siigo_timestamp(self.clock())}
        self.subscriptions[found["id"]] = found
        return found

    def edit(self, body: dict[str, Any]) -> dict[str, Any]:
        application_id, topic, url = self._checked(body)
        if "active" in body and not isinstance(body["active"], bool):
            raise invalid("invalid_type", "The field active must be a boolean", "active")
        wanted = body.get("id")
        matches = [s for s in self.subscriptions.values()
                   if (s["id"] == wanted if wanted else (s["application_id"], s["topic"]) == (application_id, topic))]
        if not matches:
            raise not_found("webhook")
        found = matches[0]
        found.update(application_id=application_id, topic=topic, url=url, active=body.get("active", found["active"]))
        return found

    def delete(self, webhook_id: str) -> dict[str, Any]:
        if self.subscriptions.pop(webhook_id, None) is None:
            raise not_found("webhook")
        return {"id": webhook_id, "deleted": True}

    # deliveries ----------------------------------------------------------------------------------
    def configure_delivery(self, *, timeout_s: float | None = None, retry_delays_s: Sequence[float] | None = None
                           ) -> dict[str, Any]:
        self.policy = DeliveryPolicy(
            timeout_s=self.policy.timeout_s if timeout_s is None else float(timeout_s),
            retry_delays_s=self.policy.retry_delays_s if retry_delays_s is None else tuple(map(float, retry_delays_s)),
            delivered=self.policy.delivered,
        )
        return {"timeout_s": self.policy.timeout_s, "retry_delays_s": list(self.policy.retry_delays_s)}

    def _sender(self) -> CallbackDeliverer:
        with self._lock:
            if self._deliverer is None:
                self._deliverer = CallbackDeliverer("siigo-webhooks")
            return self._deliverer

    def emit(self, topic: str, product: dict[str, Any]) -> list[Delivery]:
        body = event_body(topic, product, self.company_key, self.username)
        sent = []
        for subscription in list(self.subscriptions.values()):
            if subscription["active"] and subscription["topic"] == topic:
                sent.append(self._sender().send(Delivery(
                    key=f"{subscription['id']}:{product['id']}", url=subscription["url"], body_for=lambda _n: body,
                    headers={"Content-Type": "application/json"}, policy=self.policy,
                    meta={"topic": topic, "code": product["code"], "subscription": subscription["id"]})))
        return sent

    def deliveries(self) -> list[Delivery]:
        return self._deliverer.log() if self._deliverer else []

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        return self._deliverer.wait_idle(timeout_s) if self._deliverer else True

    def close(self) -> None:
        if self._deliverer is not None:
            self._deliverer.close()
