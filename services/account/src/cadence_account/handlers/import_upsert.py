"""The set-based writes of an import, from the staging tables into the real ones.

Each kind is written in two steps: a temporary `imp_*` table decides, for every staged row, the id
it lands on and whether that row is new (and keeps what the events need: previous renewal dates),
then one UPDATE for the existing rows and one INSERT for the new. The semantics are those of the
row-by-row writer this replaces: upsert accounts and subscriptions by external id, contacts by
(account, e-mail or name), replace the technology profile of every account the import lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence_account.adapters.bulk import run

Advance = Callable[[int], Awaitable[None]]
CHUNK = 100_000  # subscriptions written per statement, so the job's progress moves while they land
SUBSCRIPTION_FIELDS = ("account_id", "vendor", "product", "version", "lifecycle_product_id", "lifecycle_cycle",
                       "quantity", "unit", "active_users", "arr_amount", "arr_currency", "term_start",
                       "billing_frequency", "renewal_date", "auto_renew", "channel", "lifecycle_stage")
ACCOUNT_TEXT = ("name", "domain", "territory", "country", "currency")


async def upsert_accounts(session: AsyncSession, org_id: uuid.UUID) -> dict[str, int]:
    await run(session, """
        CREATE TEMP TABLE imp_accounts ON COMMIT DROP AS
        SELECT s.*, coalesce(a.id, gen_random_uuid()) AS id, a.id IS NULL AS created
        FROM stage_accounts s LEFT JOIN {s}.accounts a ON a.org_id = :org AND a.external_id = s.external_id""",
              org=org_id)
    keep = ", ".join(f"{c} = coalesce(i.{c}, a.{c})" for c in (*ACCOUNT_TEXT, "motion", "csm_id", "default_rep_id"))
    await run(session, f"""
        UPDATE {{s}}.accounts a SET {keep}, updated_at = now(), version = a.version + 1
        FROM imp_accounts i WHERE a.id = i.id AND NOT i.created""")
    text = ", ".join(f"coalesce({c}, '')" for c in ACCOUNT_TEXT)
    await run(session, f"""
        INSERT INTO {{s}}.accounts (id, org_id, external_id, {", ".join(ACCOUNT_TEXT)}, motion, csm_id,
                                    default_rep_id)
        SELECT id, :org, external_id, {text}, coalesce(motion, 'tech_touch'), csm_id, default_rep_id
        FROM imp_accounts WHERE created ORDER BY n""", org=org_id)
    # Reps named by the file replace the account's reps; an account whose file names none keeps its own.
    await run(session, """
        DELETE FROM {s}.account_reps r USING imp_accounts i WHERE r.account_id = i.id AND i.rep_ids IS NOT NULL""")
    await run(session, """
        INSERT INTO {s}.account_reps (account_id, user_id)
        SELECT DISTINCT i.id, unnest(i.rep_ids) FROM imp_accounts i WHERE i.rep_ids IS NOT NULL""")
    return await _counts(session, "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) "
                                  "FROM imp_accounts")


async def resolve_references(session: AsyncSession, org_id: uuid.UUID) -> list[dict[str, Any]]:
    """imp_refs: every account the import writes to. Companion rows may name accounts imported
    earlier; those that name no account at all come back as issues (the job then fails)."""
    await run(session, """
        CREATE TEMP TABLE imp_refs ON COMMIT DROP AS
        SELECT external_id, id AS account_id, true AS imported, created, n FROM imp_accounts""")
    await run(session, """
        INSERT INTO imp_refs
        SELECT a.external_id, a.id, false, false, NULL FROM {s}.accounts a
        WHERE a.org_id = :org AND a.external_id IN (SELECT account_external_id FROM stage_contacts
                                                    UNION SELECT account_external_id FROM stage_tech)
          AND a.external_id NOT IN (SELECT external_id FROM imp_accounts)""", org=org_id)
    missing = (await run(session, """
        SELECT source_file, source_row, account_external_id FROM (
            SELECT 0 AS kind, n, source_file, source_row, account_external_id FROM stage_contacts
            UNION ALL SELECT 1, n, source_file, source_row, account_external_id FROM stage_tech) r
        WHERE NOT EXISTS (SELECT 1 FROM imp_refs i WHERE i.external_id = r.account_external_id)
        ORDER BY kind, n""")).mappings()
    return [{"file": r["source_file"], "row": r["source_row"], "column": "account_external_id",
             "value": r["account_external_id"], "reason": "names no account in this import or in Cadence"}
            for r in missing]


async def upsert_subscriptions(session: AsyncSession, org_id: uuid.UUID, advance: Advance) -> dict[str, int]:
    await run(session, """
        CREATE TEMP TABLE imp_subscriptions ON COMMIT DROP AS
        SELECT s.*, coalesce(o.id, gen_random_uuid()) AS id, r.account_id, o.id IS NULL AS created,
               o.renewal_date AS previous_renewal
        FROM stage_subscriptions s JOIN imp_refs r ON r.external_id = s.account_external_id
        LEFT JOIN {s}.subscriptions o ON o.org_id = :org AND o.external_id = s.external_id""", org=org_id)
    await run(session, "CREATE INDEX ON imp_subscriptions (n)")
    await run(session, "CREATE INDEX ON imp_subscriptions (account_id)")
    await run(session, "ANALYZE imp_subscriptions")
    fields = ", ".join(SUBSCRIPTION_FIELDS)
    assign = ", ".join(f"{c} = i.{c}" for c in SUBSCRIPTION_FIELDS)
    last = (await run(session, "SELECT coalesce(max(n), 0) FROM stage_subscriptions")).scalar_one()
    for low in range(0, last, CHUNK):
        window = {"low": low, "high": low + CHUNK}
        updated = await run(session, f"""
            UPDATE {{s}}.subscriptions t SET {assign}, updated_at = now(), revision = t.revision + 1
            FROM imp_subscriptions i
            WHERE t.id = i.id AND NOT i.created AND i.n > :low AND i.n <= :high""", **window)
        inserted = await run(session, f"""
            INSERT INTO {{s}}.subscriptions (id, org_id, external_id, {fields})
            SELECT id, :org, external_id, {fields} FROM imp_subscriptions
            WHERE created AND n > :low AND n <= :high ORDER BY n""", org=org_id, **window)
        await advance(updated.rowcount + inserted.rowcount)
    return await _counts(session, "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) "
                                  "FROM imp_subscriptions")


async def upsert_contacts(session: AsyncSession, org_id: uuid.UUID) -> dict[str, int]:
    """A key named twice in one import is written once with its last row's values; it counts as
    created once and updated for each further row, and its version moves once per row."""
    await run(session, """
        CREATE TEMP TABLE imp_contacts ON COMMIT DROP AS
        WITH ranked AS (
            SELECT s.*, r.account_id,
                   row_number() OVER (PARTITION BY r.account_id, s.key ORDER BY s.n DESC) AS latest,
                   count(*) OVER (PARTITION BY r.account_id, s.key) AS row_count,
                   min(s.n) OVER (PARTITION BY r.account_id, s.key) AS first_n
            FROM stage_contacts s JOIN imp_refs r ON r.external_id = s.account_external_id),
        existing AS (
            SELECT DISTINCT ON (c.account_id, c.external_key) c.account_id, c.external_key, c.id
            FROM {s}.contacts c JOIN imp_refs r ON r.account_id = c.account_id
            WHERE c.org_id = :org AND c.deleted_at IS NULL AND c.external_key IS NOT NULL)
        SELECT k.*, coalesce(e.id, gen_random_uuid()) AS id, e.id IS NULL AS created
        FROM ranked k LEFT JOIN existing e ON e.account_id = k.account_id AND e.external_key = k.key
        WHERE k.latest = 1""", org=org_id)
    await run(session, "CREATE INDEX ON imp_contacts (account_id)")
    await run(session, """
        UPDATE {s}.contacts c SET name = i.name, title = i.title, email = i.email, phone = i.phone, role = i.role,
                                  updated_at = now(), version = c.version + i.row_count
        FROM imp_contacts i WHERE c.id = i.id AND NOT i.created""")
    await run(session, """
        INSERT INTO {s}.contacts (id, org_id, account_id, external_key, name, title, email, phone, role, version)
        SELECT id, :org, account_id, key, name, title, email, phone, role, row_count
        FROM imp_contacts WHERE created ORDER BY first_n""", org=org_id)
    return await _counts(session, "SELECT count(*) FILTER (WHERE created), "
                                  "coalesce(sum(row_count), 0) - count(*) FILTER (WHERE created) FROM imp_contacts")


async def replace_tech_profiles(session: AsyncSession) -> int:
    await run(session, """
        CREATE TEMP TABLE imp_profiles ON COMMIT DROP AS
        SELECT DISTINCT r.account_id FROM stage_tech s JOIN imp_refs r ON r.external_id = s.account_external_id""")
    await run(session, "DELETE FROM {s}.tech_entries t USING imp_profiles p WHERE t.account_id = p.account_id")
    await run(session, """
        INSERT INTO {s}.tech_entries (account_id, position, vendor, product, version, lifecycle_product_id,
                                      lifecycle_cycle, status)
        SELECT r.account_id, row_number() OVER (PARTITION BY r.account_id ORDER BY s.n) - 1, s.vendor, s.product,
               s.version, s.lifecycle_product_id, s.lifecycle_cycle, s.status
        FROM stage_tech s JOIN imp_refs r ON r.external_id = s.account_external_id""")
    updated = await run(session, """
        UPDATE {s}.accounts a SET tech_profile_version = a.tech_profile_version + 1, updated_at = now()
        FROM imp_profiles p WHERE a.id = p.account_id""")
    return int(updated.rowcount)


async def touch_referenced_accounts(session: AsyncSession) -> None:
    """Accounts the import reached only through contacts or tech rows changed too: a new version, so
    that consumers holding the previous one take the account.imported event that says so."""
    await run(session, """
        UPDATE {s}.accounts a SET version = a.version + 1, updated_at = now()
        FROM imp_refs r WHERE a.id = r.account_id AND NOT r.imported""")


async def _counts(session: AsyncSession, sql: str) -> dict[str, int]:
    created, updated = tuple((await run(session, sql)).one())
    return {"created": int(created), "updated": int(updated)}
