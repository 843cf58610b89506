"""Helpers for the CRM import tests: the shared sample folder and tiny CSV builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cadence_account.domain.imports import ImportFile, ImportOptions, ParsedImport, RowIssue, parse_import

REPO_ROOT = Path(__file__).resolve().parents[5]
DATA_DIR = Path(os.environ.get("CADENCE_DATA_DIR", str(REPO_ROOT.parent / "shared" / "data")))
CRM_DIR = DATA_DIR / "crm"

needs_samples = pytest.mark.skipif(
    not CRM_DIR.is_dir(),
    reason=f"shared CRM samples not found at {CRM_DIR} (set CADENCE_DATA_DIR to the shared data folder)",
)

# The template columns the parser requires, in a short header for hand-made files.
MINIMAL = "account_external_id,account_name,subscription_external_id,vendor,product,renewal_date"


def sample(name: str) -> ImportFile:
    return ImportFile(name, (CRM_DIR / name).read_bytes())


def csv_bytes(header: str, *rows: str, sep: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return (sep.join((header, *rows)) + sep).encode(encoding)


def run(data: bytes, *, name: str = "t.csv", fmt: str = "template", **options: object) -> ParsedImport:
    return parse_import([ImportFile(name, data)], ImportOptions(fmt, **options))  # type: ignore[arg-type]


def where(issues: list[RowIssue]) -> list[tuple[str, int | None, str | None]]:
    return [(i.file, i.row, i.column) for i in issues]


def only_error(result: ParsedImport) -> RowIssue:
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]
