"""The import's record sources read what parse_import reads and report what it reports, in its order,
whether the files are streamed (template) or parsed whole (Salesforce, HubSpot)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cadence_account.domain.imports import ImportFile, ImportOptions, parse_import
from cadence_account.handlers.import_source import ParsedSource, RecordSource, TemplateSource, estimate_rows

CRM = Path(os.environ.get("CADENCE_DATA_DIR", Path(__file__).resolve().parents[5] / "shared" / "data")) / "crm"
HEADER = "account_external_id,account_name,subscription_external_id,vendor,product,renewal_date,arr,arr_currency"
HOSTILE = {
    "subscriptions.csv": f"{HEADER}\na1,Good Co,s1,Microsoft,M365,2027-01-31,100.00,EUR\n"
                         "a2,Bad Co,s2,Microsoft,M365,2027-02-30,100.00,EUX\n"
                         "a1,Other Name,s1,Veeam,B&R,2027-03-01,,\n",
    "contacts.csv": "account_external_id,name,email,role\na1,Ann,ann@example.com,champion\nzz,Ghost,,\n"
                    "a1,,bad-mail,\n",
    "tech.csv": "account_external_id,vendor,product,status\na1,Nutanix,AHV,evaluating\nzz,X,Y,in_use\n",
    "notes.csv": "what,ever\n1,2\n",
}
GOOD = {
    "subscriptions.csv": f"{HEADER}\na1,Good Co,s1,Microsoft,M365,2027-01-31,100.00,EUR\n"
                         "a1,,s2,Veeam,B&R,2027-03-01,50,EUR\na2,Two Co,s3,Adobe,CC,2028-01-01,,\n",
    "contacts.csv": "account_external_id,name,email,role\na1,Ann,ann@example.com,champion\na2,Bo,,\n",
    "tech.csv": "account_external_id,vendor,product,status\na1,Nutanix,AHV,evaluating\n",
}


def drain(source: RecordSource, size: int = 2) -> dict[str, list[tuple[object, ...]]]:
    rows: dict[str, list[tuple[object, ...]]] = {"subscriptions": [], "contacts": [], "tech": []}
    while (batch := source.read_batch(size)) is not None:
        for kind in rows:
            rows[kind] += getattr(batch, kind)
    return rows


def files(contents: dict[str, str]) -> list[ImportFile]:
    return [ImportFile(name, text.encode()) for name, text in contents.items()]


def test_a_clean_template_job_streams_every_record_with_the_writers_defaults() -> None:
    options = ImportOptions("template")
    source = TemplateSource(files(GOOD), options)
    assert source.expected_rows() == 6
    rows = drain(source)
    parsed = parse_import(files(GOOD), options)
    assert not source.failed and source.issues.warnings == parsed.warnings
    assert source.accounts() == parsed.accounts
    assert [r[2] for r in rows["subscriptions"]] == [s.external_id for s in parsed.subscriptions]
    assert rows["subscriptions"][2][5:10] == ("", "", "", 0, "")  # version, lifecycle ids, quantity, unit
    assert rows["subscriptions"][2][10:15] == (None, None, "", "annual", None)  # users, arr, currency, billing
    assert rows["subscriptions"][2][16:] == (None, "", "active")  # auto_renew, channel, stage
    assert [r[4] for r in rows["contacts"]] == ["ann@example.com", "bo"]  # the key: e-mail, else the name
    assert [r[1] for r in rows["tech"]] == ["a1"]
    numbers = [int(str(r[0])) for kind in rows.values() for r in kind]
    assert sorted(numbers) == list(range(1, 7))


def test_a_hostile_job_reports_what_parse_import_reports_and_stages_nothing_after_the_first_error() -> None:
    options = ImportOptions("template")
    source = TemplateSource(files(HOSTILE), options)
    rows = drain(source)
    parsed = parse_import(files(HOSTILE), options)
    assert source.failed and len(parsed.errors) >= 5
    assert source.issues.errors == parsed.errors and source.issues.warnings == parsed.warnings
    assert sum(map(len, rows.values())) <= 1  # only what came before the first error


@pytest.mark.skipif(not CRM.is_dir(), reason=f"the shared CRM samples are not at {CRM}")
@pytest.mark.parametrize("fmt, names", [
    ("template", ["cadence_template.csv"]),
    ("salesforce", ["salesforce_Account.csv", "salesforce_Contract.csv", "salesforce_Opportunity.csv"]),
    ("hubspot", ["hubspot_companies.csv", "hubspot_deals.csv"]),
])
def test_the_shared_samples_read_the_same_either_way(fmt: str, names: list[str]) -> None:
    def load() -> list[ImportFile]:
        return [ImportFile(n, (CRM / n).read_bytes()) for n in names]

    options = ImportOptions(fmt)
    source = (TemplateSource if fmt == "template" else ParsedSource)(load(), options)
    rows = drain(source, 1000)
    parsed = parse_import(load(), options)
    assert (source.issues.errors, source.issues.warnings) == (parsed.errors, parsed.warnings)
    assert source.accounts() == parsed.accounts
    if parsed.ok:
        assert len(rows["subscriptions"]) == len(parsed.subscriptions)


def test_the_row_estimate_counts_lines_and_rewinds_streams(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(GOOD["subscriptions.csv"])
    with path.open("rb") as stream:
        assert estimate_rows([ImportFile("s.csv", stream), ImportFile("c.csv", GOOD["contacts.csv"].encode())]) == 5
        assert stream.read(len(HEADER)) == HEADER.encode()
