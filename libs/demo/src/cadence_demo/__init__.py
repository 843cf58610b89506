"""cadence_demo: generates a realistic demo portfolio as import-template CSV files.

Pure standard library, no database or network access: it only writes CSV files, which the
regular import path then loads. Product lifecycle data comes from endoflife.date (MIT licence,
Copyright 2020 endoflife.date contributors).
"""

from cadence_demo.catalogue import (
    ATTRIBUTION,
    Catalogue,
    Cycle,
    Product,
    load_bundled_catalogue,
    load_catalogue,
    resolve_data_dir,
)
from cadence_demo.generator import generate_accounts
from cadence_demo.model import (
    DemoAccount,
    DemoContact,
    DemoSubscription,
    DemoTechEntry,
    PortfolioSpec,
)
from cadence_demo.readback import PortfolioRows, read_portfolio
from cadence_demo.writer import (
    CONTACTS_HEADER,
    SUBSCRIPTIONS_HEADER,
    TECH_PROFILE_HEADER,
    PortfolioFiles,
    write_portfolio,
)

__all__ = [
    "ATTRIBUTION",
    "CONTACTS_HEADER",
    "SUBSCRIPTIONS_HEADER",
    "TECH_PROFILE_HEADER",
    "Catalogue",
    "Cycle",
    "DemoAccount",
    "DemoContact",
    "DemoSubscription",
    "DemoTechEntry",
    "PortfolioFiles",
    "PortfolioRows",
    "PortfolioSpec",
    "Product",
    "generate_accounts",
    "load_bundled_catalogue",
    "load_catalogue",
    "read_portfolio",
    "resolve_data_dir",
    "write_portfolio",
]
