"""Importing each real CRM export format through the gateway: all or nothing, with a per-row report."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import httpx
import pytest
from tenacity import retry, stop_after_delay, wait_fixed

from .conftest import E2E, PASSWORD

pytestmark = pytest.mark.e2e
DATA = Path(os.environ.get("CADENCE_DATA_DIR", Path(__file__).resolve().parents[3] / "shared" / "data")) / "crm"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the shared CRM samples are not at {DATA}")


def run_import(admin: httpx.Client, names: list[str], **form: str) -> dict:
    files = [("files", (name, (DATA / name).read_bytes(), "text/csv")) for name in names]
    started = admin.post("/imports/accounts", files=files, data=form)
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]

    @retry(stop=stop_after_delay(30), wait=wait_fixed(0.3), reraise=True)
    def finished() -> dict:
        job = admin.get(f"/jobs/{job_id}").json()
        assert job["state"] in ("succeeded", "failed"), job["state"]
        return dict(job)

    return finished()


@pytest.fixture
async def admin(e2e: E2E) -> httpx.Client:
    _, email = await e2e.new_org("imports")
    client = e2e.login(email)
    assert client.post("/users", json={"email": f"sam-{uuid.uuid4().hex[:6]}@example.com", "name": "Sam",
                                       "role": "rep", "password": PASSWORD}).status_code == 201
    return client


def by_external(admin: httpx.Client) -> dict[str, dict]:
    return {a["external_id"]: a for a in admin.get("/accounts", params={"limit": 500}).json()["items"]}


@needs_data
def test_our_template_imports_and_reimports_as_an_upsert(admin: httpx.Client) -> None:
    job = run_import(admin, ["cadence_template.csv"], format="template")
    assert job["state"] == "succeeded", job["errors"]
    assert job["result"]["accounts"] == {"created": 2, "updated": 0}
    assert job["result"]["subscriptions"] == {"created": 3, "updated": 0}
    assert any("matches no active user" in w["reason"] for w in job["warnings"])  # owners unknown here
    accounts = by_external(admin)
    assert set(accounts) == {"sf:001FIXTURE0000001AAA", "hs:9001"}
    again = run_import(admin, ["cadence_template.csv"], format="template")
    assert again["result"]["accounts"] == {"created": 0, "updated": 2}
    assert again["result"]["subscriptions"] == {"created": 0, "updated": 3}
    assert len(by_external(admin)) == 2


@needs_data
@pytest.mark.parametrize("name, locale, external_id, amount", [
    ("excel_de_semicolon_decimal_comma.csv", "de", "x2", "1234.56"),
    ("excel_fr_windows1252.csv", "fr", "x3", "2400.00"),
    ("excel_utf8_bom.csv", "en", "x1", "1234.56"),
])
def test_excel_variants(admin: httpx.Client, name: str, locale: str, external_id: str, amount: str) -> None:
    job = run_import(admin, [name], format="template", locale=locale)
    assert job["state"] == "succeeded", job["errors"]
    account = by_external(admin)[external_id]
    lines = admin.get(f"/accounts/{account['id']}/subscriptions").json()["items"]
    assert [line["arr"]["amount"] for line in lines] == [amount]
    if name.startswith("excel_fr"):
        assert account["name"] == "Café Crème SARL (fixture)"


@needs_data
def test_salesforce_needs_a_vendor_mapping_and_then_lands(admin: httpx.Client) -> None:
    files = ["salesforce_Account.csv", "salesforce_Contract.csv", "salesforce_Opportunity.csv"]
    refused = run_import(admin, files, format="salesforce")
    assert refused["state"] == "failed"
    assert {e["column"] for e in refused["errors"]} >= {"vendor", "product"}
    assert by_external(admin) == {}  # nothing half-imported
    mapping = {"fields": {"vendor": {"constant": "Microsoft"}, "product": {"column": "Name"}}}
    job = run_import(admin, files, format="salesforce", mapping=json.dumps(mapping))
    assert job["state"] == "succeeded", job["errors"]
    account = by_external(admin)["sf:001FIXTURE0000001AAA"]
    line = admin.get(f"/accounts/{account['id']}/subscriptions").json()["items"][0]
    assert line["arr"] == {"amount": "53820.00", "currency": "EUR"} and line["external_id"].startswith("sf:800")


@needs_data
def test_hubspot_warns_about_the_near_duplicate(admin: httpx.Client) -> None:
    mapping = {"fields": {"vendor": {"constant": "Veeam"}, "product": {"column": "Deal Name"}}}
    job = run_import(admin, ["hubspot_companies.csv", "hubspot_deals.csv"], format="hubspot",
                     mapping=json.dumps(mapping))
    assert job["state"] == "succeeded", job["errors"]
    assert any("9002" in json.dumps(w) or "duplicate" in w["reason"] for w in job["warnings"])
    assert {"hs:9001", "hs:9002"} <= set(by_external(admin))


def test_a_file_with_errors_imports_nothing_and_says_everything(admin: httpx.Client) -> None:
    bad = (b"account_external_id,account_name,subscription_external_id,vendor,product,renewal_date,arr,arr_currency\n"
           b"a1,Good Co,s1,Microsoft,M365,2027-01-31,100.00,EUR\n"
           b"a2,Bad Co,s2,Microsoft,M365,2027-02-30,100.00,EUX\n")
    started = admin.post("/imports/accounts", files=[("files", ("bad.csv", bad, "text/csv"))],
                         data={"format": "template"})
    job_id = started.json()["id"]

    @retry(stop=stop_after_delay(30), wait=wait_fixed(0.3), reraise=True)
    def finished() -> dict:
        job = admin.get(f"/jobs/{job_id}").json()
        assert job["state"] in ("succeeded", "failed")
        return dict(job)

    job = finished()
    assert job["state"] == "failed"
    assert {(e["row"], e["column"]) for e in job["errors"]} == {(3, "renewal_date"), (3, "arr_currency")}
    assert by_external(admin) == {}


async def test_the_cli_streams_files_in_chunks(e2e: E2E, tmp_path: Path) -> None:
    from datetime import date

    from cadence_cli import imports as cli_imports
    from cadence_demo import PortfolioSpec, load_catalogue, write_portfolio

    org_id, email = await e2e.new_org("stream")
    files = write_portfolio(PortfolioSpec(accounts=400, today=date.today()), load_catalogue(tmp_path / "none"), tmp_path)
    cli_imports.CHUNK_BYTES = 64 * 1024  # several chunks per file even at this size
    job = await cli_imports.run_import(e2e.settings, org_id, [files.subscriptions_path, files.contacts_path,
                                                               files.tech_profile_path], format="template",
                                       progress=False)
    assert job.state == "succeeded", [e.reason for e in job.errors][:5]
    result = json.loads(job.result_json)
    assert result["accounts"]["created"] == 400 and result["subscriptions"]["created"] == files.subscriptions
    assert result["contacts"]["created"] == files.contacts
    admin = e2e.login(email)
    assert len(admin.get("/accounts", params={"limit": 500}).json()["items"]) == 400
