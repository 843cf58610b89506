"""Streaming writer, progress reporting, iterator API and uniqueness at scale."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from cadence_demo import Catalogue, DemoAccount, PortfolioSpec, generate_accounts, write_portfolio
from cadence_demo.names import CompanyNamer
from cadence_demo.readback import PortfolioRows
from cadence_demo.reference import COUNTRIES

TODAY = date(2026, 9, 1)


def test_generate_accounts_is_lazy(catalogue: Catalogue) -> None:
    accounts = generate_accounts(PortfolioSpec(accounts=10**9, today=TODAY), catalogue)
    assert isinstance(accounts, Iterator)
    first = next(accounts)  # a billion accounts cost nothing until they are pulled
    assert isinstance(first, DemoAccount) and first.external_id == "demo:acct-000001"
    assert 2 <= len(first.subscriptions) <= 15 and first.arr_minor > 0


def test_progress_is_reported_every_thousand_accounts(catalogue: Catalogue,
                                                      tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    spec = PortfolioSpec(accounts=2500, today=TODAY)
    files = write_portfolio(spec, catalogue, tmp_path, lambda done, total: calls.append(
        (done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert files.accounts == 2500


def test_empty_portfolio_writes_headers_only(catalogue: Catalogue, tmp_path: Path) -> None:
    files = write_portfolio(PortfolioSpec(accounts=0, today=TODAY), catalogue, tmp_path)
    assert (files.accounts, files.subscriptions, files.contacts, files.tech_entries) == (
        0, 0, 0, 0)
    assert files.subscriptions_path.read_text("utf-8").count("\n") == 1


def test_ids_and_names_are_unique(written: PortfolioRows) -> None:
    accounts = written.accounts()
    subscription_ids = [r["subscription_external_id"] for r in written.subscriptions]
    assert len(set(subscription_ids)) == len(subscription_ids)
    names = [r["account_name"] for r in accounts.values()]
    domains = [r["account_domain"] for r in accounts.values()]
    assert len(set(names)) == len(names) and len(set(domains)) == len(domains)


def test_company_names_stay_unique_across_100k_accounts() -> None:
    namer = CompanyNamer()
    rng = random.Random(3)
    weights = [c.weight for c in COUNTRIES]
    names: set[str] = set()
    domains: set[str] = set()
    for _ in range(100_000):
        name, domain = namer.company(rng, rng.choices(COUNTRIES, weights=weights)[0])
        names.add(name)
        domains.add(domain)
    assert len(names) == len(domains) == 100_000


def test_custom_demo_users_are_used(catalogue: Catalogue) -> None:
    spec = PortfolioSpec(accounts=200, today=TODAY, demo_domain="acme.example.org",
                         csm_count=3, rep_count=2)
    users = set(spec.user_emails())
    seen: set[str] = set()
    for account in generate_accounts(spec, catalogue):
        seen.update(e for e in (account.owner_email, account.csm_email,
                                account.default_rep_email, *account.rep_emails) if e)
    assert seen == users
