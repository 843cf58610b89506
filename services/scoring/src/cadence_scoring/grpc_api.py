"""ScoringService: proto ⇄ domain translation and who may call; the formula lives in domain/priority.py."""

from __future__ import annotations

from typing import Any

from cadence.scoring.v1 import scoring_pb2 as pb
from cadence.scoring.v1 import scoring_pb2_grpc as pb_grpc
from cadence_platform.access import allow
from cadence_platform.errors import InvalidInput
from cadence_platform.grpc_server import current_caller

from cadence_scoring.domain.priority import score
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.messages import batch_from_pb, result_pb

MAX_BATCH = 5_000  # the engine's bulk sweep sends at most this many per call


class ScoringServicer(pb_grpc.ScoringServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @allow("system", "admin", "csm", "rep")
    async def ScorePriorities(self, request: pb.ScorePrioritiesRequest, context: Any) -> pb.ScorePrioritiesResponse:
        if len(request.items) > MAX_BATCH:
            raise InvalidInput.field("items", f"at most {MAX_BATCH} per call, got {len(request.items)}")
        # An item without `today` is scored with the caller's org date (see handlers.deps.org_today).
        inputs = batch_from_pb(request.items, default_today=self.deps.today(current_caller().org_id))
        return pb.ScorePrioritiesResponse(items=[result_pb(score(i)) for i in inputs])
