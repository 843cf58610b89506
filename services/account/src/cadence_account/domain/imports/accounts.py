"""Accounts described redundantly, once per subscription row, merged into one record.

The template repeats the account columns on every row of that account. Rows must agree; an
empty cell on a later row says nothing (people fill the first row and leave the rest), so it
neither conflicts nor erases. rep_emails is the exception: each row may name some of the reps,
and the account's list is their union.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fields import RowReader, Src
from .model import ImportedAccount, RowIssue

# Fields compared across rows, in the order messages mention them.
MERGED_FIELDS = (
    "name",
    "domain",
    "owner_email",
    "territory",
    "country",
    "currency",
    "motion",
    "csm_email",
    "default_rep_email",
)


@dataclass(slots=True)
class _State:
    raw: tuple[str, ...]
    values: dict[str, tuple[object, str, int]]
    reps: list[str]
    account: ImportedAccount


class AccountBook:
    """Every account seen in a job, merged; also answers "is this account in the job?"."""

    def __init__(self) -> None:
        self._states: dict[str, _State] = {}

    def __contains__(self, external_id: object) -> bool:
        return external_id in self._states

    def cached(self, external_id: str, raw: tuple[str, ...]) -> ImportedAccount | None:
        """The account unchanged if this row repeats exactly the cells of the last row seen."""
        state = self._states.get(external_id)
        if state is not None and state.raw == raw:
            return state.account
        return None

    def merge(
        self,
        reader: RowReader,
        external_id: str,
        raw: tuple[str, ...],
        values: dict[str, object],
        reps: tuple[str, ...],
        sources: dict[str, Src],
    ) -> ImportedAccount | None:
        """Merge one row's (already valid) account values; None when they conflict."""
        state = self._states.get(external_id)
        if state is None:
            known = {k: (v, reader.file, reader.row) for k, v in values.items() if v is not None}
            state = _State(raw, known, list(reps), _build(external_id, known, list(reps), reader))
            self._states[external_id] = state
            return state.account
        clean = True
        for name in MERGED_FIELDS:
            value = values.get(name)
            seen = state.values.get(name)
            if value is None or seen is None or seen[0] == value:
                continue
            clean = False
            src = sources[name]
            where = f"row {seen[2]}" + ("" if seen[1] == reader.file else f" of {seen[1]}")
            reader.error(
                src.label,
                reader.text(src),
                f"conflicting {src.label} for account {external_id}: "
                f"'{value}' here but '{seen[0]}' in {where}",
            )
        if not clean:
            return None
        changed = False
        for name, value in values.items():
            if value is not None and name not in state.values:
                state.values[name] = (value, reader.file, reader.row)
                changed = True
        for rep in reps:
            if rep not in state.reps:
                state.reps.append(rep)
                changed = True
        state.raw = raw
        if changed:
            first = state.account
            state.account = _build(external_id, state.values, state.reps, None, first)
        return state.account

    def accounts(self) -> list[ImportedAccount]:
        return [state.account for state in self._states.values()]

    def finish(self) -> list[RowIssue]:
        """Problems only visible once every row has been seen."""
        issues = []
        for external_id, state in self._states.items():
            if "name" not in state.values:
                account = state.account
                issues.append(
                    RowIssue(
                        account.source_file,
                        account.source_row,
                        "account_name",
                        None,
                        f"required: account_name (no row of account {external_id} gives one)",
                    )
                )
        return issues


def _build(
    external_id: str,
    values: dict[str, tuple[object, str, int]],
    listed: list[str],
    reader: RowReader | None,
    previous: ImportedAccount | None = None,
) -> ImportedAccount:
    def get(name: str) -> str | None:
        found = values.get(name)
        return None if found is None else str(found[0])

    owner = get("owner_email")
    default_rep = get("default_rep_email") or owner
    reps: list[str] = []
    for email in (owner, default_rep, *listed):
        if email and email not in reps:
            reps.append(email)
    if previous is not None:
        source_file, source_row = previous.source_file, previous.source_row
    else:
        assert reader is not None
        source_file, source_row = reader.file, reader.row
    return ImportedAccount(
        external_id=external_id,
        name=get("name") or "",
        domain=get("domain"),
        territory=get("territory"),
        country=get("country"),
        currency=get("currency"),
        motion=get("motion"),
        csm_email=get("csm_email"),
        default_rep_email=default_rep,
        rep_emails=tuple(reps),
        source_file=source_file,
        source_row=source_row,
    )
