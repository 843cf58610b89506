"""Where each target field comes from in one file, and reading it from a row with error capture.

The format modules describe their files as "target field → default header(s)"; the user's
mapping can override any of those with another column or a constant. Resolution happens once
per file so the per-row work is an index lookup and, for non-empty cells, one parser call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from .amounts import parse_count, parse_money
from .currencies import UnknownCurrency, normalize_currency
from .dates import parse_date
from .decoding import CsvTable, header_key
from .errors import BadValue
from .locales import DateStyle, NumberStyle
from .mapping import FieldMapping
from .model import RowIssue

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Settings:
    numbers: NumberStyle
    dates: DateStyle
    mapping: FieldMapping

    def date(self, text: str) -> date:
        return parse_date(text, self.dates)

    def count(self, text: str) -> int:
        return parse_count(text, self.numbers)

    def money(self, text: str) -> tuple[Decimal, frozenset[str] | None]:
        return parse_money(text, self.numbers)


@dataclass(frozen=True, slots=True)
class Src:
    """index >= 0: a column; constant: a mapped constant; neither: the field is absent."""

    field: str
    index: int
    constant: str | None
    label: str

    @property
    def present(self) -> bool:
        return self.index >= 0 or self.constant is not None


def resolve(
    table: CsvTable,
    defaults: Mapping[str, str | Iterable[str]],
    mapping: FieldMapping,
    mappable: Iterable[str],
    issues: list[RowIssue],
) -> dict[str, Src]:
    """Resolve every field of `defaults` (field → header or alternative headers) plus the
    mappable fields; a mapping naming a column this file lacks is a file-level error."""
    sources: dict[str, Src] = {}
    # A stable order keeps the order of reported problems the same from run to run.
    for name in [*defaults, *sorted(set(mappable) - set(defaults))]:
        mapped = mapping.fields.get(name) if name in mappable else None
        if mapped is not None and mapped.constant is not None:
            sources[name] = Src(name, -1, mapped.constant, name)
            continue
        if mapped is not None and mapped.column is not None:
            index = table.column(header_key(mapped.column))
            if index < 0:
                issues.append(
                    RowIssue(
                        table.name,
                        None,
                        name,
                        mapped.column,
                        f"mapping for {name} names column '{mapped.column}', which this file does not have",
                    )
                )
            sources[name] = Src(name, index, None, mapped.column if index < 0 else table.header[index])
            continue
        wanted = defaults.get(name, ())
        candidates = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        index = next((table.column(c) for c in candidates if table.column(c) >= 0), -1)
        sources[name] = Src(name, index, None, table.header[index] if index >= 0 else name)
    return sources


class RowReader:
    """One row's cells plus the issues found while reading them."""

    __slots__ = ("cells", "file", "issues", "row")

    def __init__(self, file: str, row: int, cells: list[str]) -> None:
        self.file = file
        self.row = row
        self.cells = cells
        self.issues: list[RowIssue] = []

    def text(self, src: Src) -> str | None:
        if src.index >= 0:
            return self.cells[src.index] or None
        return src.constant

    def get(self, src: Src, parse: Callable[[str], T]) -> T | None:
        text = self.cells[src.index] if src.index >= 0 else src.constant
        if not text:
            return None
        try:
            return parse(text)
        except BadValue as exc:
            self.issues.append(RowIssue(self.file, self.row, src.label, text, str(exc)))
            return None

    def error(self, column: str | None, value: str | None, reason: str) -> None:
        self.issues.append(RowIssue(self.file, self.row, column, value, reason))

    def warn(self, column: str | None, value: str | None, reason: str) -> None:
        self.issues.append(RowIssue(self.file, self.row, column, value, reason, "warning"))

    def require(self, src: Src, what: str | None = None) -> str | None:
        """A mandatory text field; missing → an error telling how to supply it."""
        text = self.text(src)
        if text is None:
            if src.present:
                self.error(src.label, None, f"required: {what or src.field}")
            else:
                self.error(
                    src.field, None, f"required: {src.field} (the export has no {src.field} column; map one)"
                )
        return text

    @property
    def failed(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


def amount_with_currency(
    reader: RowReader,
    amount: Src,
    currency: Src,
    settings: Settings,
    fallback: str | None = None,
    fallback_label: str = "account currency",
) -> tuple[Decimal | None, str | None]:
    """Parse an amount and its currency column together: a marker in the amount must agree with
    the column; with no column value an unambiguous marker supplies the currency."""
    code_text = reader.text(currency)
    code, code_label = fallback, fallback_label
    if code_text is not None:
        try:
            code, code_label = normalize_currency(code_text), f"row's {currency.label}"
        except UnknownCurrency as exc:
            reader.error(currency.label, code_text, str(exc))
            code = None
    # The amount is parsed even when the currency is bad: every problem is reported at once.
    parsed = reader.get(amount, settings.money)
    if parsed is None or (code_text is not None and code is None):
        return None, code
    value, marked = parsed
    label, text = amount.label, reader.text(amount)
    if value < 0:
        reader.error(label, text, f"must not be negative: {text}")
        return None, code
    if marked is not None:
        if code is None:
            if len(marked) != 1:
                options = ", ".join(sorted(marked))
                reader.error(
                    currency.label,
                    None,
                    f"required: {currency.field} (the amount's symbol could be {options})",
                )
                return None, None
            code = next(iter(marked))
        elif code not in marked:
            reader.error(label, text, f"amount {text} is not in {code} (the {code_label})")
            return None, code
    if code is None:
        reader.error(currency.label, None, f"required: {currency.field} (an amount is given)")
    return value, code
