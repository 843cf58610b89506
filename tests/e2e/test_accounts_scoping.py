"""Who sees and changes which accounts, through the gateway and the account service.

Org 1: an admin, CSMs A and B, reps A and B; account X (CSM A, rep A) and account Y (CSM B, rep B),
each with a contact, a subscription and a technology profile. Org 2 has its own admin.
Outside the caller's scope → 404; in scope but not the role's to change → 403.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from tenacity import retry, stop_after_delay, wait_fixed

from .conftest import E2E, PASSWORD

pytestmark = pytest.mark.e2e

Call = tuple[str, str, dict | None]


@dataclass
class World:
    admin: httpx.Client
    csm_a: httpx.Client
    rep_a: httpx.Client
    other_admin: httpx.Client
    users: dict[str, dict]
    x: dict
    y: dict
    contact: dict[str, str]       # account label → a contact id on it
    subscription: dict[str, str]  # account label → a subscription id on it


def make_user(admin: httpx.Client, role: str, label: str) -> dict:
    email = f"{role}-{label}-{uuid.uuid4().hex[:6]}@example.com"
    response = admin.post("/users", json={"email": email, "name": f"{role} {label}", "role": role,
                                         "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


def created(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def subscription_body(vendor: str) -> dict:
    renewal = (date.today() + timedelta(days=300)).isoformat()
    return {"vendor": vendor, "product": f"{vendor} Suite", "renewal_date": renewal, "quantity": 50,
            "billing_frequency": "annual", "arr": {"amount": "12000.00", "currency": "EUR"}}


def seed_account(admin: httpx.Client, label: str, csm: dict, rep: dict, vendor: str) -> tuple[dict, str, str]:
    """An account with one contact, one subscription and a tech profile; returns (account, contact, sub)."""
    account = created(admin.post("/accounts", json={
        "name": f"{label} Corp {uuid.uuid4().hex[:6]}", "domain": f"{label.lower()}-corp.example.com",
        "currency": "EUR", "motion": "high_touch", "csm_id": csm["id"], "rep_ids": [rep["id"]],
        "default_rep_id": rep["id"]}))
    contact = created(admin.post(f"/accounts/{account['id']}/contacts", json={
        "name": f"Buyer at {label}", "email": f"buyer@{label.lower()}.example.com",
        "role": "decision_maker"}))
    subscription = created(admin.post(f"/accounts/{account['id']}/subscriptions",
                                      json=subscription_body(vendor)))
    created(admin.put(f"/accounts/{account['id']}/tech-profile", json={"entries": [
        {"vendor": vendor, "product": f"{vendor} Suite", "status": "in_use"}]}))
    return account, contact["id"], subscription["id"]


@pytest.fixture(scope="module")
async def world(e2e: E2E) -> World:
    _, admin_email = await e2e.new_org("scope-one")
    _, other_email = await e2e.new_org("scope-two")
    admin = e2e.login(admin_email)
    users = {label: make_user(admin, role, label) for label, role in
             (("csm_a", "csm"), ("csm_b", "csm"), ("rep_a", "rep"), ("rep_b", "rep"))}
    x, contact_x, sub_x = seed_account(admin, "X", users["csm_a"], users["rep_a"], "Microsoft")
    y, contact_y, sub_y = seed_account(admin, "Y", users["csm_b"], users["rep_b"], "Oracle")
    return World(admin=admin, csm_a=e2e.login(users["csm_a"]["email"]),
                 rep_a=e2e.login(users["rep_a"]["email"]), other_admin=e2e.login(other_email), users=users,
                 x=x, y=y,
                 contact={"X": contact_x, "Y": contact_y}, subscription={"X": sub_x, "Y": sub_y})


def readable(account_id: str) -> list[Call]:
    return [("GET", f"/accounts/{account_id}", None), ("GET", f"/accounts/{account_id}/contacts", None),
            ("GET", f"/accounts/{account_id}/subscriptions", None),
            ("GET", f"/accounts/{account_id}/tech-profile", None)]


def anyone_writes(account_id: str, contact_id: str) -> list[Call]:
    return [("POST", f"/accounts/{account_id}/contacts", {"name": "Probe", "role": "other"}),
            ("PATCH", f"/contacts/{contact_id}", {"title": "Probed"}),
            ("DELETE", f"/contacts/{contact_id}", None),
            ("PUT", f"/accounts/{account_id}/tech-profile", {"entries": []})]


def escalations(account_id: str) -> list[Call]:
    return [("POST", f"/accounts/{account_id}/escalation", {"reason": "probe"}),
            ("POST", f"/accounts/{account_id}/escalation/resolve", {"reason": "probe"})]


def admin_writes(account_id: str, subscription_id: str) -> list[Call]:
    return [("PATCH", f"/accounts/{account_id}", {"name": "Renamed"}),
            ("DELETE", f"/accounts/{account_id}", None),
            ("PUT", f"/accounts/{account_id}/motion", {"motion": "tech_touch"}),
            ("PUT", f"/accounts/{account_id}/reps", {"rep_ids": []}),
            ("PUT", f"/accounts/{account_id}/csm", {"csm_id": None}),
            ("POST", f"/accounts/{account_id}/subscriptions", subscription_body("SAP")),
            ("PATCH", f"/subscriptions/{subscription_id}", {"quantity": 99})]


def everything(w: World, label: str) -> list[Call]:
    account_id = (w.x if label == "X" else w.y)["id"]
    return (readable(account_id) + anyone_writes(account_id, w.contact[label]) + escalations(account_id)
            + admin_writes(account_id, w.subscription[label]))


def assert_status(client: httpx.Client, calls: list[Call], status: int) -> None:
    for method, path, body in calls:
        response = client.request(method, path, json=body)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        if status >= 400:
            assert response.json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


def listed(client: httpx.Client, path: str, key: str = "id", **filters: str) -> set[str]:
    params: dict[str, str | int] = {"limit": 500, **filters}
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return {item[key] for item in response.json()["items"]}


def test_the_admin_sees_the_whole_org(world: World) -> None:
    w = world
    both = {w.x["id"], w.y["id"]}
    assert listed(w.admin, "/accounts") == both
    assert listed(w.admin, "/subscriptions", key="account_id") == both
    assert w.admin.get(f"/accounts/{w.y['id']}").json()["csm_id"] == w.users["csm_b"]["id"]
    assert w.x["rep_ids"] == [w.users["rep_a"]["id"]] and w.x["default_rep_id"] == w.users["rep_a"]["id"]


def test_a_rep_works_their_account_and_cannot_see_another(world: World) -> None:
    w, rep = world, world.rep_a
    x_id = w.x["id"]
    assert_status(rep, readable(x_id), 200)
    assert w.contact["X"] in listed(rep, f"/accounts/{x_id}/contacts")
    added = created(rep.post(f"/accounts/{x_id}/contacts", json={"name": "New Champion", "role": "champion"}))
    assert added["account_id"] == x_id
    assert rep.patch(f"/contacts/{w.contact['X']}", json={"title": "CIO"}).json()["title"] == "CIO"
    assert rep.delete(f"/contacts/{added['id']}").json()["id"] == added["id"]
    assert added["id"] not in listed(rep, f"/accounts/{x_id}/contacts")
    profile = created(rep.put(f"/accounts/{x_id}/tech-profile", json={"entries": [
        {"vendor": "Microsoft", "product": "Microsoft Suite", "status": "in_use"},
        {"vendor": "Google", "product": "Workspace", "status": "competitor"}]}))
    assert [e["vendor"] for e in profile["entries"]] == ["Microsoft", "Google"]
    assert_status(rep, readable(w.y["id"]) + anyone_writes(w.y["id"], w.contact["Y"]), 404)


def test_a_rep_may_not_make_admin_changes(world: World) -> None:
    w, rep = world, world.rep_a
    assert_status(rep, admin_writes(w.x["id"], w.subscription["X"]) + escalations(w.x["id"]), 403)
    # The gateway refuses these by role for every id, so the answer says nothing about Y either.
    assert_status(rep, admin_writes(w.y["id"], w.subscription["Y"]) + escalations(w.y["id"]), 403)
    made_up = str(uuid.uuid4())
    assert_status(rep, admin_writes(made_up, made_up), 403)
    assert rep.get(f"/accounts/{w.x['id']}").json()["motion"] == "high_touch"


def test_a_reps_lists_and_export_hold_only_their_accounts(world: World) -> None:
    w, rep = world, world.rep_a
    assert listed(rep, "/accounts") == {w.x["id"]}
    assert listed(rep, "/accounts", q="Corp") == {w.x["id"]}
    assert listed(rep, "/subscriptions", key="account_id") == {w.x["id"]}
    assert listed(rep, f"/accounts/{w.x['id']}/subscriptions") == {w.subscription["X"]}
    export = rep.get("/accounts/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["id"] for r in rows] == [w.x["id"]]
    assert rows[0]["rep_ids"] == w.users["rep_a"]["id"] and rows[0]["name"] == w.x["name"]


def test_a_csm_escalates_their_account_and_cannot_see_another(world: World) -> None:
    w, csm = world, world.csm_a
    x_id, me = w.x["id"], w.users["csm_a"]["id"]
    assert listed(csm, "/accounts") == {x_id}
    assert listed(csm, "/subscriptions", key="account_id") == {x_id}
    assert_status(csm, readable(x_id), 200)
    raised = created(csm.post(f"/accounts/{x_id}/escalation", json={"reason": "outage hit the CFO"}))
    assert raised["escalation"]["active"] and raised["escalation"]["escalated_by"] == me
    assert csm.get(f"/accounts/{x_id}").json()["escalation"]["reason"] == "outage hit the CFO"
    assert listed(w.admin, "/accounts", escalated="true") == {x_id}
    resolved = created(csm.post(f"/accounts/{x_id}/escalation/resolve", json={"reason": "credits agreed"}))
    assert resolved["escalation"] == {**resolved["escalation"], "active": False, "resolved_by": me,
                                      "resolution": "credits agreed", "escalated_by": me}
    assert listed(w.admin, "/accounts", escalated="true") == set()
    y_id = w.y["id"]
    assert_status(csm, readable(y_id) + anyone_writes(y_id, w.contact["Y"]) + escalations(y_id), 404)
    assert_status(csm, admin_writes(x_id, w.subscription["X"]), 403)


def test_another_org_sees_nothing(world: World) -> None:
    w, other = world, world.other_admin
    assert_status(other, everything(w, "X") + everything(w, "Y"), 404)
    assert listed(other, "/accounts", include_archived="true") == set()
    assert listed(other, "/subscriptions", include_ended="true") == set()
    export = list(csv.reader(io.StringIO(other.get("/accounts/export.csv").text)))
    assert len(export) == 1 and export[0][0] == "id"
    # Nothing the probes tried changed org 1.
    x = w.admin.get(f"/accounts/{w.x['id']}").json()
    assert not x["archived"] and x["name"] == w.x["name"] and x["csm_id"] == w.users["csm_a"]["id"]
    assert x["rep_ids"] == [w.users["rep_a"]["id"]] and x["motion"] == "high_touch"


def test_an_import_job_belongs_to_its_org(world: World) -> None:
    w = world
    renewal = (date.today() + timedelta(days=200)).isoformat()
    template = ("account_external_id,account_name,subscription_external_id,vendor,product,renewal_date,arr,"
                f"arr_currency\nIMP-{uuid.uuid4().hex[:6]},Imported Co,SUB-1,Adobe,Creative Cloud,{renewal},"
                "5000.00,EUR\n").encode()
    upload = {"files": ("subscriptions.csv", template, "text/csv")}
    assert w.rep_a.post("/imports/accounts", files=upload, data={"format": "template"}).status_code == 403
    started = w.admin.post("/imports/accounts", files=upload, data={"format": "template"})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    assert job_id.startswith("acct-")

    @retry(stop=stop_after_delay(30), wait=wait_fixed(0.3), reraise=True)
    def finished() -> dict:
        job = w.admin.get(f"/jobs/{job_id}").json()
        assert job["state"] in ("succeeded", "failed"), job
        return job

    job = finished()
    assert job["state"] == "succeeded" and job["errors"] == [], job
    assert w.other_admin.get(f"/jobs/{job_id}").status_code == 404
    found = w.admin.get("/accounts", params={"q": "Imported Co"}).json()["items"]
    assert [a["name"] for a in found] == ["Imported Co"]
    assert found[0]["id"] in listed(w.admin, "/accounts", unassigned="true")
    assert listed(w.rep_a, "/accounts") == {w.x["id"]}
