"""Shared fixtures: one 500-account portfolio written once per test session.

The workspace runs pytest with --import-mode=importlib, so tests share things through
fixtures and the installed package only, never by importing each other.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadence_demo import Catalogue, PortfolioSpec, load_catalogue, write_portfolio
from cadence_demo.readback import PortfolioRows, read_portfolio


@pytest.fixture(scope="session")
def today() -> date:
    return date(2026, 9, 1)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()  # shared endoflife data when present, else the bundled fallback


@pytest.fixture(scope="session")
def spec(today: date) -> PortfolioSpec:
    return PortfolioSpec(accounts=500, today=today, seed=7)


@pytest.fixture(scope="session")
def written(spec: PortfolioSpec, catalogue: Catalogue,
            tmp_path_factory: pytest.TempPathFactory) -> PortfolioRows:
    return read_portfolio(write_portfolio(spec, catalogue, tmp_path_factory.mktemp("portfolio")))
