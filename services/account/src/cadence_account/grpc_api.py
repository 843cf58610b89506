"""IdentityService: proto ⇄ handler translation and who may call what; no rules here."""

from __future__ import annotations

from typing import Any

from cadence.account.v1 import identity_pb2 as pb
from cadence.account.v1 import identity_pb2_grpc as pb_grpc
from cadence.common.v1 import common_pb2
from cadence_platform.access import allow
from cadence_platform.grpc_server import current_caller

from cadence_account.domain.identity import HealthBands, OrgSettings, ScoreWeights
from cadence_account.handlers import audit, identity, tokens
from cadence_account.handlers.deps import Deps
from cadence_account.messages import audit_pb, org_pb, token_pb, user_pb


def _page(cursor: str) -> common_pb2.PageInfo:
    return common_pb2.PageInfo(next_cursor=cursor)


def settings_from_pb(s: pb.OrgSettings) -> OrgSettings:
    default = OrgSettings()
    return OrgSettings(
        reporting_currency=s.reporting_currency or default.reporting_currency,
        time_zone=s.time_zone or default.time_zone,
        fiscal_year_start_month=s.fiscal_year_start_month or default.fiscal_year_start_month,
        score_weights=ScoreWeights(s.score_weights.relationship, s.score_weights.opportunity, s.score_weights.risk)
        if s.HasField("score_weights") else default.score_weights,
        health_bands=HealthBands(s.health_bands.strong_min, s.health_bands.weak_below)
        if s.HasField("health_bands") else default.health_bands,
        fx_rates=dict(s.fx_rates),
    )


class IdentityServicer(pb_grpc.IdentityServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @allow("system", org_bound=False)
    async def CreateOrg(self, request: pb.CreateOrgRequest, context: Any) -> pb.Org:
        org, _ = await identity.create_org(
            self.deps, caller=current_caller(), name=request.name, slug=request.slug,
            admin_email=request.admin_email, admin_name=request.admin_name, admin_password=request.admin_password,
            settings=settings_from_pb(request.settings), existing_ok=request.existing_ok,
        )
        return org_pb(org)

    @allow("admin", "csm", "rep", "system")
    async def GetOrg(self, request: pb.GetOrgRequest, context: Any) -> pb.Org:
        return org_pb(await identity.get_org(self.deps, caller=current_caller()))

    @allow("system", org_bound=False)
    async def FindOrg(self, request: pb.FindOrgRequest, context: Any) -> pb.Org:
        return org_pb(await identity.find_org(self.deps, slug=request.slug))

    @allow("admin")
    async def UpdateOrgSettings(self, request: pb.UpdateOrgSettingsRequest, context: Any) -> pb.Org:
        changes: dict[str, Any] = {
            name: getattr(request, name) if request.HasField(name) else None
            for name in ("reporting_currency", "time_zone", "fiscal_year_start_month")
        }
        if request.HasField("score_weights"):
            w = request.score_weights
            changes["score_weights"] = ScoreWeights(w.relationship, w.opportunity, w.risk)
        if request.HasField("health_bands"):
            changes["health_bands"] = HealthBands(request.health_bands.strong_min, request.health_bands.weak_below)
        if request.HasField("fx_rates"):
            changes["fx_rates"] = {k.upper(): v for k, v in request.fx_rates.rates.items()}
        return org_pb(await identity.update_org_settings(self.deps, caller=current_caller(), **changes))

    @allow("system", org_bound=False)
    async def Authenticate(self, request: pb.AuthenticateRequest, context: Any) -> pb.User:
        return user_pb(await identity.authenticate(self.deps, email=request.email, password=request.password))

    @allow("system", org_bound=False)
    async def ResolveApiToken(self, request: pb.ResolveApiTokenRequest, context: Any) -> pb.ResolvedApiToken:
        token, user = await tokens.resolve_api_token(self.deps, secret=request.secret)
        return pb.ResolvedApiToken(token=token_pb(token), user=user_pb(user))

    @allow("admin", "csm", "rep", "system")
    async def GetUser(self, request: pb.GetUserRequest, context: Any) -> pb.User:
        return user_pb(await identity.get_user(self.deps, caller=current_caller(), user_id=request.id))

    @allow("admin", "system")
    async def ListUsers(self, request: pb.ListUsersRequest, context: Any) -> pb.ListUsersResponse:
        rows, cursor = await identity.list_users(
            self.deps, caller=current_caller(), limit=request.page.limit, cursor=request.page.cursor,
            role=request.role, q=request.q, active=request.active if request.HasField("active") else None,
        )
        return pb.ListUsersResponse(items=[user_pb(r) for r in rows], page=_page(cursor))

    @allow("admin", "system")
    async def CreateUser(self, request: pb.CreateUserRequest, context: Any) -> pb.User:
        return user_pb(await identity.create_user(
            self.deps, caller=current_caller(), email=request.email, name=request.name, role=request.role,
            password=request.password, existing_ok=request.existing_ok,
        ))

    @allow("admin", "system")
    async def UpdateUser(self, request: pb.UpdateUserRequest, context: Any) -> pb.User:
        def opt(name: str) -> Any:
            return getattr(request, name) if request.HasField(name) else None

        return user_pb(await identity.update_user(
            self.deps, caller=current_caller(), user_id=request.id, name=opt("name"), role=opt("role"),
            active=opt("active"), new_password=opt("new_password"),
        ))

    @allow("admin", "csm", "rep")
    async def ChangePassword(self, request: pb.ChangePasswordRequest, context: Any) -> pb.User:
        return user_pb(await identity.change_password(
            self.deps, caller=current_caller(), current_password=request.current_password,
            new_password=request.new_password,
        ))

    @allow("admin")
    async def CreateApiToken(self, request: pb.CreateApiTokenRequest, context: Any) -> pb.CreatedApiToken:
        row, secret = await tokens.create_api_token(
            self.deps, caller=current_caller(), name=request.name, scopes=list(request.scopes),
            user_id=request.user_id, expires_in_days=request.expires_in_days,
        )
        return pb.CreatedApiToken(token=token_pb(row), secret=secret)

    @allow("admin")
    async def ListApiTokens(self, request: pb.ListApiTokensRequest, context: Any) -> pb.ListApiTokensResponse:
        rows, cursor = await tokens.list_api_tokens(
            self.deps, caller=current_caller(), limit=request.page.limit, cursor=request.page.cursor)
        return pb.ListApiTokensResponse(items=[token_pb(r) for r in rows], page=_page(cursor))

    @allow("admin")
    async def RevokeApiToken(self, request: pb.RevokeApiTokenRequest, context: Any) -> pb.ApiToken:
        return token_pb(await tokens.revoke_api_token(self.deps, caller=current_caller(), token_id=request.id))

    @allow("admin")
    async def ListAudit(self, request: pb.ListAuditRequest, context: Any) -> pb.ListAuditResponse:
        rows, cursor = await audit.list_audit(
            self.deps, caller=current_caller(), limit=request.page.limit, cursor=request.page.cursor,
            action=request.action, actor_user_id=request.actor_user_id, target_type=request.target_type,
        )
        return pb.ListAuditResponse(items=[audit_pb(r) for r in rows], page=_page(cursor))
