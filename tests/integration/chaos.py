"""The pieces every ERP's exactly-once chaos test shares (Bsale, Siigo, Alegra, Contabilium, ...).

``dying_sinks(monkeypatch, after=25)`` wraps the registry's invoice sinks so that one invoice
worker "dies" once, right after the ERP committed its ``after``-th document and before the ledger
recorded it: the claimed order stays ``pending``, like a killed worker. Each vendor's test adds the
sandbox faults (5xx, lost responses, 429s), runs the DAG, re-runs it, and asserts one document per
eligible order from the sandbox's own records.
"""

from __future__ import annotations

import threading

_KILL_LOCK = threading.Lock()


class SimulatedWorkerDeath(Exception):
    """Escapes every handler of the invoice task, leaving the claimed order 'pending', like a kill."""


class DiesOnceAfterCommit:
    """An invoice sink whose worker 'dies' once, right after the ERP committed the ``after``-th document."""

    def __init__(self, sink, state: dict, after: int = 25) -> None:
        self._sink, self._state, self._after = sink, state, after
        self.idempotent, self.requires_linked_skus = sink.idempotent, sink.requires_linked_skus
        self.categorize = sink.categorize

    def __getattr__(self, name: str):  # rule_options and anything else a sink offers
        return getattr(self._sink, name)

    def create(self, draft):
        record = self._sink.create(draft)
        with _KILL_LOCK:  # the invoice task runs a chunk's orders in several threads
            self._state["creates"] += 1
            die = self._state["creates"] >= self._after and not self._state["killed"]
            self._state["killed"] = self._state["killed"] or die
        if die:
            self._state["killed_order"] = draft.order_id
            raise SimulatedWorkerDeath("worker killed mid-chunk, after the ERP committed the document")
        return record


def dying_sinks(monkeypatch, after: int = 25) -> dict:
    """Patch the registry so every invoice sink dies once after ``after`` commits; returns the state
    (``state["killed"]`` tells the test the kill happened, ``state["killed_order"]`` for which order)."""
    from puente.connectors import registry

    state = {"creates": 0, "killed": False}
    real_sink = registry.invoice_sink
    monkeypatch.setattr(registry, "invoice_sink",
                        lambda settings: DiesOnceAfterCommit(real_sink(settings), state, after))
    return state


def run_through_faults(dag, conf: dict, faults: dict, *sandboxes) -> None:
    """One run with ``faults`` on every sandbox given (it may end red: that is what the re-run after is
    for), then the faults cleared; the caller re-runs and checks the sandboxes' records."""
    from dag_runs import run

    for sandbox in sandboxes:
        sandbox.set_faults(**faults)
    run(dag, **conf)
    for sandbox in sandboxes:
        sandbox.clear_faults()
