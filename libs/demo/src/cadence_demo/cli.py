"""`python -m cadence_demo --accounts 1000 --out /tmp/demo`: write a demo portfolio."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

from cadence_demo.catalogue import load_catalogue
from cadence_demo.model import PortfolioSpec
from cadence_demo.writer import write_portfolio


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cadence-demo", description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="reference date (YYYY-MM-DD); default: the real today")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--demo-domain", default="demo.example.com")
    parser.add_argument("--csm-count", type=int, default=2)
    parser.add_argument("--rep-count", type=int, default=4)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="shared data folder (default: $CADENCE_DATA_DIR or ../shared/data)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    spec = PortfolioSpec(accounts=args.accounts, today=args.today, seed=args.seed,
                         demo_domain=args.demo_domain, csm_count=args.csm_count,
                         rep_count=args.rep_count)
    catalogue = load_catalogue(args.data_dir)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total} accounts", end="", file=sys.stderr, flush=True)

    files = write_portfolio(spec, catalogue, args.out, progress)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    rows = files.subscriptions + files.contacts + files.tech_entries
    print(f"\ncatalogue: {catalogue.metadata.get('origin')} ({len(catalogue.products)} products)"
          f"; {catalogue.metadata.get('attribution')}", file=sys.stderr)
    print(f"{files.accounts} accounts, {files.subscriptions} subscriptions, {files.contacts} "
          f"contacts, {files.tech_entries} tech entries in {seconds:.1f} s "
          f"({rows / max(seconds, 1e-9):,.0f} rows/s, max RSS {rss_mb:.0f} MB) → {args.out}",
          file=sys.stderr)
    return 0
