"""AccountService: proto ⇄ handler translation and the roles that may call each RPC; no rules here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from cadence.account.v1 import accounts_pb2 as pb
from cadence.account.v1 import accounts_pb2_grpc as pb_grpc
from cadence.common.v1.common_pb2 import PageInfo
from cadence_platform.access import allow
from cadence_platform.caller import ROLES
from cadence_platform.grpc_server import current_caller

from cadence_account.handlers import accounts, contacts, imports, subscriptions, techprofile, timeline
from cadence_account.handlers.deps import Deps

USERS = ROLES  # every user role and system callers; the handlers narrow by scope


def _set_fields(message: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(message, n) for n in names if message.HasField(n)}


class AccountServicer(pb_grpc.AccountServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @allow("admin", "system")
    async def CreateAccount(self, request: pb.CreateAccountRequest, context: Any) -> pb.Account:
        a = request.account
        fields = {n: getattr(a, n) for n in ("name", "domain", "external_id", "territory", "country", "currency",
                                             "motion")}
        return await accounts.create_account(self.deps, caller=current_caller(), fields=fields, csm_id=a.csm_id,
                                             rep_ids=list(a.rep_ids), default_rep_id=a.default_rep_id)

    @allow(*USERS)
    async def GetAccount(self, request: pb.GetAccountRequest, context: Any) -> pb.Account:
        return await accounts.get_account(self.deps, caller=current_caller(), account_id=request.id)

    @allow(*USERS)
    async def UpdateAccount(self, request: pb.UpdateAccountRequest, context: Any) -> pb.Account:
        return await accounts.update_account(self.deps, caller=current_caller(), account_id=request.id,
                                             changes=_set_fields(request, accounts.EDITABLE))

    @allow(*USERS)
    async def ArchiveAccount(self, request: pb.GetAccountRequest, context: Any) -> pb.Account:
        return await accounts.archive_account(self.deps, caller=current_caller(), account_id=request.id)

    @allow(*USERS)
    async def ListAccounts(self, request: pb.ListAccountsRequest, context: Any) -> pb.ListAccountsResponse:
        items, cursor = await accounts.list_accounts(self.deps, caller=current_caller(), request=request)
        return pb.ListAccountsResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def SetMotion(self, request: pb.SetMotionRequest, context: Any) -> pb.Account:
        return await accounts.set_motion(self.deps, caller=current_caller(), account_id=request.id,
                                         motion=request.motion)

    @allow(*USERS)
    async def SetReps(self, request: pb.SetRepsRequest, context: Any) -> pb.Account:
        return await accounts.set_reps(self.deps, caller=current_caller(), account_id=request.id,
                                       rep_ids=list(request.rep_ids), default_rep_id=request.default_rep_id)

    @allow(*USERS)
    async def SetCsm(self, request: pb.SetCsmRequest, context: Any) -> pb.Account:
        return await accounts.set_csm(self.deps, caller=current_caller(), account_id=request.id, csm_id=request.csm_id)

    @allow(*USERS)
    async def Escalate(self, request: pb.EscalateRequest, context: Any) -> pb.Account:
        return await accounts.escalate(self.deps, caller=current_caller(), account_id=request.id,
                                       reason=request.reason, resolve=False)

    @allow(*USERS)
    async def ResolveEscalation(self, request: pb.EscalateRequest, context: Any) -> pb.Account:
        return await accounts.escalate(self.deps, caller=current_caller(), account_id=request.id,
                                       reason=request.reason, resolve=True)

    @allow(*USERS)
    async def ListContacts(self, request: pb.ListContactsRequest, context: Any) -> pb.ListContactsResponse:
        items, cursor = await contacts.list_contacts(self.deps, caller=current_caller(), account_id=request.account_id,
                                                     limit=request.page.limit, cursor=request.page.cursor)
        return pb.ListContactsResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def CreateContact(self, request: pb.ContactInput, context: Any) -> pb.Contact:
        fields = {n: getattr(request, n) for n in contacts.FIELDS}
        return await contacts.create_contact(self.deps, caller=current_caller(), account_id=request.account_id,
                                             fields=fields)

    @allow(*USERS)
    async def UpdateContact(self, request: pb.UpdateContactRequest, context: Any) -> pb.Contact:
        return await contacts.update_contact(self.deps, caller=current_caller(), contact_id=request.id,
                                             changes=_set_fields(request, contacts.FIELDS))

    @allow(*USERS)
    async def DeleteContact(self, request: pb.DeleteContactRequest, context: Any) -> pb.Contact:
        return await contacts.delete_contact(self.deps, caller=current_caller(), contact_id=request.id)

    @allow(*USERS)
    async def ListSubscriptions(self, request: pb.ListSubscriptionsRequest, context: Any) -> pb.ListSubscriptionsResponse:
        items, cursor = await subscriptions.list_subscriptions(self.deps, caller=current_caller(), request=request)
        return pb.ListSubscriptionsResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def CreateSubscription(self, request: pb.SubscriptionInput, context: Any) -> pb.Subscription:
        return await subscriptions.create_subscription(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def UpdateSubscription(self, request: pb.UpdateSubscriptionRequest, context: Any) -> pb.Subscription:
        return await subscriptions.update_subscription(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def GetTechProfile(self, request: pb.GetAccountRequest, context: Any) -> pb.TechProfile:
        return await techprofile.get_tech_profile(self.deps, caller=current_caller(), account_id=request.id)

    @allow(*USERS)
    async def PutTechProfile(self, request: pb.PutTechProfileRequest, context: Any) -> pb.TechProfile:
        entries = [{f: getattr(e, f) for f in techprofile.ENTRY_FIELDS} for e in request.entries]
        return await techprofile.put_tech_profile(self.deps, caller=current_caller(), account_id=request.account_id,
                                                  entries=entries)

    @allow(*USERS)
    async def ListTimeline(self, request: pb.ListTimelineRequest, context: Any) -> pb.ListTimelineResponse:
        items, cursor = await timeline.list_timeline(self.deps, caller=current_caller(), request=request)
        return pb.ListTimelineResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow("admin", "system")
    async def ReassignUser(self, request: pb.ReassignUserRequest, context: Any) -> pb.ReassignUserResponse:
        moved = await accounts.reassign_user(self.deps, caller=current_caller(), from_user=request.from_user_id,
                                             to_user=request.to_user_id)
        return pb.ReassignUserResponse(accounts_moved=moved)

    @allow("admin", "system")
    async def StartImport(self, request: pb.StartImportRequest, context: Any) -> pb.Job:
        return await imports.start_import(self.deps, caller=current_caller(), request=request)

    @allow("admin", "system")
    async def UploadImport(self, request_iterator: AsyncIterator[pb.ImportUpload], context: Any) -> pb.Job:
        return await imports.upload_import(self.deps, caller=current_caller(), parts=request_iterator)

    @allow(*USERS)
    async def GetJob(self, request: pb.GetJobRequest, context: Any) -> pb.Job:
        return await imports.get_job(self.deps, caller=current_caller(), job_id=request.id)
