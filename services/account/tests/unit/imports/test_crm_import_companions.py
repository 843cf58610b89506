"""Contacts and tech-profile companion files, alone or next to a subscriptions file."""

from __future__ import annotations

from crm_import_helpers import MINIMAL, csv_bytes, only_error, where

from cadence_account.domain.imports import ImportFile, ImportOptions, parse_import

SUBS = ImportFile("subs.csv", csv_bytes(MINIMAL, "a1,Acme,s1,Microsoft,M365,2026-12-31"))
CONTACTS = "account_external_id,first_name,last_name,title,email,phone,role"
TECH = "account_external_id,vendor,product,version,eol_product_id,eol_cycle,status"


def test_contacts_with_friendly_roles_and_bad_values() -> None:
    contacts = ImportFile(
        "contacts.csv",
        csv_bytes(
            CONTACTS,
            "a1,Ana,Ops,CIO,Ana.Ops@Acme.test,+49 40 123,Decision Maker",
            "a1,Ben,,Admin,ben@acme.test,,IT",
            "a1,,,Nobody,not-an-email,,boss",
            "zz,Cy,Doe,,cy@acme.test,,user",
        ),
    )
    result = parse_import([SUBS, contacts], ImportOptions("template"))
    assert where(result.errors) == [
        ("contacts.csv", 4, "first_name"),
        ("contacts.csv", 4, "email"),
        ("contacts.csv", 4, "role"),
        ("contacts.csv", 5, "account_external_id"),  # not an account of this job
    ]
    assert result.errors[0].reason == "required: name (or first_name and last_name)"
    assert result.errors[3].value == "zz"
    ana, ben = result.contacts
    assert (ana.name, ana.email, ana.role, ana.phone) == (
        "Ana Ops",
        "ana.ops@acme.test",
        "decision_maker",
        "+49 40 123",
    )
    assert (ben.name, ben.role) == ("Ben", "it")


def test_companions_without_subscriptions_file_reference_existing_accounts() -> None:
    contacts = ImportFile(
        "c.csv", csv_bytes("account_external_id,name,email,role", "sf:001X,Ana,ana@x.test,finance")
    )
    tech = ImportFile("t.csv", csv_bytes(TECH, "hs:77,Microsoft,Windows Server,2016,windows-server,2016,"))
    result = parse_import([contacts, tech], ImportOptions("template"))
    assert result.ok, result.errors
    assert result.contacts[0].account_external_id == "sf:001X"
    (entry,) = result.tech_entries
    assert (entry.vendor, entry.lifecycle_product_id, entry.lifecycle_cycle, entry.status) == (
        "Microsoft",
        "windows-server",
        "2016",
        "in_use",
    )


def test_tech_profile_statuses() -> None:
    tech = ImportFile(
        "tech.csv",
        csv_bytes(
            TECH,
            "a1,VMware,vSphere,7.0,vmware-esxi,7.0,In Use",
            "a1,Nutanix,AHV,,,,Evaluating",
            "a1,Microsoft,Hyper-V,,,,competitor",
            "a1,Novell,NetWare,,,,Retired",
            "a1,Foo,Bar,,,,maybe",
            "a1,,Bar,,,,",
        ),
    )
    result = parse_import([SUBS, tech], ImportOptions("template"))
    assert where(result.errors) == [("tech.csv", 6, "status"), ("tech.csv", 7, "vendor")]
    assert [t.status for t in result.tech_entries] == ["in_use", "evaluating", "competitor", "retired"]


def test_companion_in_a_salesforce_job_uses_prefixed_ids() -> None:
    account = ImportFile("Account.csv", csv_bytes("Id,Name,OwnerId", "001A,Acme,005X"))
    contacts = ImportFile("contacts.csv", csv_bytes("account_external_id,name", "sf:001A,Ana", "001A,Ben"))
    result = parse_import([account, contacts], ImportOptions("salesforce"))
    error = only_error(result)
    assert (error.file, error.row, error.value) == ("contacts.csv", 3, "001A")
    assert [c.name for c in result.contacts] == ["Ana"]
