"""Priorities come from the scoring service's batch call (scoring owns the formula)."""

from __future__ import annotations

import grpc

from cadence.scoring.v1 import scoring_pb2 as pb
from cadence.scoring.v1 import scoring_pb2_grpc
from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

BATCH = 5000


class ScoringClient:
    def __init__(self, target: str, caller_secret: str) -> None:
        self._channel: grpc.aio.Channel = open_channel(target, deadline_seconds=30)
        self._stub = scoring_pb2_grpc.ScoringServiceStub(self._channel)
        self._secret = caller_secret

    async def score(self, org_id: str, inputs: list[pb.PriorityInput]) -> dict[str, pb.PriorityResult]:
        results: dict[str, pb.PriorityResult] = {}
        metadata = caller_metadata(Caller.system(org_id), self._secret)
        for start in range(0, len(inputs), BATCH):
            reply = await self._stub.ScorePriorities(
                pb.ScorePrioritiesRequest(items=inputs[start:start + BATCH]), metadata=metadata, wait_for_ready=True)
            results.update({r.action_id: r for r in reply.items})
        return results

    async def close(self) -> None:
        await self._channel.close()
