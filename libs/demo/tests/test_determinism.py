from __future__ import annotations

from datetime import date
from pathlib import Path

from cadence_demo import Catalogue, PortfolioSpec, write_portfolio

TODAY = date(2026, 9, 1)

FILES = ("subscriptions.csv", "contacts.csv", "tech_profile.csv")


def _write(catalogue: Catalogue, out: Path, accounts: int = 300, seed: int = 42) -> Path:
    write_portfolio(PortfolioSpec(accounts=accounts, today=TODAY, seed=seed), catalogue, out)
    return out


def test_same_spec_gives_byte_identical_files(catalogue: Catalogue, tmp_path: Path) -> None:
    first = _write(catalogue, tmp_path / "a")
    second = _write(catalogue, tmp_path / "b")
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_other_seed_gives_other_portfolio(catalogue: Catalogue, tmp_path: Path) -> None:
    first = _write(catalogue, tmp_path / "a", seed=1)
    second = _write(catalogue, tmp_path / "b", seed=2)
    assert (first / FILES[0]).read_bytes() != (second / FILES[0]).read_bytes()


def test_smaller_portfolio_is_a_prefix_of_a_larger_one(catalogue: Catalogue,
                                                       tmp_path: Path) -> None:
    # Per-account random streams: growing the demo does not reshuffle existing accounts.
    small = _write(catalogue, tmp_path / "small", accounts=100)
    large = _write(catalogue, tmp_path / "large", accounts=200)
    for name in FILES:
        assert (large / name).read_text("utf-8").startswith((small / name).read_text("utf-8"))
