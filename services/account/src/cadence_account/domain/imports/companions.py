"""Template companion rows: contacts and tech-profile entries of an account."""

from __future__ import annotations

from .fields import RowReader, Src
from .model import ImportedContact, ImportedTechEntry
from .values import parse_email, parse_role, parse_tech_status


def read_contact(reader: RowReader, s: dict[str, Src]) -> ImportedContact | None:
    account_id = reader.require(s["account_external_id"])
    name = reader.text(s["name"])
    if name is None:
        parts = [p for p in (reader.text(s["first_name"]), reader.text(s["last_name"])) if p]
        name = " ".join(parts) or None
    if name is None:
        shown = next(
            (src.label for src in (s["name"], s["first_name"], s["last_name"]) if src.present), "name"
        )
        reader.error(shown, None, "required: name (or first_name and last_name)")
    email = reader.get(s["email"], parse_email)
    role = reader.get(s["role"], parse_role)
    if account_id is None or name is None:
        return None
    return ImportedContact(
        account_id,
        name,
        reader.text(s["title"]),
        email,
        reader.text(s["phone"]),
        role,
        reader.file,
        reader.row,
    )


def read_tech_entry(reader: RowReader, s: dict[str, Src]) -> ImportedTechEntry | None:
    account_id = reader.require(s["account_external_id"])
    vendor = reader.require(s["vendor"])
    product = reader.require(s["product"])
    # A tech-profile row without a status lists what the customer runs today.
    status = reader.get(s["status"], parse_tech_status) or "in_use"
    if account_id is None or vendor is None or product is None:
        return None
    return ImportedTechEntry(
        account_id,
        vendor,
        product,
        reader.text(s["version"]),
        reader.text(s["lifecycle_product_id"]),
        reader.text(s["lifecycle_cycle"]),
        status,
        reader.file,
        reader.row,
    )
