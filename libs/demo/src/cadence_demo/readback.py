"""Read a written portfolio back as rows: for checks, tests and quick inspection."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cadence_demo.writer import PortfolioFiles


@dataclass(frozen=True, slots=True)
class PortfolioRows:
    files: PortfolioFiles
    subscriptions: list[dict[str, str]]
    contacts: list[dict[str, str]]
    tech: list[dict[str, str]]

    def accounts(self) -> dict[str, dict[str, str]]:
        """First subscription row per account (account columns repeat on every row)."""
        first: dict[str, dict[str, str]] = {}
        for row in self.subscriptions:
            first.setdefault(row["account_external_id"], row)
        return first


def read_rows(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_portfolio(files: PortfolioFiles) -> PortfolioRows:
    """Loads everything into memory: meant for small portfolios, not the 100k-account one."""
    return PortfolioRows(files, read_rows(files.subscriptions_path), read_rows(files.contacts_path),
                         read_rows(files.tech_profile_path))
