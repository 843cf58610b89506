"""PlaybookEngineService: proto ⇄ handler translation and the roles that may call each RPC."""

from __future__ import annotations

import uuid
from typing import Any

from cadence.common.v1.common_pb2 import PageInfo
from cadence.engine.v1 import engine_pb2 as pb
from cadence.engine.v1 import engine_pb2_grpc as pb_grpc
from cadence_platform.access import allow
from cadence_platform.caller import ROLES
from cadence_platform.grpc_server import current_caller

from cadence_playbook_engine.handlers import actions, playbooks, renewals
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.sweep import sweep_org

USERS = ROLES  # every user role and system callers; the handlers narrow by scope


class PlaybookEngineServicer(pb_grpc.PlaybookEngineServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @allow(*USERS)
    async def ListPlaybooks(self, request: pb.ListPlaybooksRequest, context: Any) -> pb.ListPlaybooksResponse:
        items, cursor = await playbooks.list_playbooks(self.deps, caller=current_caller(), request=request)
        return pb.ListPlaybooksResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def GetPlaybook(self, request: pb.GetRequest, context: Any) -> pb.Playbook:
        return await playbooks.get_playbook(self.deps, caller=current_caller(), playbook_id=request.id)

    @allow("admin", "system")
    async def CreatePlaybook(self, request: pb.Playbook, context: Any) -> pb.Playbook:
        return await playbooks.create_playbook(self.deps, caller=current_caller(), message=request)

    @allow("admin", "system")
    async def UpdatePlaybook(self, request: pb.Playbook, context: Any) -> pb.Playbook:
        return await playbooks.update_playbook(self.deps, caller=current_caller(), message=request)

    @allow(*USERS)
    async def ListActions(self, request: pb.ListActionsRequest, context: Any) -> pb.ListActionsResponse:
        items, cursor = await actions.list_actions(self.deps, caller=current_caller(), request=request)
        return pb.ListActionsResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def GetAction(self, request: pb.GetRequest, context: Any) -> pb.Action:
        return await actions.get_action(self.deps, caller=current_caller(), action_id=request.id)

    @allow(*USERS)
    async def CreateAction(self, request: pb.CreateActionRequest, context: Any) -> pb.Action:
        return await actions.create_action(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def UpdateAction(self, request: pb.UpdateActionRequest, context: Any) -> pb.Action:
        return await actions.update_action(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def CompleteAction(self, request: pb.CompleteActionRequest, context: Any) -> pb.Action:
        return await actions.complete_action(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def SnoozeAction(self, request: pb.SnoozeActionRequest, context: Any) -> pb.Action:
        return await actions.snooze_action(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def SkipAction(self, request: pb.SkipActionRequest, context: Any) -> pb.Action:
        return await actions.skip_action(self.deps, caller=current_caller(), request=request)

    @allow(*USERS)
    async def ListRenewals(self, request: pb.ListRenewalsRequest, context: Any) -> pb.ListRenewalsResponse:
        items, cursor = await renewals.list_renewals(self.deps, caller=current_caller(), request=request)
        return pb.ListRenewalsResponse(items=items, page=PageInfo(next_cursor=cursor))

    @allow(*USERS)
    async def GetRenewal(self, request: pb.GetRequest, context: Any) -> pb.Renewal:
        return await renewals.get_renewal(self.deps, caller=current_caller(), renewal_id=request.id)

    @allow(*USERS)
    async def CloseRenewal(self, request: pb.CloseRenewalRequest, context: Any) -> pb.Renewal:
        return await renewals.close(self.deps, caller=current_caller(), request=request)

    @allow("admin", "system")
    async def ReassignUser(self, request: pb.ReassignUserRequest, context: Any) -> pb.ReassignUserResponse:
        moved = await actions.reassign_user(self.deps, caller=current_caller(), from_user=request.from_user_id,
                                            to_user=request.to_user_id)
        return pb.ReassignUserResponse(actions_moved=moved)

    @allow("admin", "system")
    async def SweepNow(self, request: pb.SweepNowRequest, context: Any) -> pb.SweepNowResponse:
        started = await sweep_org(self.deps, uuid.UUID(current_caller().org_id))
        return pb.SweepNowResponse(runs_started=started)
