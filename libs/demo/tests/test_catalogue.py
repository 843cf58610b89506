"""Both catalogue paths: the shared endoflife.date extract and the bundled fallback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cadence_demo import (
    Catalogue,
    Cycle,
    PortfolioSpec,
    load_bundled_catalogue,
    load_catalogue,
    resolve_data_dir,
    write_portfolio,
)
from cadence_demo.catalogue import parse_milestone
from cadence_demo.eol_source import version_label
from cadence_demo.profiles import PROFILES_BY_KEY
from cadence_demo.readback import read_rows

TODAY = date(2026, 9, 1)

SHARED = resolve_data_dir()
EOL_JSON = SHARED / "endoflife" / "eol.json" if SHARED is not None else None
needs_shared_data = pytest.mark.skipif(
    EOL_JSON is None or not EOL_JSON.is_file(),
    reason="shared data folder (../shared/data or $CADENCE_DATA_DIR) with endoflife/eol.json "
           "is not available in this checkout",
)
UNITS = {"user", "core", "device", "instance", "socket", "TB", "account"}


def _eol_products() -> dict[str, dict[str, Any]]:
    assert EOL_JSON is not None
    raw = json.loads(EOL_JSON.read_text("utf-8"))
    return {p["id"]: p for p in raw["products"]}


def test_empty_data_dir_falls_back_to_the_bundled_catalogue(tmp_path: Path) -> None:
    catalogue = load_catalogue(tmp_path)
    assert catalogue.is_fallback
    assert 20 <= len(catalogue.products) <= 40
    assert "Copyright 2020 endoflife.date contributors" in catalogue.metadata["license"]
    assert "endoflife.date" in catalogue.metadata["attribution"]
    files = write_portfolio(PortfolioSpec(accounts=50, today=TODAY), catalogue, tmp_path / "out")
    rows = read_rows(files.subscriptions_path)
    assert files.accounts == 50 and len(rows) == files.subscriptions
    assert any(r["eol_product_id"] == "windows-server" for r in rows)


def test_env_var_points_at_the_data_folder(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADENCE_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert load_catalogue().is_fallback


def test_bundled_products_agree_with_the_commercial_mapping() -> None:
    for product in load_bundled_catalogue().products:
        profile = PROFILES_BY_KEY[product.key]
        assert (product.vendor, product.product, product.eol_product_id, product.unit,
                product.price_usd) == (profile.vendor, profile.product,
                                       profile.eol_product_id, profile.unit, profile.price_usd)


def test_every_product_is_well_formed(catalogue: Catalogue) -> None:
    keys = catalogue.keys()
    assert len(keys) == len(set(keys))
    for product in catalogue.products:
        assert product.unit in UNITS, product.key
        assert product.price_usd > 0 or not product.subscribable, product.key
        assert bool(product.cycles) == bool(product.eol_product_id), product.key
    saas = {p.product for p in catalogue.products if p.eol_product_id is None}
    assert {"Microsoft 365 E3", "Microsoft 365 E5", "Google Workspace Business Standard"} <= saas


@needs_shared_data
def test_bundled_cycles_are_copied_faithfully_from_endoflife() -> None:
    eol = _eol_products()
    for product in load_bundled_catalogue().products:
        if product.eol_product_id is None:
            continue
        source = {c["cycle"]: c for c in eol[product.eol_product_id]["cycles"]}
        for cycle in product.cycles:
            raw = source[cycle.cycle]
            assert cycle.release == parse_milestone(raw.get("releaseDate"))
            assert cycle.support == parse_milestone(raw.get("support"))
            assert cycle.eol == parse_milestone(raw.get("eol"))
            assert cycle.extended == parse_milestone(raw.get("extendedSupport"))


@needs_shared_data
def test_shared_data_catalogue_covers_every_endoflife_product() -> None:
    catalogue = load_catalogue(SHARED)
    assert not catalogue.is_fallback
    assert "endoflife.date contributors" in catalogue.metadata["license"]
    eol = _eol_products()
    mapped = {p.eol_product_id for p in catalogue.products if p.eol_product_id}
    assert mapped == set(eol)  # all 55 ids are mapped (some only as tech-profile entries)
    assert catalogue.get("vmware-esxi").vendor == "Broadcom"
    assert catalogue.get("mssqlserver").product == "SQL Server"


@needs_shared_data
def test_shared_data_portfolio_uses_real_endoflife_ids_and_cycles(tmp_path: Path) -> None:
    eol = _eol_products()
    spec = PortfolioSpec(accounts=200, today=TODAY)
    files = write_portfolio(spec, load_catalogue(SHARED), tmp_path)
    rows = read_rows(files.subscriptions_path) + read_rows(files.tech_profile_path)
    tracked = [r for r in rows if r["eol_product_id"]]
    assert len(tracked) > 0.7 * len(rows)
    for row in tracked:
        cycles = {c["cycle"] for c in eol[row["eol_product_id"]]["cycles"]}
        assert row["eol_cycle"] in cycles, row
    sql = {r["eol_cycle"] for r in tracked if r["eol_product_id"] == "mssqlserver"}
    assert "13.0" not in sql and "13.0-sp3-acp" not in sql  # RTM/ACP cycles are not estates
    servers = {r["eol_cycle"] for r in tracked if r["eol_product_id"] == "windows-server"}
    assert not any(c.endswith(("-sac", "-ac")) for c in servers)


@needs_shared_data
def test_versions_include_supported_and_ended_cycles(tmp_path: Path) -> None:
    eol = _eol_products()
    files = write_portfolio(PortfolioSpec(accounts=300, today=TODAY), load_catalogue(SHARED),
                            tmp_path)
    ended = live = 0
    for row in read_rows(files.subscriptions_path):
        if not row["eol_product_id"]:
            continue
        raw = next(c for c in eol[row["eol_product_id"]]["cycles"]
                   if c["cycle"] == row["eol_cycle"])
        cycle = Cycle(row["eol_cycle"], row["product_version"], None,
                      eol=parse_milestone(raw.get("eol")))
        if cycle.ended(TODAY):
            ended += 1
        else:
            live += 1
    assert 0.05 < ended / (ended + live) < 0.3


def test_cycle_milestone_semantics() -> None:
    today = date(2026, 9, 1)
    assert Cycle("a", "a", None, eol=True).ended(today)  # ended, date unknown
    assert not Cycle("b", "b", None, eol=False).ended(today)  # not announced
    assert not Cycle("c", "c", None, eol=None).ended(today)  # not tracked
    assert Cycle("d", "d", None, eol=date(2026, 9, 1)).ended(today)
    assert not Cycle("e", "e", None, eol=date(2026, 9, 2)).ended(today)
    assert Cycle("f", "f", None, extended=date(2027, 1, 1)).extended_running(today)


def test_version_labels_read_like_a_quote() -> None:
    assert version_label("2022", "Windows Server 2022", ["Windows Server"]) == "2022"
    assert version_label("16.0", "2022 'Dallas'", ["SQL Server"]) == "2022"
    assert version_label("9.4", "IBM MQ 9.4 LTS", ["IBM MQ"]) == "9.4 LTS"
    assert version_label("8.0", None, ["VMware ESXi"]) == "8.0"
    assert version_label("continuous", "Azure DevOps Server", ["Azure DevOps Server"]) == (
        "continuous")


@pytest.mark.parametrize("today", [date(2025, 3, 1), date(2026, 9, 1), date(2028, 1, 15)])
def test_versions_follow_the_reference_date(catalogue: Catalogue, today: date,
                                            tmp_path: Path) -> None:
    released = {(p.eol_product_id, c.cycle): c.release for p in catalogue.products
                for c in p.cycles}
    files = write_portfolio(PortfolioSpec(accounts=100, today=today), catalogue, tmp_path)
    rows = read_rows(files.subscriptions_path)
    for row in rows:
        if row["eol_cycle"]:
            release = released[(row["eol_product_id"], row["eol_cycle"])]
            assert release is None or release <= today, row  # no version from the future
