"""The template's columns per file kind, keyed by target field, and header-level checks."""

from __future__ import annotations

from .decoding import CsvTable, header_key
from .fields import Src
from .mapping import FieldMapping
from .model import RowIssue

# target field → accepted headers (first = the documented one). Aliases exist because the
# template once used product_version/eol_* and people also type the target names.
SUBSCRIPTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "account_external_id": ("account_external_id",),
    "name": ("account_name",),
    "domain": ("account_domain",),
    "owner_email": ("owner_email",),
    "territory": ("territory",),
    "country": ("country",),
    "currency": ("account_currency",),
    "motion": ("motion",),
    "csm_email": ("csm_email",),
    "default_rep_email": ("default_rep_email",),
    "rep_emails": ("rep_emails",),
    "subscription_external_id": ("subscription_external_id",),
    "vendor": ("vendor",),
    "product": ("product",),
    "version": ("product_version", "version"),
    "lifecycle_product_id": ("eol_product_id", "lifecycle_product_id"),
    "lifecycle_cycle": ("eol_cycle", "lifecycle_cycle"),
    "quantity": ("quantity",),
    "unit": ("unit",),
    "active_users": ("active_users",),
    "term_start": ("term_start",),
    "renewal_date": ("renewal_date",),
    "auto_renew": ("auto_renew",),
    "billing_frequency": ("billing_frequency",),
    "arr": ("arr",),
    "arr_currency": ("arr_currency",),
    "lifecycle_stage": ("lifecycle_stage",),
    "channel": ("channel",),
}
# Part of the template, informative only: where the row came from.
IGNORED_COLUMNS = frozenset({"source_system", "source_url"})

CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "account_external_id": ("account_external_id",),
    "name": ("name",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "title": ("title",),
    "email": ("email",),
    "phone": ("phone",),
    "role": ("role",),
}

TECH_COLUMNS: dict[str, tuple[str, ...]] = {
    "account_external_id": ("account_external_id",),
    "vendor": ("vendor",),
    "product": ("product",),
    "version": ("version", "product_version"),
    "lifecycle_product_id": ("eol_product_id", "lifecycle_product_id"),
    "lifecycle_cycle": ("eol_cycle", "lifecycle_cycle"),
    "status": ("status",),
}

_COLUMNS = {"subscriptions": SUBSCRIPTION_COLUMNS, "contacts": CONTACT_COLUMNS, "tech": TECH_COLUMNS}
_REQUIRED = {
    "subscriptions": ("account_external_id", "subscription_external_id", "name", "renewal_date"),
    "contacts": ("account_external_id",),
    "tech": ("account_external_id", "vendor", "product"),
}
_MAP_OR_FAIL = {"subscriptions": ("vendor", "product")}


def check_columns(
    table: CsvTable, kind: str, sources: dict[str, Src], mapping: FieldMapping
) -> list[RowIssue]:
    """Missing mandatory columns (errors) and columns the template does not know (warnings)."""
    columns = _COLUMNS[kind]
    issues: list[RowIssue] = []
    for field in _REQUIRED[kind]:
        if not sources[field].present:
            issues.append(
                RowIssue(table.name, None, columns[field][0], None, f"missing column: {columns[field][0]}")
            )
    for field in _MAP_OR_FAIL.get(kind, ()):
        if not sources[field].present:
            issues.append(
                RowIssue(
                    table.name,
                    None,
                    field,
                    None,
                    f"required: {field} (the file has no {field} column; map one)",
                )
            )
    if kind == "contacts" and not any(sources[f].present for f in ("name", "first_name", "last_name")):
        issues.append(
            RowIssue(table.name, None, "name", None, "missing column: name (or first_name and last_name)")
        )
    known = {h for headers in columns.values() for h in headers} | IGNORED_COLUMNS
    known |= {header_key(src.column) for src in mapping.fields.values() if src.column}
    for header, key in zip(table.header, table.keys, strict=True):
        if key and key not in known:
            issues.append(
                RowIssue(
                    table.name,
                    1,
                    header,
                    None,
                    f"column '{header}' is not part of the template; ignored",
                    "warning",
                )
            )
    return issues
