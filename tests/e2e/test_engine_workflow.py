"""The engine loop through the gateway: a renewal entering its window becomes the rep's queue;
completing steps lifts the next; closing the renewal rolls the subscription forward."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest
from tenacity import retry, stop_after_delay, wait_fixed

from .conftest import E2E, PASSWORD

pytestmark = pytest.mark.e2e


def user(admin: httpx.Client, role: str) -> dict:
    response = admin.post("/users", json={"email": f"{role}-{uuid.uuid4().hex[:6]}@example.com", "name": role,
                                          "role": role, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


def eventually(check, seconds: float = 15.0):  # type: ignore[no-untyped-def]
    return retry(stop=stop_after_delay(seconds), wait=wait_fixed(0.3), reraise=True)(check)()


async def test_a_renewal_in_its_window_becomes_the_reps_queue_and_rolls_forward(e2e: E2E) -> None:
    _, admin_email = await e2e.new_org("engine")
    admin = e2e.login(admin_email)
    rep, other_rep, csm = user(admin, "rep"), user(admin, "rep"), user(admin, "csm")
    account = admin.post("/accounts", json={"name": "Nordlicht Logistik", "motion": "high_touch", "csm_id": csm["id"],
                                            "rep_ids": [rep["id"]], "default_rep_id": rep["id"]}).json()
    renewal_date = date.today() + timedelta(days=100)
    subscription = admin.post(f"/accounts/{account['id']}/subscriptions", json={
        "vendor": "Microsoft", "product": "Microsoft 365 E3", "quantity": 115, "unit": "user",
        "arr": {"amount": "53820.00", "currency": "EUR"}, "term_start": (renewal_date - timedelta(days=364)).isoformat(),
        "renewal_date": renewal_date.isoformat(), "billing_frequency": "annual"})
    assert subscription.status_code == 201, subscription.text
    rep_session = e2e.login(rep["email"])

    def queue() -> list[dict]:
        items = rep_session.get("/actions").json()["items"]
        assert items, "no actions yet"
        return items

    first = eventually(queue)
    assert [a["priority"] for a in first] == sorted((a["priority"] for a in first), reverse=True)
    top = first[0]
    assert top["current_step"] and top["reasons"] and top["account_id"] == account["id"]
    assert top["assignee_id"] == rep["id"] and top["vendor"] == "Microsoft"
    assert {a["run_id"] for a in first} == {top["run_id"]} and len(first) > 1

    done = rep_session.post(f"/actions/{top['id']}/complete", json={"outcome": "Spoke to IT; renewal on track."})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    again = rep_session.post(f"/actions/{top['id']}/complete", json={"outcome": "twice"})
    assert again.status_code == 409

    second = rep_session.get("/actions").json()["items"]
    assert top["id"] not in {a["id"] for a in second}
    assert second[0]["current_step"] and second[0]["step_index"] > top["step_index"]

    outsider = e2e.login(other_rep["email"])
    assert outsider.get(f"/actions/{top['id']}").status_code == 404
    assert outsider.get("/actions").json()["items"] == []

    pipeline = admin.get("/renewals").json()["items"]
    assert [r["account_id"] for r in pipeline] == [account["id"]]
    closed = admin.post(f"/renewals/{pipeline[0]['id']}/close", json={"outcome": "renewed", "note": "signed"})
    assert closed.status_code == 200, closed.text
    assert admin.get("/renewals").json()["items"] == []
    assert rep_session.get("/actions").json()["items"] == []

    def rolled() -> str:
        line = admin.get(f"/accounts/{account['id']}/subscriptions").json()["items"][0]
        assert line["renewal_date"] != renewal_date.isoformat()
        return str(line["renewal_date"])

    # The same term again: twelve months on (a 29 February would fall back to the 28th).
    assert eventually(rolled) == renewal_date.replace(year=renewal_date.year + 1).isoformat()
