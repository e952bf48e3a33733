"""Acceptance: the console as a person uses it, in headless Chromium, inside the Airflow UI.

A real api-server, scheduler and dag-processor (tests/live_airflow.py) run the tenant's catalog and
invoicing DAGs against the Bsale and Jumpseller sandboxes; an order fails ``unlinked_sku``. Then, in
the browser, through Airflow's own login page: the operator sees the order with the vendor's reason
in the console page Airflow shows in its navigation, fixes it with a SKU override (the Bsale
sandbox's own documents prove it was invoiced once), sees it leave the list, settles an uncertain
order, and a viewer sees the list but has no action (and the API refuses one). Screenshots go to
the test's tmp dir (``screenshots/``).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from dag_runs import bsale_connection, jumpseller_connection, window
from test_invoicing_retry_errors import TENANT, choose_order, documents_by_sales_id, unlinked_lines

from live_airflow import live_airflow
from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
TENANT_ID = "it_retry"  # the retry test's tenant file, run here by a real scheduler
WAIT = 60


def browser_or_skip() -> None:
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed (Debian packages chromium, chromium-driver)"
        if os.environ.get("PUENTE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (PUENTE_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


@pytest.fixture
def chromium(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    browser_or_skip()
    options = Options()
    options.binary_location = shutil.which("chromium")
    # the machine's network is closed: without the background-networking flags Chromium keeps dialling out
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1500,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def airflow(tmp_path, monkeypatch, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    """The live Airflow with the tenant's file, its sandbox connections and a state DB the test reads too."""
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    (tenants / f"{TENANT_ID}.yaml").write_text(TENANT.format(office=catalog_scenario.sync_office_id,
                                                             price_list=catalog_scenario.sync_price_list_id))
    state_url = f"sqlite:///{tmp_path / 'puente_state.db'}"
    monkeypatch.setenv("PUENTE_STATE_URL", state_url)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    StateStore()  # the schema exists before four processes race to create it
    env = {"AIRFLOW_CONN_IT_BSALE": json.dumps(bsale_connection(bsale_sandbox)),
           "AIRFLOW_CONN_IT_JUMPSELLER": json.dumps(jumpseller_connection(jumpseller_sandbox))}
    with live_airflow(tenants, state_url, env, users={"ops": "user", "watcher": "viewer"}) as live:
        yield live


def run_through_the_scheduler(airflow, dag_id: str, conf: dict) -> str:
    """Unpause and trigger as the UI does, then the run's final state."""
    airflow.wait_for_dags(dag_id)
    assert airflow.api("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False}).status_code == 200
    posted = airflow.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf})
    assert posted.status_code == 200, posted.text
    return airflow.wait_for_run(dag_id, posted.json()["dag_run_id"])["state"]


class Screens:
    def __init__(self, driver, folder: Path) -> None:
        self.driver, self.folder, self.taken = driver, folder, []
        folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.driver.switch_to.default_content()  # the whole Airflow page, nav included
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        self.taken.append(path)
        console_frame(self.driver)


def log_in(driver, airflow, user: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(f"{airflow.base_url}/auth/login?next={airflow.base_url}/plugin/puente")
    WebDriverWait(driver, WAIT).until(ready.presence_of_element_located((By.NAME, "username"))).send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(airflow.passwords[user])
    WebDriverWait(driver, WAIT).until(ready.element_to_be_clickable((By.CSS_SELECTOR, "button[type=submit]"))).click()
    WebDriverWait(driver, WAIT).until(lambda d: any(c["name"] == "_token" for c in d.get_cookies()))
    driver.get(f"{airflow.base_url}/plugin/puente")
    console_frame(driver)
    WebDriverWait(driver, WAIT).until(ready.text_to_be_present_in_element((By.ID, "who"), user))
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.body.dataset.renders"))


def console_frame(driver) -> None:
    """Into the iframe Airflow renders for the plugin's external view (the console page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.switch_to.default_content()
    WebDriverWait(driver, WAIT).until(ready.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe[src*='/puente/console']")))


def rendered(driver, change) -> None:
    """Do ``change`` (a click that reloads the view) and wait until the page has drawn the new answer."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.execute_script("return document.body.dataset.renders || '0'")
    change()
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return document.body.dataset.renders || '0'") != before)


def search(driver, order_id: str = "", status: str = "") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    box = driver.find_element(By.CSS_SELECTOR, "#attention-filters input[name=order_id]")
    box.clear()
    box.send_keys(order_id)
    Select(driver.find_element(By.CSS_SELECTOR, "#attention-filters select[name=status]")).select_by_value(status)
    rendered(driver, driver.find_element(By.CSS_SELECTOR, "#attention-filters button[type=submit]").click)


def order_row(driver, order_id: int):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ready.presence_of_element_located(
        (By.CSS_SELECTOR, f"#attention-table tr[data-order='{order_id}']")))


def act_on(driver, order_id: int, action: str, fields: dict[str, str]) -> str:
    """Click the row's action, fill its dialog, confirm; the console's one-line answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    order_row(driver, order_id).find_element(By.CSS_SELECTOR, f"button[data-action='{action}']").click()
    dialog = WebDriverWait(driver, WAIT).until(ready.visibility_of_element_located((By.ID, "act-dialog")))
    for name, value in fields.items():
        dialog.find_element(By.NAME, name).send_keys(value)
    dialog.find_element(By.ID, "act-ok").click()
    message = WebDriverWait(driver, WAIT).until(ready.visibility_of_element_located((By.ID, "message")))
    WebDriverWait(driver, WAIT).until(lambda d: action in message.text)
    return message.text


def gone_from_list(driver, order_id: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: not d.find_elements(
        By.CSS_SELECTOR, f"#attention-table tr[data-order='{order_id}']"))


def preview_and_health(driver, screens: Screens) -> None:
    """The catalog preview answers what would change and writes nothing; health links to the Airflow runs."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, "#tabs button[data-tab=catalog]").click()
    driver.find_element(By.ID, "catalog-preview").click()
    WebDriverWait(driver, WAIT).until(ready.text_to_be_present_in_element((By.ID, "message"), "nothing was written"))
    assert "it_jumpseller" in driver.find_element(By.ID, "catalog-result").text
    screens.shot("catalog-preview")
    rendered(driver, driver.find_element(By.CSS_SELECTOR, "#tabs button[data-tab=health]").click)
    link = WebDriverWait(driver, WAIT).until(ready.presence_of_element_located(
        (By.CSS_SELECTOR, "#health-flows a[href^='/dags/it_retry__invoicing/runs/']")))
    assert link.get_attribute("target") == "_top"
    screens.shot("health")


def lose_the_answer(order_id: int) -> None:
    """Make an order uncertain the way a task does when the ERP's answer is lost: claim, then finish uncertain."""
    ledger = InvoiceLedger()
    [row] = ledger.rows(TENANT_ID, order_ids=[str(order_id)])
    assert ledger.resolve(TENANT_ID, row["channel"], str(order_id), "queued", "test: sent again")
    assert ledger.claim(TENANT_ID, row["channel"], str(order_id), "lost-claim", lease=timedelta(0))
    assert ledger.finish(TENANT_ID, row["channel"], str(order_id), "lost-claim", "uncertain", category="lost_answer",
                         reason="the ERP did not answer: the document may exist")


def test_an_operator_fixes_and_settles_orders_in_the_browser_and_a_viewer_cannot(
    airflow, chromium, tmp_path, bsale_sandbox, catalog_scenario, order_scenario
):
    from selenium.webdriver.common.by import By

    order_id, sku = choose_order(order_scenario, catalog_scenario)
    assert run_through_the_scheduler(airflow, f"{TENANT_ID}__catalog_sync", {}) == "success"
    # red: orders wait for a person (needs_attention)
    assert run_through_the_scheduler(airflow, f"{TENANT_ID}__invoicing", window(order_scenario)) == "failed"
    ledger = {int(row["order_id"]): row for row in InvoiceLedger().rows(TENANT_ID)}
    assert (ledger[order_id]["status"], ledger[order_id]["category"]) == ("error", "unlinked_sku")
    uncertain_id = next(i for i, row in sorted(ledger.items()) if row["status"] == "error" and i != order_id)
    lose_the_answer(uncertain_id)
    line = unlinked_lines(order_scenario, catalog_scenario, order_id)[0]
    erp_sku = f"ERP-{sku}"  # the product exists in Bsale under another code
    bsale_sandbox.inspect_post("/_sandbox/variants", {
        "sku": erp_sku, "name": line["name"], "office_id": catalog_scenario.sync_office_id,
        "available": int(line["qty"]) + 5, "net": 1000})

    screens = Screens(chromium, tmp_path / "screenshots")
    log_in(chromium, airflow, "ops")
    search(chromium, order_id=str(order_id))
    row = order_row(chromium, order_id)
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells[3:6] == ["error", "unlinked_sku", ledger[order_id]["reason"]]  # the vendor's reason, verbatim
    screens.shot("order-needs-a-person")

    answer = act_on(chromium, order_id, "Invoice now", {"overrides": f"{sku}={erp_sku}"})
    assert f"order {order_id}: invoiced" in answer and "by airflow:ops" in answer, answer
    gone_from_list(chromium, order_id)
    screens.shot("invoiced-and-gone")
    assert documents_by_sales_id(bsale_sandbox)[f"JS-{order_id}"] == 1
    assert InvoiceLedger().rows(TENANT_ID, order_ids=[str(order_id)])[0]["status"] == "invoiced"

    search(chromium, status="uncertain")
    order_row(chromium, uncertain_id)
    screens.shot("uncertain-order")
    answer = act_on(chromium, uncertain_id, "Settle", {"document": "B-881", "reason": "made by hand in Bsale"})
    assert "refused" not in answer, answer
    gone_from_list(chromium, uncertain_id)
    settled = InvoiceLedger().rows(TENANT_ID, order_ids=[str(uncertain_id)])[0]
    assert settled["status"] != "uncertain" and settled["erp_doc_number"] == "B-881"
    assert f"JS-{uncertain_id}" not in documents_by_sales_id(bsale_sandbox)  # settling sends nothing

    preview_and_health(chromium, screens)

    log_in(chromium, airflow, "watcher")
    rows = chromium.find_elements(By.CSS_SELECTOR, "#attention-table tbody tr")
    assert rows and all(r.find_elements(By.CSS_SELECTOR, "button[data-action]") == [] for r in rows)
    assert "read only" in rows[0].text
    screens.shot("viewer-read-only")
    refused = chromium.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch('api/tenants/{TENANT_ID}/orders/{rows[0].get_attribute('data-order')}/retry', {{method: 'POST',"
        " credentials: 'same-origin', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({reason: 'try'})}).then(r => done(r.status));")
    assert refused == 403
    assert all(path.stat().st_size > 10_000 for path in screens.taken)
