"""`cadence org create` and the demo org's users: operator calls to the account service over gRPC."""

from __future__ import annotations

from dataclasses import dataclass

from cadence.account.v1 import identity_pb2 as pb
from cadence.account.v1 import identity_pb2_grpc
from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

from cadence_cli.config import DEMO_DOMAIN, CliSettings

DEMO_USERS = [("csm1", "Casey Stone", "csm"), ("csm2", "Morgan Lee", "csm"), ("rep1", "Riley Park", "rep"),
              ("rep2", "Jordan Diaz", "rep"), ("rep3", "Avery Chen", "rep"), ("rep4", "Quinn Patel", "rep")]


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    password: str


async def create_org(settings: CliSettings, *, name: str, slug: str, admin_email: str, admin_password: str,
                     admin_name: str = "Admin", reporting_currency: str = "", time_zone: str = "",
                     existing_ok: bool = False) -> pb.Org:
    secret = settings.caller_secret.get_secret_value()
    async with open_channel(settings.account_target, deadline_seconds=10) as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        return await stub.CreateOrg(
            pb.CreateOrgRequest(
                name=name, slug=slug, admin_email=admin_email, admin_name=admin_name, admin_password=admin_password,
                settings=pb.OrgSettings(reporting_currency=reporting_currency, time_zone=time_zone),
                existing_ok=existing_ok,
            ),
            metadata=caller_metadata(Caller.system(), secret), wait_for_ready=True,
        )


async def seed_demo_org(settings: CliSettings) -> tuple[pb.Org, list[Login]]:
    """The demo org, its admin and csm1, csm2, rep1 … rep4 @demo domain. Safe to run again."""
    admin_password = settings.admin_password.get_secret_value()
    demo_password = settings.demo_password.get_secret_value()
    org = await create_org(settings, name=settings.demo_org_name, slug=settings.demo_org_slug,
                           admin_email=settings.admin_email, admin_password=admin_password,
                           reporting_currency="USD", time_zone="Europe/London", existing_ok=True)
    logins = [Login(settings.admin_email, "admin", admin_password)]
    secret = settings.caller_secret.get_secret_value()
    async with open_channel(settings.account_target, deadline_seconds=30) as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        md = caller_metadata(Caller.system(org.id), secret)
        for local, name, role in DEMO_USERS:
            email = f"{local}@{DEMO_DOMAIN}"
            await stub.CreateUser(pb.CreateUserRequest(email=email, name=name, role=role, password=demo_password,
                                                       existing_ok=True), metadata=md)
            logins.append(Login(email, role, demo_password))
    return org, logins


async def org_id_for(settings: CliSettings, slug: str) -> str:
    """The id of the org with this slug (an operator's CLI names orgs by slug)."""
    secret = settings.caller_secret.get_secret_value()
    async with open_channel(settings.account_target) as channel:
        org = await identity_pb2_grpc.IdentityServiceStub(channel).FindOrg(
            pb.FindOrgRequest(slug=slug), metadata=caller_metadata(Caller.system(), secret), wait_for_ready=True)
    return str(org.id)
