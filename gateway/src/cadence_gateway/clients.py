"""gRPC stubs for the services, and the signed caller attached to each call."""

from __future__ import annotations

import time

import grpc

from cadence.account.v1 import accounts_pb2_grpc, identity_pb2_grpc
from cadence.crm.v1 import crm_pb2_grpc
from cadence.engine.v1 import engine_pb2_grpc
from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

from cadence_gateway.settings import GatewaySettings

CALLER_TTL_SECONDS = 60  # a signed caller only needs to outlive one request


class Services:
    def __init__(self, settings: GatewaySettings) -> None:
        self._secret = settings.caller_secret.get_secret_value()
        self.channels: dict[str, grpc.aio.Channel] = {
            name: open_channel(target) for name, target in settings.targets().items()
        }
        self.identity = identity_pb2_grpc.IdentityServiceStub(self.channels["account"])
        self.accounts = accounts_pb2_grpc.AccountServiceStub(self.channels["account"])
        self.engine = engine_pb2_grpc.PlaybookEngineServiceStub(self.channels["playbook_engine"])
        self.crm = crm_pb2_grpc.CrmWritebackServiceStub(self.channels["crm_writeback"])

    def md(self, caller: Caller) -> tuple[tuple[str, str], ...]:
        expires = min(caller.expires_at, int(time.time()) + CALLER_TTL_SECONDS)
        signed = Caller(caller.user_id, caller.org_id, caller.role, expires, caller.scopes, caller.email)
        return caller_metadata(signed, self._secret)

    def platform_md(self) -> tuple[tuple[str, str], ...]:
        """The gateway's own pre-login calls (login, API-token lookup): a system caller with no org."""
        return caller_metadata(Caller.system(ttl_seconds=CALLER_TTL_SECONDS), self._secret)

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
