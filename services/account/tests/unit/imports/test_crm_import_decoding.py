"""Encodings, separators, quoting and row numbering, on hand-made bytes."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from crm_import_helpers import MINIMAL, csv_bytes, only_error, run, where

from cadence_account.domain.imports import ImportFile, ImportOptions, ParsedRow, decoding, iter_template_rows

HEADER = MINIMAL + ",arr,arr_currency"


def test_windows_1252_file() -> None:
    data = csv_bytes(
        HEADER, 'x3,Café Crème SARL,s1,Adobe,Creative Cloud,2027-02-28,"€ 2 400,00",EUR', encoding="cp1252"
    )
    assert b"\x80" in data and b"\xe9" in data  # really not UTF-8
    result = run(data, locale="fr")
    assert result.ok, result.errors
    assert result.accounts[0].name == "Café Crème SARL"
    assert result.subscriptions[0].arr == Decimal("2400.00")
    assert [(w.row, w.reason) for w in result.warnings] == [(None, "not UTF-8: read as Windows-1252")]


def test_bom_and_semicolon_file() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(
        HEADER.replace(",", ";"), "a1;Société Générale;s1;Microsoft;Office;31.12.2026;1.234,56;EUR"
    )
    result = run(data, locale="de")
    assert result.ok, result.errors
    assert result.accounts[0].external_id == "a1"
    assert result.accounts[0].name == "Société Générale"
    assert result.subscriptions[0].arr == Decimal("1234.56")


def test_semicolon_file_with_commas_inside_values() -> None:
    data = csv_bytes(
        HEADER.replace(",", ";"), 'a1;Acme, Inc.;s1;Microsoft;M365, E3;2026-12-31;"1.234,56";EUR'
    )
    result = run(data, locale="de-DE")
    assert result.ok, result.errors
    assert result.accounts[0].name == "Acme, Inc." and result.subscriptions[0].product == "M365, E3"


def test_tab_separated_utf16_file_from_excel_unicode_text() -> None:
    data = (
        "\ufeff" + "\r\n".join([HEADER.replace(",", "\t"), "a1\tÄpfel AG\ts1\tV\tP\t2026-12-31\t10\tCHF"])
    ).encode("utf-16-le")
    result = run(data)
    assert result.ok, result.errors
    assert result.accounts[0].name == "Äpfel AG" and result.subscriptions[0].currency == "CHF"


def test_embedded_newlines_count_as_one_spreadsheet_row() -> None:
    data = csv_bytes(
        HEADER,
        'a1,"Acme\r\nHoldings, Ltd",s1,Microsoft,"M365\nE3",2026-12-31,,',
        "a2,Beta,s2,Microsoft,M365,2026-13-01,,",
    )
    result = run(data)
    assert result.accounts[0].name == "Acme\r\nHoldings, Ltd"
    assert result.subscriptions[0].product == "M365\nE3"
    error = only_error(result)
    assert (error.row, error.column) == (3, "renewal_date")


def test_blank_lines_keep_spreadsheet_numbering() -> None:
    result = run(csv_bytes(HEADER, "a1,Acme,s1,V,P,2026-12-31,,", "", ",,,,,,,", "a1,Acme,s2,V,P,bad,,"))
    assert where(result.errors) == [("t.csv", 5, "renewal_date")]


def test_old_mac_line_endings() -> None:
    result = run(csv_bytes(HEADER, "a1,Acme,s1,V,P,2026-12-31,,", "a1,Acme,s2,V,P,2026-12-31,,", sep="\r"))
    assert result.ok, result.errors
    assert [s.source_row for s in result.subscriptions] == [2, 3]


def test_short_rows_are_padded_and_values_without_header_rejected() -> None:
    result = run(csv_bytes(HEADER + ",", "a1,Acme,s1,V,P,2026-12-31", "a1,Acme,s2,V,P,2026-12-31,,,stray"))
    error = only_error(result)
    assert (error.row, error.value) == (3, "stray")
    assert "column I" in error.reason
    assert [s.external_id for s in result.subscriptions] == ["s1"]


def test_mixed_encodings_are_refused() -> None:
    data = csv_bytes(HEADER, "a1,Société,s1,V,P,2026-12-31,,") + "a2,Café,s2,V,P,2026-12-31,,\r\n".encode(
        "cp1252"
    )
    result = run(data)
    assert [(e.row, "mixes encodings" in e.reason) for e in result.errors] == [(None, True)]


def test_byte_undefined_in_windows_1252() -> None:
    error = only_error(
        run(csv_bytes(HEADER, "a1,Acme,s1,V,P,2026-12-31,,") + b"a2,\x81,s2,V,P,2026-12-31,,\r\n")
    )
    assert error.row is None and "0x81" in error.reason


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_chunk_boundaries_do_not_matter(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(decoding, "CHUNK_SIZE", chunk)
    utf8 = b"\xef\xbb\xbf" + csv_bytes(HEADER, 'a1,"Zoë €\r\nÜ",s1,V,P,2026-12-31,"1 234,56 €",EUR')
    result = run(utf8)
    assert result.ok, result.errors
    assert (result.accounts[0].name, result.subscriptions[0].arr) == ("Zoë €\r\nÜ", Decimal("1234.56"))
    # Windows-1252 only discovered after many ASCII bytes: switching is still lossless.
    late = csv_bytes(
        HEADER,
        *(f"a1,Acme,s{i},V,P,2026-12-31,," for i in range(20)),
        "a2,Café,s99,V,P,2026-12-31,,",
        encoding="cp1252",
    )
    result = run(late)
    assert result.ok, result.errors
    assert result.accounts[1].name == "Café"


def test_streaming_reader_yields_rows_and_issues_from_a_binary_stream() -> None:
    data = csv_bytes(
        HEADER, "a1,Acme,s1,V,P,2026-12-31,10,EUR", "a1,Acme,s2,V,P,2026-02-30,,", "a2,,s3,V,P,2026-12-31,,"
    )
    items = list(iter_template_rows(ImportFile("big.csv", io.BytesIO(data)), ImportOptions("template")))
    rows = [i for i in items if isinstance(i, ParsedRow)]
    issues = [i for i in items if not isinstance(i, ParsedRow)]
    assert [(r.row, r.record.external_id) for r in rows] == [(2, "s1"), (4, "s3")]  # type: ignore[union-attr]
    assert rows[0].account is not None and rows[0].account.external_id == "a1"
    # The account without a name is only known to be nameless at the end of the file.
    assert [(i.row, i.column) for i in issues] == [(3, "renewal_date"), (4, "account_name")]
