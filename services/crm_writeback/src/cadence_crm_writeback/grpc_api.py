"""CrmWritebackService: proto ⇄ handler translation and who may call what; no rules here.

Admins (a connector's API token acts as its admin user; the gateway checks the `crm` scope) and
system callers read and acknowledge their org's feed; other roles are refused.
"""

from __future__ import annotations

from typing import Any

from cadence.common.v1 import common_pb2
from cadence.crm.v1 import crm_pb2 as pb
from cadence.crm.v1 import crm_pb2_grpc as pb_grpc
from cadence_platform.access import allow
from cadence_platform.grpc_server import current_caller

from cadence_crm_writeback.handlers import activities
from cadence_crm_writeback.handlers.deps import Deps
from cadence_crm_writeback.messages import activity_pb


class CrmWritebackServicer(pb_grpc.CrmWritebackServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @allow("admin", "system")
    async def ListActivities(self, request: pb.ListActivitiesRequest, context: Any) -> pb.ListActivitiesResponse:
        rows, cursor = await activities.list_activities(
            self.deps, caller=current_caller(), limit=request.page.limit, cursor=request.page.cursor,
            unacknowledged_only=request.unacknowledged_only)
        return pb.ListActivitiesResponse(items=[activity_pb(r) for r in rows],
                                         page=common_pb2.PageInfo(next_cursor=cursor))

    @allow("admin", "system")
    async def AckActivities(self, request: pb.AckActivitiesRequest, context: Any) -> pb.AckActivitiesResponse:
        result = await activities.ack_activities(
            self.deps, caller=current_caller(), ids=list(request.ids), external_ids=dict(request.external_ids))
        return pb.AckActivitiesResponse(acknowledged=result.acknowledged, unknown_ids=result.unknown_ids)
