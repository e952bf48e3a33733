"""The state tables that must survive between runs (and machines).

SQLAlchemy Core on purpose: the same definitions create the schema on SQLite (the default a
newcomer gets) and PostgreSQL (production), and upserts stay explicit.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

MONEY = sa.Numeric(18, 4)

# One row per (tenant, channel, SKU) seen on either side, rewritten by every full sync: the link
# (``match``: exact SKU, normalised SKU, or by hand) or why a SKU is not linked (one side only,
# unsupported by the channel, duplicated). ``sku`` is the ERP's SKU where there is one, else the
# listing's; ``listing_sku`` the channel's own spelling of a linked SKU.
sku_link = sa.Table(
    "sku_link",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("sku", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),  # linked|source_only|target_only|unsupported|conflict
    sa.Column("reason", sa.Text),
    sa.Column("source_id", sa.String(64)),
    sa.Column("product_id", sa.String(64)),
    sa.Column("variant_id", sa.String(64)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("listing_sku", sa.String(255)),
    sa.Column("match", sa.String(16)),  # exact|normalized|manual (linked rows only)
)

# A person's link of one channel listing to one ERP SKU ("Sincroniza manualmente tus productos"):
# it wins over matching by SKU and survives every sync. ``variant_id`` is "" for a simple product
# (a key column cannot be NULL). One listing -> one ERP SKU, and one ERP SKU -> one listing per
# channel: two listings selling the same units would oversell.
manual_link = sa.Table(
    "manual_link",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("product_id", sa.String(64), primary_key=True),
    sa.Column("variant_id", sa.String(64), primary_key=True),
    sa.Column("erp_sku", sa.String(255), nullable=False),
    sa.Column("listing_sku", sa.String(255)),  # the listing's SKU when it was linked
    sa.Column("linked_by", sa.String(250), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("tenant", "channel", "erp_sku", name="uq_manual_link_erp_sku"),
)

# What Puente last wrote to a channel listing, and when: the audit trail of the sync.
pushed_state = sa.Table(
    "pushed_state",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("sku", sa.String(255), primary_key=True),
    sa.Column("stock", sa.Integer),
    sa.Column("unlimited", sa.Boolean),
    sa.Column("price", MONEY),
    sa.Column("run_id", sa.String(250)),
    sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
)

# One row per flow run: counts for dashboards and the demo, details (SKU lists, errors) for people.
run_report = sa.Table(
    "run_report",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("flow", sa.String(64), nullable=False),
    sa.Column("run_id", sa.String(250), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False, default=False),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("tenant", "flow", "run_id", name="uq_run_report_run"),
)

# The invoice ledger: one row per (tenant, channel, order). Its status machine is what makes
# invoicing exactly-once: queued -> pending (claimed, maybe sent) -> invoiced | skipped | error.
# A ``pending`` row after a crash means "maybe sent": it is only re-sent with the vendor's
# idempotency key, or after looking the document up; an ``uncertain`` row needs a person.
invoice_ledger = sa.Table(
    "invoice_ledger",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("order_id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),  # queued|pending|invoiced|skipped|error|uncertain
    sa.Column("category", sa.String(32)),  # unlinked_sku|no_stock|serial_required|client_incomplete|...
    sa.Column("reason", sa.Text),
    sa.Column("kind", sa.String(16)),  # boleta|factura
    sa.Column("erp_doc_id", sa.String(64)),
    sa.Column("erp_doc_number", sa.String(64)),
    sa.Column("erp_doc_url", sa.Text),
    sa.Column("attached", sa.Boolean, nullable=False, default=False),
    sa.Column("attach_attempts", sa.Integer, nullable=False, default=0),  # >0: look before attaching again
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("claim", sa.String(250)),  # who holds a pending row: "<run_id>/<map_index>"
    sa.Column("claimed_at", sa.DateTime(timezone=True)),
    sa.Column("run_id", sa.String(250)),  # the run that last touched the row
    sa.Column("order_created_at", sa.DateTime(timezone=True)),
    sa.Column("payload", sa.JSON),  # the canonical order, so invoice tasks never re-read the channel
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # A person's per-line ERP SKU for this order ("si el SKU no coincide debes colocar el SKU
    # correspondiente y luego facturar"): {channel SKU: ERP SKU}, who gave it and when.
    sa.Column("sku_overrides", sa.JSON),
    sa.Column("override_by", sa.String(250)),
    sa.Column("override_at", sa.DateTime(timezone=True)),
    # Who settled an error/uncertain row by hand (console, CLI or Airflow's Required Actions) and when.
    sa.Column("settled_by", sa.String(250)),
    sa.Column("settled_at", sa.DateTime(timezone=True)),
    sa.Index("ix_invoice_ledger_status", "tenant", "status"),
)

# The orders Puente asked about in Airflow's Required Actions (the ``<tenant>__decisions`` DAG): one
# open question per order, so a new decisions run asks only orders nobody is asked about yet. A
# question is closed when answered (or timed out); one still open past ``asked_at`` + the HITL
# response timeout belongs to a run that died, and may be asked again.
decision_request = sa.Table(
    "decision_request",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("order_id", sa.String(64), primary_key=True),
    sa.Column("run_id", sa.String(250), nullable=False),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
)

# The CRM ledger: one row per (tenant, ERP invoice). ``synced`` rows keep the deal and the value
# Escala holds, so a re-run creates nothing and an edited invoice only updates the deal's value.
# ``pending`` means "a create may have reached the CRM": the deal is looked up before any retry.
crm_ledger = sa.Table(
    "crm_ledger",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("invoice_id", sa.String(64), primary_key=True),
    sa.Column("invoice_name", sa.String(64)),
    sa.Column("status", sa.String(20), nullable=False),  # pending|synced|skipped|error
    sa.Column("category", sa.String(32)),  # unlinked_seller|unknown_owner|refused|transient
    sa.Column("reason", sa.Text),
    sa.Column("contact_id", sa.String(64)),
    sa.Column("deal_id", sa.String(64)),
    sa.Column("value", MONEY),  # what the opportunity's value is in the CRM
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("claim", sa.String(250)),  # "<run_id>" of the task holding a pending row
    sa.Column("claimed_at", sa.DateTime(timezone=True)),
    sa.Column("run_id", sa.String(250)),
    sa.Column("invoice_created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_crm_ledger_status", "tenant", "status"),
)

# OAuth refresh tokens a vendor rotates on every use (Mercado Libre's are single-use): one row per
# Airflow connection, Fernet-encrypted with Airflow's key, because a task cannot write its own
# connection back (see puente.state.oauth_tokens). ``origin`` fingerprints the connection's refresh
# token the chain started from: a re-authorised connection starts a new chain.
oauth_token = sa.Table(
    "oauth_token",
    metadata,
    sa.Column("conn_id", sa.String(250), primary_key=True),
    sa.Column("origin", sa.String(64), nullable=False),
    sa.Column("refresh_token", sa.Text),  # Fernet ciphertext
    sa.Column("access_token", sa.Text),  # Fernet ciphertext, shared by the account's task processes
    sa.Column("access_expires_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# The catalog import ledger: one row per (tenant, channel, ERP product) an import created or tried
# to create. It makes "Importar productos" exactly-once: a row is ``pending`` *before* the POST (a
# create may have reached the channel), so a lost answer, a crash or the next attempt looks the
# product up by SKU and adopts it instead of creating it twice; ``created`` keeps the channel ids.
catalog_import = sa.Table(
    "catalog_import",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(250), primary_key=True),
    sa.Column("product_key", sa.String(255), primary_key=True),  # the ERP's product (rules.catalog_import)
    sa.Column("name", sa.Text),
    sa.Column("skus", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending|created|error
    sa.Column("reason", sa.Text),  # the vendor's message of a refusal, or what is uncertain
    sa.Column("product_id", sa.String(64)),
    sa.Column("variants", sa.JSON),  # {sku: variant id or null} in the channel
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("claim", sa.String(250)),  # who holds a pending row: the run or command that sent it
    sa.Column("created_by", sa.String(250)),  # the actor: "dag:<run_id>", "cli:<user>", ...
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# What a person did from the console (retry, skip, invoice now with overrides, link, unlink), who and
# when, and how it ended: the decisions stay visible after the rows they changed moved on.
console_action = sa.Table(
    "console_action",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),  # an order id or a SKU
    sa.Column("actor", sa.String(250), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # done|refused|failed
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_console_action_tenant", "tenant", "id"),
)

# The last authentic event each vendor's webhook sent a tenant (a source's staleness in the console:
# a Bsale that stopped calling shows here before a merchant notices). One row per tenant and source,
# overwritten; the full event inbox is issue 15.
source_event = sa.Table(
    "source_event",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),  # the vendor name in the webhook URL
    sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("topic", sa.String(64)),
    sa.Column("outcome", sa.String(16), nullable=False),  # triggered|duplicate|ignored
    sa.Column("events", sa.Integer, nullable=False),
)

# Incidents (issue 14.5): one row per (tenant, incident key), e.g. ``orders_need_person/invoicing``.
# ``status`` open|cleared changes only by a conditional INSERT/UPDATE that one run wins, so two runs
# at once never both announce it; ``notice`` is the message still owed (opened|cleared), taken by
# the sender before sending and given back when sending fails, so the next run retries it.
incident = sa.Table(
    "incident",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(250), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # open|cleared
    sa.Column("count", sa.Integer, nullable=False, default=0),
    sa.Column("summary", sa.Text),
    sa.Column("samples", sa.JSON),
    sa.Column("notice", sa.String(10)),  # opened|cleared: a message owed; NULL: nothing to send
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("cleared_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_incident_open", "tenant", "status"),
)
