"""The sample workflow, in our users' words: the rep logs in, the actions are waiting; after the call
they record what they learned, complete the action, and everyone sees it without a status meeting."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from tenacity import retry, stop_after_delay, wait_fixed

from .conftest import E2E, PASSWORD

pytestmark = pytest.mark.e2e
HEADER = ("account_external_id,account_name,account_domain,owner_email,territory,country,account_currency,"
          "subscription_external_id,vendor,product,product_version,eol_product_id,quantity,unit,term_start,"
          "renewal_date,auto_renew,billing_frequency,arr,arr_currency,source_system,source_url,motion\n")


def eventually(check, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    return retry(stop=stop_after_delay(seconds), wait=wait_fixed(0.2), reraise=True)(check)()


def user(admin: httpx.Client, role: str) -> dict:
    response = admin.post("/users", json={"email": f"{role}-{uuid.uuid4().hex[:6]}@example.com", "name": role,
                                          "role": role, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


def export_csv(owner: str, other_owner: str) -> bytes:
    today = date.today()
    rows = [
        ("sf:001WF1", "Nordlicht Logistik", "nordlicht.example.com", owner, "EMEA", "DE", "EUR", "sf:800WF1",
         "Microsoft", "Microsoft 365 E3", "", "", "115", "user", today - timedelta(days=265), today + timedelta(days=100),
         "false", "annual", "53820.00", "EUR"),
        ("sf:001WF1", "Nordlicht Logistik", "nordlicht.example.com", owner, "EMEA", "DE", "EUR", "sf:800WF2",
         "Broadcom", "VMware vSphere (ESXi)", "8.0", "vmware-esxi", "64", "core", today - timedelta(days=300),
         today + timedelta(days=400), "false", "annual", "30000.00", "EUR"),
        ("hs:9001", "Bluebay Harbour", "bluebay.example.com", other_owner, "EMEA", "GB", "GBP", "hs:7001", "Veeam",
         "Veeam Backup & Replication", "12.3", "", "50", "instance", today - timedelta(days=300),
         today + timedelta(days=60), "true", "annual", "18450", "GBP"),
    ]
    motions = {"sf:001WF1": "High Touch", "hs:9001": ""}  # the export may carry a motion; the admin sets the rest
    lines = [",".join(str(v) for v in (*row, "salesforce", "", motions[str(row[0])])) for row in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


async def test_the_sample_workflow(e2e: E2E) -> None:
    _, admin_email = await e2e.new_org("workflow")
    admin = e2e.login(admin_email)
    rep, other_rep, csm, other_csm = user(admin, "rep"), user(admin, "rep"), user(admin, "csm"), user(admin, "csm")

    # 1. The admin imports a CRM export, sets motions, assigns reps and default reps.
    started = admin.post("/imports/accounts", files=[("files", ("export.csv", export_csv(rep["email"],
                                                                                          other_rep["email"]), "text/csv"))],
                         data={"format": "template"})
    assert started.status_code == 202, started.text
    job = eventually(lambda: _finished(admin, started.json()["id"]))
    assert job["state"] == "succeeded", job["errors"]
    accounts = {a["external_id"]: a for a in admin.get("/accounts").json()["items"]}
    nordlicht, bluebay = accounts["sf:001WF1"], accounts["hs:9001"]
    assert nordlicht["motion"] == "high_touch"
    assert admin.put(f"/accounts/{bluebay['id']}/motion", json={"motion": "mid_touch"}).status_code == 200
    assert admin.put(f"/accounts/{nordlicht['id']}/csm", json={"csm_id": csm["id"]}).status_code == 200
    assert admin.put(f"/accounts/{bluebay['id']}/reps", json={"rep_ids": [other_rep["id"]],
                                                              "default_rep_id": other_rep["id"]}).status_code == 200

    # 2–3. Renewals in their window get runs; the rep sees only their actions, highest priority first.
    rep_session = e2e.login(rep["email"])

    def my_queue() -> list[dict]:
        items = rep_session.get("/actions").json()["items"]
        assert items and {a["account_id"] for a in items} == {nordlicht["id"]}
        assert {a["motion"] for a in items} == {"high_touch"}
        return items

    queue = eventually(my_queue)
    assert [a["priority"] for a in queue] == sorted((a["priority"] for a in queue), reverse=True)
    assert {a["vendor"] for a in queue} == {"Microsoft"}  # Broadcom renews in 400 days: not in its window yet
    top = queue[0]
    assert top["current_step"] and top["reasons"]

    # 4. The rep records a competitor being evaluated and completes the top action with an outcome.
    profile = rep_session.put(f"/accounts/{nordlicht['id']}/tech-profile", json={"entries": [
        {"vendor": "Google", "product": "Workspace", "status": "evaluating"},
        {"vendor": "Microsoft", "product": "Microsoft 365 E3", "status": "in_use"}]})
    assert profile.status_code == 200, profile.text
    completed_at = time.monotonic()
    done = rep_session.post(f"/actions/{top['id']}/complete",
                            json={"outcome": "IT is trialling Google Workspace; send the E5 comparison."})
    assert done.status_code == 200, done.text

    def on_timeline() -> list[dict]:
        entries = admin.get(f"/accounts/{nordlicht['id']}/timeline").json()["items"]
        kinds = [e["kind"] for e in entries]
        assert "action.completed" in kinds and "techprofile.updated" in kinds
        return entries

    entries = eventually(on_timeline, seconds=15)
    # Typically ~0.3 s here; the bound leaves room for a loaded CI machine without hiding a stall.
    assert time.monotonic() - completed_at < 10
    completed = next(e for e in entries if e["kind"] == "action.completed")
    assert completed["details"]["outcome"].startswith("IT is trialling") and completed["actor_id"] == rep["id"]
    assert "Google Workspace" in next(e for e in entries if e["kind"] == "techprofile.updated")["summary"]

    token = admin.post("/api-tokens", json={"name": "crm connector", "scopes": ["crm"]}).json()["token"]
    connector = e2e.client(token)

    def in_feed() -> dict:
        items = connector.get("/crm/activities").json()["items"]
        assert [a["source_id"] for a in items] == [top["id"]]
        return dict(items[0])

    activity = eventually(in_feed)
    assert activity["account"]["external_id"] == "sf:001WF1" and activity["owner"]["email"] == rep["email"]
    assert activity["outcome"].startswith("IT is trialling")

    after = rep_session.get("/actions").json()["items"]
    assert top["id"] not in {a["id"] for a in after}
    assert after[0]["current_step"] and after[0]["run_id"] == top["run_id"]

    # Nobody outside the account sees any of it.
    for outsider in (e2e.login(other_rep["email"]), e2e.login(other_csm["email"])):
        assert outsider.get(f"/actions/{after[0]['id']}").status_code == 404
        assert outsider.get(f"/accounts/{nordlicht['id']}/timeline").status_code == 404
    _, stranger_email = await e2e.new_org("stranger")
    stranger = e2e.login(stranger_email)
    assert stranger.get(f"/actions/{after[0]['id']}").status_code == 404
    assert stranger.get(f"/accounts/{nordlicht['id']}/timeline").status_code == 404

    # 5. Completing the run's last action closes it; the renewal leaves the open pipeline.
    remaining = after
    while remaining:
        action = remaining[0]
        assert rep_session.post(f"/actions/{action['id']}/complete", json={"outcome": "done"}).status_code == 200
        remaining = [a for a in rep_session.get("/actions").json()["items"] if a["run_id"] == top["run_id"]]
    open_renewals = admin.get("/renewals").json()["items"]
    assert nordlicht["id"] not in {r["account_id"] for r in open_renewals if r["vendor"] == "Microsoft"}
    closed = admin.get("/renewals", params={"status": "closed"}).json()["items"]
    assert [r["outcome"]["result"] for r in closed if r["account_id"] == nordlicht["id"]] == ["renewed"]
    eventually(lambda: _assert_kind(admin, nordlicht["id"], "renewal.closed"), seconds=60)


def _finished(admin: httpx.Client, job_id: str) -> dict:
    job = admin.get(f"/jobs/{job_id}").json()
    assert job["state"] in ("succeeded", "failed")
    return dict(job)


def _assert_kind(admin: httpx.Client, account_id: str, kind: str) -> None:
    assert kind in {e["kind"] for e in admin.get(f"/accounts/{account_id}/timeline").json()["items"]}
