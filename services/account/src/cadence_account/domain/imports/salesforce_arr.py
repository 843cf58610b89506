"""ARR for Salesforce contracts, found on their opportunities.

The opportunity linked by ContractId wins; otherwise the account's renewal opportunity whose
CloseDate is the contract's EndDate. Closed-lost opportunities never count: they say what was
not bought. Two candidates, or one opportunity claimed by two contracts, is ambiguous: guessing
would put the wrong value on a renewal forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .crm import flush, is_deleted, readers
from .decoding import CsvTable
from .fields import RowReader, Settings, Src, amount_with_currency, resolve
from .model import ParsedImport, RowIssue
from .values import parse_bool

_OPPORTUNITY = {
    "id": "id",
    "deleted": "isdeleted",
    "account": "accountid",
    "contract": "contractid",
    "close": "closedate",
    "amount": "amount",
    "currency": "currencyisocode",
    "stage": "stagename",
    "closed": "isclosed",
    "won": "iswon",
}


@dataclass(slots=True)
class Opportunity:
    reader: RowReader
    sources: dict[str, Src]
    account_key: str
    contract_key: str | None
    close: date | None


def read_opportunities(table: CsvTable, settings: Settings, out: ParsedImport) -> list[Opportunity]:
    issues: list[RowIssue] = []
    s = resolve(table, _OPPORTUNITY, settings.mapping, (), issues)
    for issue in issues:
        out.add_issue(issue)
    found: list[Opportunity] = []
    for reader in readers(table, out):
        if is_deleted(reader, s["deleted"]) or _lost(reader, s):
            flush(reader, out)
            continue
        account = reader.require(s["account"])
        close = reader.get(s["close"], settings.date)
        contract = reader.text(s["contract"])
        if flush(reader, out) and account is not None:
            found.append(Opportunity(reader, s, account[:15], contract[:15] if contract else None, close))
    return found


def _lost(reader: RowReader, s: dict[str, Src]) -> bool:
    closed, won = reader.get(s["closed"], parse_bool), reader.get(s["won"], parse_bool)
    if closed is not None and won is not None:
        return closed and not won
    stage = (reader.text(s["stage"]) or "").casefold()
    return "lost" in stage


def match_arr(
    reader: RowReader,
    s: dict[str, Src],
    ids: tuple[str, str, date],
    currency: str | None,
    opportunities: list[Opportunity],
    used: dict[int, str],
    settings: Settings,
    out: ParsedImport,
) -> tuple[Decimal | None, str | None]:
    sf_id, account_text, end = ids
    linked = [o for o in opportunities if o.contract_key == sf_id[:15]]
    how = "ContractId"
    if not linked:
        how = f"AccountId and CloseDate = EndDate {end.isoformat()}"
        # An opportunity linked to another contract is that contract's, whatever its date.
        linked = [
            o
            for o in opportunities
            if o.account_key == account_text[:15] and o.close == end and o.contract_key is None
        ]
    if not linked:
        reader.warn(
            None,
            None,
            f"no opportunity matches contract {sf_id} (by ContractId, or by AccountId "
            f"and CloseDate = EndDate {end.isoformat()}); ARR left empty",
        )
        return None, currency
    where = f"of {linked[0].reader.file}"
    if len(linked) > 1:
        rows = " and ".join(f"row {o.reader.row}" for o in linked)
        reader.error(
            s["id"].label,
            sf_id,
            f"ambiguous ARR: opportunities in {rows} {where} all match by "
            f"{how}; link one to the contract by ContractId",
        )
        return None, currency
    opp = linked[0]
    other = used.setdefault(id(opp), sf_id)
    if other != sf_id:
        # One renewal opportunity cannot carry the ARR of two contracts.
        reader.error(
            s["id"].label,
            sf_id,
            f"ambiguous ARR: the opportunity in row {opp.reader.row} {where} "
            f"also matches contract {other}; link it by ContractId",
        )
        return None, currency
    amount, code = amount_with_currency(
        opp.reader, opp.sources["amount"], opp.sources["currency"], settings, currency, "contract's currency"
    )
    flush(opp.reader, out)
    if amount is None:
        if opp.reader.text(opp.sources["amount"]) is None:
            reader.warn(
                None,
                None,
                f"the matching opportunity (row {opp.reader.row} {where}) has no Amount; ARR left empty",
            )
        return None, currency
    if currency is not None and code is not None and code != currency:
        label = s["currency"].label
        reader.error(
            label,
            currency,
            f"{label} {currency} differs from the matching opportunity's {code} "
            f"(row {opp.reader.row} {where})",
        )
        return None, currency
    return amount, currency or code
