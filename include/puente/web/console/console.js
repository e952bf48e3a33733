// Puente's console page: tables and forms over the console's JSON routes (same origin, the Airflow UI's
// cookie). Every value from the server is written as text (textContent), never as HTML.
"use strict";

const PAGE = 50;
const state = { me: null, tab: "attention", offsets: { attention: 0, skus: 0 } };

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

async function api(path, options = {}) {
  const init = { credentials: "same-origin", headers: { Accept: "application/json" }, ...options };
  if (options.body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(`api/${path}`, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => `${(d.loc || []).slice(-1)}: ${d.msg}`).join("; ")
      : data.detail || response.statusText;
    throw new Error(`${response.status}: ${detail}`);
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

function say(text, kind = "ok") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
}

function age(seconds) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

function canEdit(tenant) {
  return (state.me.tenants.find((t) => t.tenant === tenant) || {}).edit === true;
}

function formValues(form) {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
}

// A small modal for an action's inputs; resolves to the values, or null when cancelled.
function ask(title, hint, fields) {
  const dialog = $("#act-dialog");
  $("#act-title").textContent = title;
  $("#act-hint").textContent = hint;
  const box = $("#act-fields");
  box.replaceChildren(...fields.map((f) => el("label", {}, f.label,
    f.multiline ? el("textarea", { name: f.name, rows: 3, placeholder: f.placeholder || "" })
      : el("input", { name: f.name, required: f.required ? "" : null, maxlength: f.max || 500,
        placeholder: f.placeholder || "" }))));
  return new Promise((resolve) => {
    dialog.onclose = () => resolve(dialog.returnValue === "ok" ? formValues($("#act-form")) : null);
    dialog.showModal();
  });
}

async function act(label, run) {
  try {
    const done = await run();
    if (done === null) return;
    const result = Array.isArray(done.result) ? done.result.join("; ") : JSON.stringify(done.result);
    say(`${label}: ${result} (by ${done.actor})`);
  } catch (error) {
    say(`${label} refused: ${error.message}`, "error");
  }
  await show(state.tab);
}

function orderActions(row) {
  const base = `tenants/${encodeURIComponent(row.tenant)}/orders/${encodeURIComponent(row.order_id)}`;
  const channel = row.channel;
  const reasoned = (verb, path, hint) => el("button", { "data-action": verb, onclick: () => act(verb, async () => {
    const values = await ask(`${verb} order ${row.order_id}`, hint, [{ name: "reason", label: "Reason", required: true }]);
    return values && api(`${base}/${path}`, { body: { reason: values.reason, channel } });
  }) }, verb);
  const buttons = [
    reasoned("Retry", "retry", "The next run sends it again (e.g. the SKU is linked now)."),
    reasoned("Skip", "skip", "Settled outside Puente: no run will send it."),
    el("button", { "data-action": "Invoice now", onclick: () => act("Invoice now", async () => {
      const values = await ask(`Invoice order ${row.order_id} now`,
        "Optional: replace a line's SKU, one CHANNEL_SKU=ERP_SKU per line. It is kept with the order.",
        [{ name: "overrides", label: "SKU overrides", multiline: true, placeholder: "JS-RED-M=ERP-0042" }]);
      if (!values) return null;
      const overrides = {};
      for (const line of (values.overrides || "").split(/[\n,]/).map((l) => l.trim()).filter(Boolean)) {
        const [from, to] = line.split("=").map((part) => (part || "").trim());
        if (!from || !to) throw new Error(`"${line}" is not CHANNEL_SKU=ERP_SKU`);
        overrides[from] = to;
      }
      return api(`${base}/invoice`, { body: { sku_overrides: overrides, channel } });
    }) }, "Invoice now"),
  ];
  if (row.status === "uncertain") {
    buttons.push(el("button", { "data-action": "Settle", onclick: () => act("Settle", async () => {
      const values = await ask(`Settle order ${row.order_id}`,
        "It exists in the ERP: give its document number. (It does not: use Retry. Not to be made: Skip.)",
        [{ name: "document", label: "ERP document number", required: true, max: 64 },
          { name: "reason", label: "Reason", required: true }]);
      return values && api(`${base}/settle`, { body: { ...values, channel } });
    }) }, "Settle"));
  }
  return buttons;
}

async function showAttention() {
  const filters = formValues($("#attention-filters"));
  const query = new URLSearchParams({ ...filters, limit: PAGE, offset: state.offsets.attention });
  const data = await api(`attention?${query}`);
  $("#attention-total").textContent = data.total === 0 ? "Nothing needs a person." :
    `${data.total} order(s) need a person; showing ${data.offset + 1}-${data.offset + data.orders.length}.`;
  $("#attention-table tbody").replaceChildren(...data.orders.map((row) => el("tr", { "data-order": row.order_id },
    el("td", {}, row.tenant), el("td", {}, row.channel),
    el("td", {}, row.order_url ? el("a", { href: row.order_url, target: "_blank", rel: "noopener" }, row.order_id)
      : row.order_id),
    el("td", {}, el("span", { class: `state ${row.status}` }, row.status)),
    el("td", {}, row.category || ""), el("td", { class: "reason" }, row.reason || ""),
    el("td", {}, age(row.waiting_seconds)), el("td", {}, String(row.attempts ?? "")),
    el("td", { class: "actions" }, ...(canEdit(row.tenant) ? orderActions(row) : [el("span", { class: "muted" },
      "read only")])))));
  pager("#attention", "attention", data);
  const retryAll = $("#category-retry");
  retryAll.hidden = !(filters.tenant && filters.category && canEdit(filters.tenant) && data.total > 0);
  $("#retry-category").onclick = () => act("Retry category", async () => {
    const values = await ask(`Retry every ${filters.category} order of ${filters.tenant}`,
      "The next run sends each of them again.", [{ name: "reason", label: "Reason", required: true }]);
    return values && api(`tenants/${encodeURIComponent(filters.tenant)}/orders/retry`,
      { body: { category: filters.category, reason: values.reason } });
  });
}

function pager(section, key, data) {
  const [prev, next] = $$(`${section} .pager button`);
  prev.disabled = data.offset === 0;
  next.disabled = data.next_offset === null || data.next_offset === undefined;
  prev.onclick = () => { state.offsets[key] = Math.max(0, data.offset - PAGE); show(state.tab); };
  next.onclick = () => { state.offsets[key] = data.next_offset; show(state.tab); };
}

function tenantOf(section) {
  return $(`#${section} .tenant-select`).value;
}

async function showHealth() {
  const tenant = tenantOf("health");
  if (!tenant) return;
  const data = await api(`tenants/${encodeURIComponent(tenant)}/health`);
  const blocks = [el("h3", {}, "Open incidents")];
  blocks.push(data.incidents.length ? el("table", { id: "incidents-table" }, el("thead", {}, el("tr", {},
    el("th", {}, "Incident"), el("th", {}, "Count"), el("th", {}, "Since"), el("th", {}, "Summary"))),
  el("tbody", {}, ...data.incidents.map((incident) => el("tr", {}, el("td", {}, incident.key),
    el("td", {}, String(incident.count)), el("td", {}, new Date(incident.opened_at).toLocaleString()),
    el("td", { class: "reason" }, incident.summary || "")))))
    : el("p", { class: "muted" }, "None: nothing was notified that has not cleared."));
  for (const [flow, info] of Object.entries(data.flows)) {
    if (!info.runs.length && !info.last_dry_run) continue;
    const runs = info.runs.map((run) => el("tr", {},
      el("td", {}, el("a", { href: run.link, target: "_top" }, run.run_id)),
      el("td", {}, el("span", { class: `state ${run.status}` }, run.status)),
      el("td", {}, Object.entries(run.counts || {}).map(([k, v]) => `${k} ${v}`).join(", ")),
      el("td", {}, new Date(run.finished_at).toLocaleString())));
    blocks.push(el("h3", {}, flow), el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Run (Airflow, logs)"),
      el("th", {}, "State"), el("th", {}, "Counts"), el("th", {}, "Finished"))), el("tbody", {}, ...runs)));
    if (info.last_dry_run) blocks.push(el("p", { class: "muted" }, `Last dry run: ${info.last_dry_run.run_id} `
      + `(${info.last_dry_run.status}) - dry runs never hide the real runs above.`));
  }
  if (blocks.length === 2) blocks.push(el("p", { class: "muted" }, "No runs yet."));
  $("#health-flows").replaceChildren(...blocks);
  const fresh = await api(`tenants/${encodeURIComponent(tenant)}/sources`);
  $("#sources-table tbody").replaceChildren(...(fresh.sources.length ? fresh.sources.map((source) => el("tr", {},
    el("td", {}, source.source),
    el("td", {}, source.last_event_at ? new Date(source.last_event_at).toLocaleString() : "none yet"),
    el("td", {}, source.age_seconds === null || source.age_seconds === undefined ? "" : age(source.age_seconds)),
    el("td", {}, source.topic || ""), el("td", {}, String(source.events ?? ""))))
    : [el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No webhook source for this tenant: the runs above are "
      + "its freshness."))]));
}

function catalogBody() {
  const values = formValues($("#catalog-form"));
  const body = {};
  if (values.channel) body.channel = values.channel;
  if (values.skus) body.skus = values.skus.split(/[\s,]+/).filter(Boolean);
  return [values.tenant, body];
}

function showPreview(result) {
  const blocks = [];
  for (const channel of result.channels) {
    blocks.push(el("h3", {}, `${channel.channel}: ${channel.changes_total} write(s) would be made`),
      el("p", { class: "muted" }, Object.entries(channel.counts || {}).map(([k, v]) => `${k} ${v}`).join(", ")));
    if (channel.changes.length) {
      blocks.push(el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "SKU"), el("th", {}, "Listing"),
        el("th", {}, "Change"))),
        el("tbody", {}, ...channel.changes.map((change) => {
          const { sku, product_id: product, variant_id: variant, ...rest } = change;
          const what = Object.entries(rest).filter(([, value]) => value !== false && value !== null)
            .map(([field, value]) => `${field} -> ${value}`).join(", ");
          const listing = `#${product}${variant ? `/${variant}` : ""}`;
          return el("tr", {}, el("td", {}, sku || ""), el("td", {}, listing), el("td", {}, what));
        }))));
    }
  }
  $("#catalog-result").replaceChildren(...blocks);
}

async function showCatalog() {
  const tenant = tenantOf("catalog");
  $$("#catalog .edit-only").forEach((node) => node.classList.toggle("hidden-for-reader", !canEdit(tenant)));
}

function catalogButtons() {
  $("#catalog-preview").addEventListener("click", async () => {
    const [tenant, body] = catalogBody();
    say("Reading both systems...");
    try {
      const done = await api(`tenants/${encodeURIComponent(tenant)}/catalog/preview`, { body });
      showPreview(done.result);
      say(`Preview: nothing was written (by ${done.actor})`);
    } catch (error) {
      say(`Preview refused: ${error.message}`, "error");
    }
  });
  $("#catalog-resync").addEventListener("click", () => act("Full resync", async () => {
    const [tenant] = catalogBody();
    const values = await ask(`Full resync of ${tenant}`, "Every linked listing gets the ERP's stock and price "
      + "again, through the catalog DAG.", [{ name: "reason", label: "Reason", required: true }]);
    return values && api(`tenants/${encodeURIComponent(tenant)}/catalog/resync`, { body: values });
  }));
  $("#catalog-import").addEventListener("click", () => act("Import", async () => {
    const [tenant, body] = catalogBody();
    if (!body.channel) throw new Error("name the channel to import into");
    return api(`tenants/${encodeURIComponent(tenant)}/catalog/import`, { body });
  }));
}

async function showSkus() {
  const tenant = tenantOf("skus");
  if (!tenant) return;
  const filters = formValues($("#sku-filters"));
  delete filters.tenant;
  const query = new URLSearchParams({ ...filters, limit: PAGE, offset: state.offsets.skus });
  const data = await api(`tenants/${encodeURIComponent(tenant)}/skus?${query}`);
  $("#skus-total").textContent = `${data.total} product(s).`;
  $("#skus-table tbody").replaceChildren(...data.skus.map((row) => el("tr", {},
    el("td", {}, row.channel), el("td", {}, row.sku),
    el("td", {}, [row.listing_sku, row.product_id && `#${row.product_id}${row.variant_id ? `/${row.variant_id}` : ""}`]
      .filter(Boolean).join(" ")),
    el("td", {}, row.status), el("td", {}, row.match || ""), el("td", { class: "reason" }, row.reason || ""))));
  pager("#skus", "skus", data);
  $$(".edit-only").forEach((node) => node.classList.toggle("hidden-for-reader", !canEdit(tenant)));
}

async function showActions() {
  const tenant = tenantOf("actions");
  if (!tenant) return;
  const data = await api(`tenants/${encodeURIComponent(tenant)}/actions`);
  $("#actions-table tbody").replaceChildren(...data.actions.map((row) => el("tr", {},
    el("td", {}, new Date(row.at).toLocaleString()), el("td", {}, row.actor),
    el("td", {}, row.action), el("td", {}, row.subject),
    el("td", {}, el("span", { class: `state ${row.outcome === "done" ? "done" : "error"}` }, row.outcome)),
    el("td", { class: "reason" }, JSON.stringify(row.detail || {})))));
}

async function showConfig() {
  const data = await api("config-errors");
  $("#config-table tbody").replaceChildren(...(data.files.length ? data.files.map((row) =>
    el("tr", {}, el("td", {}, row.file),
      el("td", { class: "reason" }, row.errors.map((e) => `${e.field}: ${e.reason}`).join("\n"))))
    : [el("tr", {}, el("td", { colspan: 2, class: "muted" }, "Every tenant file you may see is valid."))]));
}

const VIEWS = {
  attention: showAttention, health: showHealth, skus: showSkus, catalog: showCatalog, actions: showActions,
  config: showConfig,
};

async function show(tab) {
  if (tab !== state.tab) $("#message").hidden = true;  // an answer belongs to the tab it came from
  state.tab = tab;
  $$("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === tab));
  $$("section.tab").forEach((s) => { s.hidden = s.id !== tab; });
  try {
    await VIEWS[tab]();
  } catch (error) {
    say(error.message, "error");
  }
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);  // for browser tests
}

async function start() {
  state.me = await api("me");
  $("#who").textContent = `Signed in as ${state.me.user}`;
  for (const select of $$(".tenant-select")) {
    const any = select.dataset.any ? [el("option", { value: "" }, select.dataset.any)] : [];
    select.replaceChildren(...any, ...state.me.tenants.map((t) => el("option", { value: t.tenant }, t.tenant)));
    select.addEventListener("change", () => { state.offsets = { attention: 0, skus: 0 }; show(state.tab); });
  }
  $$("#tabs button").forEach((b) => b.addEventListener("click", () => show(b.dataset.tab)));
  for (const form of $$("form.filters")) {
    form.addEventListener("submit", (event) => { event.preventDefault(); state.offsets = { attention: 0, skus: 0 };
      show(state.tab); });
  }
  $("#link-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const tenant = tenantOf("skus");
    const body = formValues(event.target);
    act("Link", () => api(`tenants/${encodeURIComponent(tenant)}/links`, { body }));
  });
  catalogButtons();
  await show("attention");
}

start().catch((error) => say(error.message, "error"));
