"""User-supplied mapping for what an export lacks: field sources and owner → user e-mail.

Salesforce and HubSpot exports know nothing about vendor, product, billing frequency… so the
user tells us, per target field, either which column of the export holds it or a constant that
applies to every row. A mapping entry wins over the format's own column for that field: the user
said so explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .values import is_email

# Account-level fields read from the account-defining file (template subscriptions, Salesforce
# Account, HubSpot companies); subscription-level ones from the subscription-defining file.
ACCOUNT_FIELDS = frozenset({"name", "domain", "territory", "country", "currency", "motion", "csm_email"})
SUBSCRIPTION_FIELDS = frozenset(
    {
        "vendor",
        "product",
        "version",
        "lifecycle_product_id",
        "lifecycle_cycle",
        "quantity",
        "unit",
        "active_users",
        "billing_frequency",
        "auto_renew",
        "channel",
        "lifecycle_stage",
    }
)
MAPPABLE_FIELDS = ACCOUNT_FIELDS | SUBSCRIPTION_FIELDS


class MappingError(ValueError):
    """A mapping document is malformed; `key` is the dotted path of the offending entry."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(f"mapping {key}: {why}")
        self.key = key
        self.why = why


@dataclass(frozen=True, slots=True)
class FieldSource:
    """Exactly one of column (a header of the export, matched case-insensitively) or constant."""

    column: str | None = None
    constant: str | None = None

    def __post_init__(self) -> None:
        if (self.column is None) == (self.constant is None):
            raise ValueError("FieldSource needs exactly one of column= or constant=")
        if self.column is not None and not self.column.strip():
            raise ValueError("FieldSource column must not be blank")


@dataclass(frozen=True, slots=True)
class FieldMapping:
    fields: dict[str, FieldSource] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.fields:
            if name not in MAPPABLE_FIELDS:
                raise MappingError(f"fields.{name}", _unknown_field_reason())

    @classmethod
    def from_json(cls, obj: Any) -> FieldMapping:
        """Validate a JSON-like document; raises MappingError naming the first bad key."""
        if not isinstance(obj, dict):
            raise MappingError("(root)", "must be an object with 'fields' and/or 'owners'")
        extra = sorted(set(obj) - {"fields", "owners"})
        if extra:
            raise MappingError(str(extra[0]), "unknown key; expected 'fields' and/or 'owners'")
        fields_obj = obj.get("fields", {})
        owners_obj = obj.get("owners", {})
        if not isinstance(fields_obj, dict):
            raise MappingError("fields", "must be an object of field name → source")
        if not isinstance(owners_obj, dict):
            raise MappingError("owners", "must be an object of owner → e-mail")
        fields: dict[str, FieldSource] = {}
        for name, spec in fields_obj.items():
            key = f"fields.{name}"
            if name not in MAPPABLE_FIELDS:
                raise MappingError(key, _unknown_field_reason())
            fields[name] = _source_from_json(key, spec)
        owners: dict[str, str] = {}
        for owner, email in owners_obj.items():
            key = f"owners.{owner}"
            if not str(owner).strip():
                raise MappingError(key, "owner must not be blank")
            if not isinstance(email, str) or not is_email(email.strip()):
                raise MappingError(key, f"{email!r} is not an e-mail address")
            owners[str(owner).strip()] = email.strip().lower()
        return cls(fields=fields, owners=owners)

    def owner_email(self, owner: str) -> str | None:
        """Resolve an export's owner (Salesforce id or HubSpot name) to one of our users."""
        if owner in self.owners:
            return self.owners[owner]
        folded = " ".join(owner.split()).casefold()
        for key, email in self.owners.items():
            # Salesforce ids come as 15 (case-sensitive) or 18 characters (15 + checksum);
            # HubSpot names differ in case and spacing between exports.
            if len(owner) == 18 and key == owner[:15]:
                return email
            if len(key) == 18 and len(owner) == 15 and key[:15] == owner:
                return email
            if " ".join(key.split()).casefold() == folded:
                return email
        return None


def _source_from_json(key: str, spec: Any) -> FieldSource:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise MappingError(key, 'must be {"column": "<header>"} or {"constant": "<value>"}')
    kind, value = next(iter(spec.items()))
    if kind not in ("column", "constant"):
        raise MappingError(f"{key}.{kind}", "unknown source; use 'column' or 'constant'")
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{key}.{kind}", "must be a non-empty string")
    if kind == "column":
        return FieldSource(column=value.strip())
    return FieldSource(constant=value.strip())


def _unknown_field_reason() -> str:
    return "unknown target field; mappable fields are " + ", ".join(sorted(MAPPABLE_FIELDS))
