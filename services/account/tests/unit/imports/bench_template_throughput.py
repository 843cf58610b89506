"""Throughput check for the streaming template reader (not a test: no timing is asserted).

    cd /work/main && PYTHONPATH=services/account/src .venv/bin/python \
        services/account/tests/unit/imports/bench_template_throughput.py [rows]

Builds a template file in a temporary file (simple rows, 50 subscriptions per account), streams
it through iter_template_rows and prints rows/s and how much the process grew (the job keeps
one merged record per account and every subscription id, to report duplicates).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time

from cadence_account.domain.imports import ImportFile, ImportOptions, ParsedRow, iter_template_rows

HEADER = (
    "account_external_id,account_name,account_domain,owner_email,territory,country,account_currency,"
    "subscription_external_id,vendor,product,product_version,eol_product_id,quantity,unit,term_start,"
    "renewal_date,auto_renew,billing_frequency,arr,arr_currency,source_system,source_url\r\n"
)


def write_file(path: str, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(rows):
            a = i // 50
            fh.write(
                f"acct-{a},Customer {a} GmbH,c{a}.example.test,rep{a % 7}@reseller.example.test,EMEA,DE,EUR,"
                f"sub-{i},Microsoft,Microsoft 365 E3,,,{i % 500},user,2026-02-01,2027-01-31,false,annual,"
                f"{i % 90000}.50,EUR,bench,\r\n"
            )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        write_file(tmp.name, rows)
        options = ImportOptions("template")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        good = issues = 0
        with open(tmp.name, "rb") as fh:
            for item in iter_template_rows(ImportFile("bench.csv", fh), options):
                if isinstance(item, ParsedRow):
                    good += 1
                else:
                    issues += 1
        elapsed = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{good:,} rows ok, {issues} issues in {elapsed:.2f}s = {good / elapsed:,.0f} rows/s; "
        f"max RSS grew by {(rss_after - rss_before) / 1024:.0f} MB (Linux KiB units)"
    )


if __name__ == "__main__":
    main()
