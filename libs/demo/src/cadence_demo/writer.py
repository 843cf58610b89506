"""Stream the portfolio into the three import-template CSV files, account by account."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cadence_demo.catalogue import Catalogue
from cadence_demo.generator import generate_accounts
from cadence_demo.model import DemoAccount, DemoSubscription, PortfolioSpec

SUBSCRIPTIONS_HEADER: tuple[str, ...] = (
    "account_external_id", "account_name", "account_domain", "owner_email", "territory",
    "country", "account_currency", "subscription_external_id", "vendor", "product",
    "product_version", "eol_product_id", "quantity", "unit", "term_start", "renewal_date",
    "auto_renew", "billing_frequency", "arr", "arr_currency", "source_system", "source_url",
    "motion", "csm_email", "default_rep_email", "rep_emails", "active_users", "eol_cycle",
    "lifecycle_stage", "channel",
)
CONTACTS_HEADER: tuple[str, ...] = (
    "account_external_id", "name", "title", "email", "phone", "role",
)
TECH_PROFILE_HEADER: tuple[str, ...] = (
    "account_external_id", "vendor", "product", "version", "eol_product_id", "eol_cycle",
    "status",
)
SUBSCRIPTIONS_FILE = "subscriptions.csv"
CONTACTS_FILE = "contacts.csv"
TECH_PROFILE_FILE = "tech_profile.csv"
SOURCE_SYSTEM = "demo"
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PortfolioFiles:
    subscriptions_path: Path
    contacts_path: Path
    tech_profile_path: Path
    accounts: int
    subscriptions: int
    contacts: int
    tech_entries: int


def write_portfolio(spec: PortfolioSpec, catalogue: Catalogue, out_dir: Path,
                    progress: Progress | None = None) -> PortfolioFiles:
    """Write subscriptions.csv, contacts.csv and tech_profile.csv into `out_dir`.

    Memory stays flat: each account is generated, written and dropped before the next one.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = (out_dir / SUBSCRIPTIONS_FILE, out_dir / CONTACTS_FILE, out_dir / TECH_PROFILE_FILE)
    counts = [0, 0, 0, 0]
    # newline="" + "\n": the csv module controls line ends, identical on every platform.
    with (open(paths[0], "w", encoding="utf-8", newline="") as subs_file,
          open(paths[1], "w", encoding="utf-8", newline="") as contacts_file,
          open(paths[2], "w", encoding="utf-8", newline="") as tech_file):
        subs_out = csv.writer(subs_file, lineterminator="\n")
        contacts_out = csv.writer(contacts_file, lineterminator="\n")
        tech_out = csv.writer(tech_file, lineterminator="\n")
        subs_out.writerow(SUBSCRIPTIONS_HEADER)
        contacts_out.writerow(CONTACTS_HEADER)
        tech_out.writerow(TECH_PROFILE_HEADER)
        for account in generate_accounts(spec, catalogue):
            subs_out.writerows(subscription_rows(account))
            contacts_out.writerows(contact_rows(account))
            tech_out.writerows(tech_rows(account))
            counts[0] += 1
            counts[1] += len(account.subscriptions)
            counts[2] += len(account.contacts)
            counts[3] += len(account.tech)
            if progress is not None and (counts[0] % PROGRESS_EVERY == 0
                                         or counts[0] == spec.accounts):
                progress(counts[0], spec.accounts)
    return PortfolioFiles(*paths, *counts)


def subscription_rows(account: DemoAccount) -> list[list[str]]:
    # Account columns are identical on every row of the account: build them once.
    head = [account.external_id, account.name, account.domain, account.owner_email,
            account.territory, account.country, account.currency]
    tail = [account.motion, account.csm_email, account.default_rep_email,
            "|".join(account.rep_emails)]
    return [head + _subscription_middle(s, account.currency) + tail
            + [str(s.active_users), s.eol_cycle, s.lifecycle_stage, s.channel]
            for s in account.subscriptions]


def _subscription_middle(sub: DemoSubscription, currency: str) -> list[str]:
    return [sub.external_id, sub.vendor, sub.product, sub.version, sub.eol_product_id,
            str(sub.quantity), sub.unit, sub.term_start.isoformat(),
            sub.renewal_date.isoformat(), "true" if sub.auto_renew else "false",
            sub.billing_frequency, format_minor(sub.arr_minor), currency, SOURCE_SYSTEM, ""]


def format_minor(minor: int) -> str:
    """12345 → "123.45": plain decimal, point separator, always two places."""
    whole, cents = divmod(minor, 100)
    return f"{whole}.{cents:02d}"


def contact_rows(account: DemoAccount) -> list[list[str]]:
    return [[account.external_id, c.name, c.title, c.email, c.phone, c.role]
            for c in account.contacts]


def tech_rows(account: DemoAccount) -> list[list[str]]:
    return [[account.external_id, t.vendor, t.product, t.version, t.eol_product_id,
             t.eol_cycle, t.status] for t in account.tech]
