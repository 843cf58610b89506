"""The files follow the import template: headers, value formats, enumerations, consistency."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

from cadence_demo import PortfolioSpec
from cadence_demo.readback import PortfolioRows
from cadence_demo.reference import COUNTRIES

SUBSCRIPTIONS_HEADER = (
    "account_external_id,account_name,account_domain,owner_email,territory,country,"
    "account_currency,subscription_external_id,vendor,product,product_version,eol_product_id,"
    "quantity,unit,term_start,renewal_date,auto_renew,billing_frequency,arr,arr_currency,"
    "source_system,source_url,motion,csm_email,default_rep_email,rep_emails,active_users,"
    "eol_cycle,lifecycle_stage,channel"
)
CONTACTS_HEADER = "account_external_id,name,title,email,phone,role"
TECH_HEADER = "account_external_id,vendor,product,version,eol_product_id,eol_cycle,status"
ACCOUNT_COLUMNS = ("account_name", "account_domain", "owner_email", "territory", "country",
                   "account_currency", "motion", "csm_email", "default_rep_email", "rep_emails")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MICROSOFT_CHANNELS = {"CSP", "EA", "MCA"}


def test_header_lines_are_exact(written: PortfolioRows) -> None:
    files = written.files
    assert _first_line(files.subscriptions_path) == SUBSCRIPTIONS_HEADER
    assert _first_line(files.contacts_path) == CONTACTS_HEADER
    assert _first_line(files.tech_profile_path) == TECH_HEADER


def _first_line(path: object) -> str:
    with open(str(path), encoding="utf-8", newline="") as handle:
        return handle.readline().rstrip("\n")


def test_returned_counts_match_the_files(written: PortfolioRows, spec: PortfolioSpec) -> None:
    files = written.files
    assert files.accounts == len(written.accounts()) == spec.accounts
    assert files.subscriptions == len(written.subscriptions)
    assert files.contacts == len(written.contacts)
    assert files.tech_entries == len(written.tech)


def test_subscription_values_have_template_formats(written: PortfolioRows) -> None:
    for row in written.subscriptions:
        assert ISO_DATE.match(row["term_start"]) and ISO_DATE.match(row["renewal_date"])
        assert date.fromisoformat(row["term_start"]) <= date.fromisoformat(row["renewal_date"])
        assert re.fullmatch(r"\d+\.\d{2}", row["arr"]), row["arr"]
        assert row["auto_renew"] in {"true", "false"}
        assert row["billing_frequency"] in {"monthly", "quarterly", "annual", "multi_year"}
        assert row["motion"] in {"high_touch", "mid_touch", "tech_touch"}
        assert row["source_system"] == "demo"
        assert int(row["quantity"]) >= 1
        assert 0 <= int(row["active_users"]) <= int(row["quantity"]) * 1.2


def test_arr_is_positive_and_in_the_account_currency(written: PortfolioRows) -> None:
    currency_of = {c.code: c.currency for c in COUNTRIES}
    for row in written.subscriptions:
        assert float(row["arr"]) > 0
        assert row["arr_currency"] == row["account_currency"]
        assert currency_of[row["country"]] == row["account_currency"]


def test_lifecycle_stage_follows_term_start(written: PortfolioRows, spec: PortfolioSpec) -> None:
    for row in written.subscriptions:
        started = date.fromisoformat(row["term_start"])
        assert started <= spec.today  # every subscription is already running
        recent = spec.today - timedelta(days=60) <= started
        assert row["lifecycle_stage"] == ("onboarding" if recent else "active")


def test_channel_fits_the_vendor(written: PortfolioRows) -> None:
    for row in written.subscriptions:
        assert row["channel"] in {"CSP", "EA", "MCA", "direct", "marketplace"}
        if row["vendor"] == "Microsoft":
            assert row["channel"] in MICROSOFT_CHANNELS
        else:
            assert row["channel"] not in MICROSOFT_CHANNELS


def test_account_columns_repeat_identically(written: PortfolioRows) -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for row in written.subscriptions:
        values = tuple(row[c] for c in ACCOUNT_COLUMNS)
        assert seen.setdefault(row["account_external_id"], values) == values


def test_external_ids_have_the_demo_format(written: PortfolioRows) -> None:
    for row in written.subscriptions:
        account = row["account_external_id"]
        assert re.fullmatch(r"demo:acct-\d{6}", account)
        number = account.removeprefix("demo:acct-")
        assert re.fullmatch(rf"demo:sub-{number}-\d{{2}}", row["subscription_external_id"])


def test_every_assigned_email_is_a_demo_user(written: PortfolioRows, spec: PortfolioSpec) -> None:
    users = set(spec.user_emails())
    assert users == {"csm1@demo.example.com", "csm2@demo.example.com", "rep1@demo.example.com",
                     "rep2@demo.example.com", "rep3@demo.example.com", "rep4@demo.example.com"}
    for row in written.accounts().values():
        reps = row["rep_emails"].split("|") if row["rep_emails"] else []
        for email in [row["owner_email"], row["csm_email"], row["default_rep_email"], *reps]:
            assert email == "" or email in users, email
        assert row["default_rep_email"] == (reps[0] if reps else "")
        assert row["owner_email"] == row["default_rep_email"]  # the CRM owner is the default rep
        assert len(reps) == len(set(reps)) <= 2


def test_contacts_have_roles_and_belong_to_accounts(written: PortfolioRows) -> None:
    accounts = written.accounts()
    roles = {"decision_maker", "champion", "it", "finance", "procurement", "user", "other"}
    per_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in written.contacts:
        assert row["role"] in roles
        per_account[row["account_external_id"]].append(row)
    assert per_account.keys() == accounts.keys()
    for account_id, people in per_account.items():
        assert 2 <= len(people) <= 6
        domain = accounts[account_id]["account_domain"]
        emails = [p["email"] for p in people]
        assert len(set(emails)) == len(emails)
        assert all(e.endswith("@" + domain) for e in emails)


def test_tech_profile_statuses_and_links(written: PortfolioRows) -> None:
    accounts = written.accounts()
    for row in written.tech:
        assert row["status"] in {"in_use", "evaluating", "competitor", "retired"}
        assert row["account_external_id"] in accounts
        assert bool(row["eol_product_id"]) or not row["eol_cycle"]


def test_domains_live_under_example_com(written: PortfolioRows) -> None:
    for row in written.accounts().values():
        assert re.fullmatch(r"[a-z0-9-]+\.example\.com", row["account_domain"])
