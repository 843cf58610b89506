"""Shares and ranges of the 500-account portfolio, with tolerances wide enough for sampling."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from statistics import median

from cadence_demo import PortfolioSpec
from cadence_demo.readback import PortfolioRows
from cadence_demo.reference import APPROX_FX_PER_USD
from cadence_demo.subscriptions import add_months


def _share(hits: int, total: int) -> float:
    return hits / total


def test_motion_mix(written: PortfolioRows, spec: PortfolioSpec) -> None:
    motions = Counter(row["motion"] for row in written.accounts().values())
    assert 0.10 <= _share(motions["high_touch"], spec.accounts) <= 0.20
    assert 0.29 <= _share(motions["mid_touch"], spec.accounts) <= 0.41
    assert 0.43 <= _share(motions["tech_touch"], spec.accounts) <= 0.57


def test_arr_grows_with_motion(written: PortfolioRows) -> None:
    arr_usd: dict[str, float] = defaultdict(float)
    for row in written.subscriptions:
        arr_usd[row["account_external_id"]] += (
            float(row["arr"]) / APPROX_FX_PER_USD[row["arr_currency"]])
    by_motion: dict[str, list[float]] = defaultdict(list)
    for account_id, row in written.accounts().items():
        by_motion[row["motion"]].append(arr_usd[account_id])
    assert (median(by_motion["high_touch"]) > median(by_motion["mid_touch"])
            > median(by_motion["tech_touch"]))


def test_about_ten_subscriptions_per_account(written: PortfolioRows, spec: PortfolioSpec) -> None:
    per_account = Counter(row["account_external_id"] for row in written.subscriptions)
    assert 9.0 <= len(written.subscriptions) / spec.accounts <= 11.0
    assert min(per_account.values()) >= 2 and max(per_account.values()) <= 15
    assert min(per_account.values()) <= 3  # the small tail exists


def test_renewals_fall_between_30_days_ago_and_18_months_ahead(written: PortfolioRows,
                                                               spec: PortfolioSpec) -> None:
    earliest, latest = spec.today - timedelta(days=30), add_months(spec.today, 18)
    renewals = [date.fromisoformat(row["renewal_date"]) for row in written.subscriptions]
    assert all(earliest <= r <= latest for r in renewals)
    lapsed = sum(r < spec.today for r in renewals)
    assert 0.005 <= _share(lapsed, len(renewals)) <= 0.04
    beyond_a_year = sum(r > spec.today + timedelta(days=365) for r in renewals)
    assert beyond_a_year > 0  # multi-year terms reach into the second year


def test_low_adoption_share(written: PortfolioRows) -> None:
    rows = written.subscriptions
    low = sum(int(r["active_users"]) < 0.4 * int(r["quantity"]) for r in rows)
    healthy = sum(0.6 * int(r["quantity"]) <= int(r["active_users"]) <= int(r["quantity"])
                  for r in rows)
    assert 0.10 <= _share(low, len(rows)) <= 0.22
    assert _share(healthy, len(rows)) >= 0.6


def test_co_terming_within_vendor(written: PortfolioRows) -> None:
    dates: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in written.subscriptions:
        dates[(row["account_external_id"], row["vendor"])].append(row["renewal_date"])
    groups = [d for d in dates.values() if len(d) > 1]
    in_groups = sum(len(d) for d in groups)
    shared = sum(sum(1 for x in d if d.count(x) > 1) for d in groups)
    assert 0.3 <= _share(shared, in_groups) <= 0.6


def test_competitor_share(written: PortfolioRows, spec: PortfolioSpec) -> None:
    with_rival = {r["account_external_id"] for r in written.tech if r["status"] == "competitor"}
    assert 0.18 <= _share(len(with_rival), spec.accounts) <= 0.32
    statuses = Counter(r["status"] for r in written.tech)
    assert statuses["in_use"] > statuses["competitor"] > 0
    assert statuses["evaluating"] > 0 and statuses["retired"] > 0


def test_competitors_come_from_another_vendor_in_the_same_slot(written: PortfolioRows) -> None:
    vendors_of: dict[str, set[str]] = defaultdict(set)
    for row in written.subscriptions:
        vendors_of[row["account_external_id"]].add(row["vendor"])
    rivals = [r for r in written.tech if r["status"] == "competitor"]
    assert all(r["vendor"] not in vendors_of[r["account_external_id"]] or r["vendor"] == "Oracle"
               for r in rivals)  # Oracle sells both a database and a Linux: both can compete


def test_stakeholder_coverage_varies(written: PortfolioRows, spec: PortfolioSpec) -> None:
    roles: dict[str, set[str]] = defaultdict(set)
    for row in written.contacts:
        roles[row["account_external_id"]].add(row["role"])
    has_dm = sum("decision_maker" in r for r in roles.values())
    has_champion = sum("champion" in r for r in roles.values())
    assert 0.5 <= _share(has_dm, spec.accounts) <= 0.85
    assert 0.4 <= _share(has_champion, spec.accounts) <= 0.8


def test_assignment_gaps_feed_the_unassigned_queue(written: PortfolioRows, spec: PortfolioSpec) -> None:
    accounts = written.accounts().values()
    no_rep = sum(a["default_rep_email"] == "" for a in accounts)
    nobody = sum(a["owner_email"] == "" and a["csm_email"] == "" for a in accounts)
    with_csm = sum(a["csm_email"] != "" for a in accounts)
    assert 0 < nobody < no_rep <= 0.15 * spec.accounts
    assert with_csm >= 0.8 * spec.accounts


def test_auto_renew_is_rare_for_high_touch(written: PortfolioRows) -> None:
    high = [r for r in written.subscriptions if r["motion"] == "high_touch"]
    tech = [r for r in written.subscriptions if r["motion"] == "tech_touch"]
    share_high = _share(sum(r["auto_renew"] == "true" for r in high), len(high))
    share_tech = _share(sum(r["auto_renew"] == "true" for r in tech), len(tech))
    assert share_high < 0.25 < share_tech


def test_onboarding_exists_but_is_a_minority(written: PortfolioRows) -> None:
    stages = Counter(r["lifecycle_stage"] for r in written.subscriptions)
    assert set(stages) == {"active", "onboarding"}
    assert 0.05 <= _share(stages["onboarding"], len(written.subscriptions)) <= 0.25
