"""Bytes → header + rows of stripped cells, streaming, for any CSV a CRM or Excel produces.

Encoding: UTF-8 (BOM or not) unless the bytes are not UTF-8, then Windows-1252, which is what
Excel's plain "CSV" save gives on Western-European Windows. The decision is made lazily at the
first invalid byte so a 1M-row file is read once, in chunks: if everything before that byte
was ASCII, both encodings agree on it and switching is lossless; if valid UTF-8 non-ASCII text
came before, the file mixes encodings and no guess is safe. UTF-16 (Excel's "Unicode text") is
recognised by its byte-order mark.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .model import ImportFile, RowIssue

CHUNK_SIZE = 1 << 16
_DELIMITERS = (",", ";", "\t")

Row = tuple[int, list[str]]


class _DecodeFailure(Exception):
    pass


@dataclass(slots=True)
class CsvTable:
    """header: trimmed as written; keys: casefolded for matching; rows: (row number, cells)
    pairs, interleaved with RowIssue items for rows that cannot be used."""

    name: str
    header: list[str]
    keys: list[str]
    index: dict[str, int]
    delimiter: str
    rows: Iterator[Row | RowIssue]

    def column(self, key: str) -> int:
        return self.index.get(key, -1)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def header_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _stream(data: bytes | BinaryIO) -> BinaryIO:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    return data


def _chunks(stream: BinaryIO, name: str, notes: list[RowIssue]) -> Iterator[str]:
    head = b""
    while len(head) < 4:
        more = stream.read(CHUNK_SIZE)
        if not more:
            break
        head += more
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-16")()
        fallback_allowed = False
    else:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        # A file that declares UTF-8 with a BOM and then breaks it is damaged, not Windows-1252.
        fallback_allowed = not head.startswith(codecs.BOM_UTF8)
    offset = 0
    all_ascii = True
    windows_1252 = False
    chunk = head
    while True:
        final = not chunk
        if windows_1252:
            try:
                text = chunk.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise _DecodeFailure(_bad_byte(chunk, exc, offset)) from None
        else:
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                if not (fallback_allowed and all_ascii and data[: exc.start].isascii()):
                    raise _DecodeFailure(
                        _bad_byte(data, exc, offset - len(pending)) + " (earlier text was UTF-8: the file "
                        "mixes encodings; save it again as CSV UTF-8)"
                    ) from None
                windows_1252 = True
                notes.append(RowIssue(name, None, None, None, "not UTF-8: read as Windows-1252", "warning"))
                offset -= len(pending)
                chunk = data
                continue
            if all_ascii and not text.isascii():
                all_ascii = False
        offset += len(chunk)
        if text:
            yield text
        if final:
            return
        chunk = stream.read(CHUNK_SIZE)


def _bad_byte(chunk: bytes, exc: UnicodeDecodeError, offset: int) -> str:
    start = max(0, min(exc.start, len(chunk) - 1))
    return f"byte 0x{chunk[start]:02X} at offset {offset + start} is neither UTF-8 nor Windows-1252"


def _lines(chunks: Iterator[str]) -> Iterator[str]:
    carry = ""
    newline: str | None = None
    for text in chunks:
        text = carry + text
        if newline is None:
            # Old Mac Excel ends lines with a bare CR; the csv module wants them split.
            newline = "\r" if "\r" in text and "\n" not in text else "\n"
        parts = text.split(newline)
        carry = parts.pop()
        for part in parts:
            yield part + newline
    if carry:
        yield carry


def _sniff_delimiter(line: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_table(file: ImportFile) -> CsvTable | list[RowIssue]:
    """Read the header; return the table (rows still unread) or the file-level problems."""
    name = file.name
    notes: list[RowIssue] = []
    lines = _lines(_chunks(_stream(file.data), name, notes))
    skipped = 0
    first: str | None = None
    try:
        for line in lines:
            if line.strip():
                first = line
                break
            skipped += 1
    except _DecodeFailure as exc:
        return [RowIssue(name, None, None, None, str(exc))]
    if first is None:
        return [*notes, RowIssue(name, None, None, None, "file is empty")]
    delimiter = _sniff_delimiter(first)
    reader = csv.reader(_prepend(first, lines), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except (csv.Error, _DecodeFailure) as exc:
        return [*notes, RowIssue(name, skipped + 1, None, None, f"unreadable header: {exc}")]
    keys = [header_key(h) for h in header]
    index: dict[str, int] = {}
    issues = list(notes)
    for i, key in enumerate(keys):
        if not key:
            continue
        if key in index:
            first_col, this_col = column_letter(index[key]), column_letter(i)
            issues.append(
                RowIssue(
                    name,
                    skipped + 1,
                    header[i],
                    None,
                    f"column '{header[i]}' appears twice (columns {first_col} and {this_col})",
                )
            )
        else:
            index[key] = i
    if any(i.severity == "error" for i in issues):
        return issues
    unnamed = [i for i, key in enumerate(keys) if not key]
    rows = _rows(reader, name, len(header), unnamed, notes, skipped + 1)
    return CsvTable(name, header, keys, index, delimiter, rows)


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _rows(
    reader: Iterator[list[str]],
    name: str,
    width: int,
    unnamed: list[int],
    notes: list[RowIssue],
    header_row: int,
) -> Iterator[Row | RowIssue]:
    row_number = header_row
    data_rows = 0
    failed = False
    try:
        for cells in reader:
            row_number += 1
            if notes:
                yield from notes
                notes.clear()
            if not cells or (not cells[0].strip() and not "".join(cells).strip()):
                continue  # blank line: a spreadsheet shows an empty row, nothing to import
            cells = [c.strip() for c in cells]
            data_rows += 1
            if len(cells) > width:
                extra = [c for c in cells[width:] if c]
                yield RowIssue(
                    name,
                    row_number,
                    None,
                    "|".join(extra) or None,
                    f"row has {len(cells)} cells but the header has {width} columns "
                    "(an unquoted separator inside a value?)",
                )
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            stray = [i for i in unnamed if cells[i]]
            if stray:
                yield RowIssue(
                    name,
                    row_number,
                    None,
                    cells[stray[0]],
                    f"value in column {column_letter(stray[0])}, which has no header",
                )
                continue
            yield row_number, cells
    except _DecodeFailure as exc:
        failed = True
        yield RowIssue(name, None, None, None, f"{exc}; reading stopped near row {row_number + 1}")
    except csv.Error as exc:
        failed = True
        yield RowIssue(name, row_number + 1, None, None, f"unreadable CSV: {exc}")
    yield from notes
    if data_rows == 0 and not failed:
        yield RowIssue(name, None, None, None, "no data rows: the file has only a header")
