"""The `cadence` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

import grpc
from google.rpc import status_pb2

from cadence_platform.errors import FieldError, field_errors_of
from cadence_platform.grpc_server import STATUS_DETAILS_KEY

from cadence_cli.config import CliSettings


def _org_create(args: argparse.Namespace) -> int:
    from cadence_cli.orgs import create_org

    org = asyncio.run(create_org(
        CliSettings(), name=args.name, slug=args.slug, admin_email=args.admin_email,
        admin_password=args.admin_password, admin_name=args.admin_name, reporting_currency=args.currency,
        time_zone=args.time_zone,
    ))
    print(f"created org {org.name} ({org.slug}) id={org.id}; its admin is {args.admin_email}")
    return 0


def _demo_seed(args: argparse.Namespace) -> int:
    from cadence_cli.orgs import seed_demo_org

    org, logins = asyncio.run(seed_demo_org(CliSettings()))
    print(f"demo org {org.name} ({org.slug}) id={org.id}")
    for login in logins:
        print(f"  {login.email}  {login.role}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cadence_cli.imports import describe, run_import
    from cadence_cli.orgs import org_id_for

    settings = CliSettings()
    mapping = Path(args.mapping).read_text() if args.mapping else ""
    job = asyncio.run(run_import(settings, asyncio.run(org_id_for(settings, args.org)), [Path(p) for p in args.files],
                                 format=args.format, locale=args.locale, date_format=args.date_format, mapping=mapping))
    print(describe(job))
    return 0 if job.state == "succeeded" else 1


def _demo_load(args: argparse.Namespace) -> int:
    from datetime import date

    from cadence_cli.imports import describe, load_demo_portfolio
    from cadence_cli.orgs import seed_demo_org

    settings = CliSettings()
    org, _ = asyncio.run(seed_demo_org(settings))
    job = asyncio.run(load_demo_portfolio(settings, org.id, args.accounts, date.today()))
    print(describe(job) if job else "the demo org already has accounts; nothing loaded")
    return 0 if job is None or job.state == "succeeded" else 1


def _demo_generate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cadence_cli.imports import generate_portfolio, import_portfolio
    from cadence_cli.orgs import org_id_for, seed_demo_org

    settings = CliSettings()
    if args.org and args.org != settings.demo_org_slug:
        org_id = asyncio.run(org_id_for(settings, args.org))
    else:
        org_id = asyncio.run(seed_demo_org(settings))[0].id
    out = Path(args.out) if args.out else Path(settings.state_dir) / f"demo-{args.accounts}"
    files = generate_portfolio(settings, args.accounts, out, args.seed)
    done = asyncio.run(import_portfolio(settings, org_id, files))
    print(done.summary())
    return 0 if done.job.state == "succeeded" else 1


def _dev_up(args: argparse.Namespace) -> int:
    from cadence_cli.devstack import up

    return up()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="cadence", description="Operate Cadence")
    commands = root.add_subparsers(dest="command", required=True)

    org = commands.add_parser("org", help="orgs (operator tasks)").add_subparsers(dest="org_command", required=True)
    create = org.add_parser("create", help="create an org and its first admin")
    create.add_argument("--name", required=True)
    create.add_argument("--slug", required=True, help="2-63 lower-case letters, digits, hyphens")
    create.add_argument("--admin-email", required=True)
    create.add_argument("--admin-password", required=True)
    create.add_argument("--admin-name", default="Admin")
    create.add_argument("--currency", default="", help="reporting currency (ISO 4217), default USD")
    create.add_argument("--time-zone", default="", help="IANA time zone, default UTC")
    create.set_defaults(run=_org_create)

    demo = commands.add_parser("demo", help="the demo org").add_subparsers(dest="demo_command", required=True)
    demo.add_parser("seed", help="create the demo org and its users (idempotent)").set_defaults(run=_demo_seed)
    load = demo.add_parser("load", help="generate the demo portfolio and import it (skipped when loaded)")
    load.add_argument("--accounts", type=int, default=300)
    load.set_defaults(run=_demo_load)
    generate = demo.add_parser("generate", help="generate a portfolio of any size and import it (streaming)")
    generate.add_argument("--accounts", type=int, required=True, help="e.g. 100000 (about 10 subscriptions each)")
    generate.add_argument("--org", default="", help="the org's slug (default: the demo org, created when missing)")
    generate.add_argument("--out", default="", help="folder for the CSV files (default: .run/demo-N)")
    generate.add_argument("--seed", type=int, default=42, help="the generator's seed (same seed, same portfolio)")
    generate.set_defaults(run=_demo_generate)

    imp = commands.add_parser("import", help="import accounts from CSV exports (template, salesforce, hubspot)")
    imp.add_argument("files", nargs="+", help="CSV files of one job (e.g. Account.csv Contract.csv Opportunity.csv)")
    imp.add_argument("--org", required=True, help="the org's slug")
    imp.add_argument("--format", required=True, choices=["template", "salesforce", "hubspot"])
    imp.add_argument("--locale", default="", help="e.g. de, fr, en-GB: decimal commas and day-first dates")
    imp.add_argument("--date-format", default="", help="a strptime format, e.g. %%d.%%m.%%Y")
    imp.add_argument("--mapping", default="", help="a JSON file naming columns/constants for missing fields")
    imp.set_defaults(run=_import)

    dev = commands.add_parser("dev", help="the local stack").add_subparsers(dest="dev_command", required=True)
    dev.add_parser("up", help="start servers, services, gateway and the demo (make run)").set_defaults(run=_dev_up)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except grpc.aio.AioRpcError as error:
        print(f"cadence: {error.code().name.lower()}: {error.details()}", file=sys.stderr)
        if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            print(f"  the account service at {CliSettings().account_target} does not answer: start the stack "
                  "(make run) or set CADENCE_ACCOUNT_TARGET", file=sys.stderr)
        for field in field_errors(error):
            print(f"  {field.field}: {field.reason}", file=sys.stderr)
        return 1


def field_errors(error: grpc.aio.AioRpcError) -> list[FieldError]:
    for key, value in error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            return field_errors_of(status_pb2.Status.FromString(value))
    return []


if __name__ == "__main__":
    sys.exit(main())
