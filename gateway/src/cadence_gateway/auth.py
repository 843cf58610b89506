"""Bearer credentials: login JWTs the gateway issues, and API tokens the account service resolves."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import grpc
import jwt

from cadence.account.v1 import identity_pb2 as pb
from cadence_platform.caller import ALL_SCOPES, USER_ROLES, Caller

from cadence_gateway.clients import Services
from cadence_gateway.errors import ApiError

ALGORITHM = "HS256"
API_TOKEN_PREFIX = "cad_"


def unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


def issue_jwt(user: pb.User, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {"sub": user.id, "org": user.org_id, "role": user.role, "email": user.email,
              "iat": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def caller_from_jwt(token: str, secret: str) -> Caller:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "org", "role"]})
    except jwt.ExpiredSignatureError:
        raise unauthenticated("the token has expired; log in again") from None
    except jwt.InvalidTokenError:
        raise unauthenticated("the token is not valid") from None
    if claims["role"] not in USER_ROLES:
        raise unauthenticated("the token is not valid")
    return Caller(user_id=claims["sub"], org_id=claims["org"], role=claims["role"], expires_at=int(claims["exp"]),
                  scopes=ALL_SCOPES, email=claims.get("email", ""))


@dataclass
class TokenCache:
    """Resolved credentials for a few seconds, so a burst of requests costs one lookup: a revoked token,
    a demotion or a deactivation takes effect within `ttl_seconds`."""

    ttl_seconds: float
    _entries: dict[str, tuple[float, Any]] | None = None

    def get(self, key: str) -> Any:
        entry = (self._entries or {}).get(key)
        return entry[1] if entry and entry[0] > time.monotonic() else None

    def put(self, key: str, value: Any) -> None:
        if self._entries is None or len(self._entries) > 10_000:
            self._entries = {}
        self._entries[key] = (time.monotonic() + self.ttl_seconds, value)


async def current_user(caller: Caller, services: Services, cache: TokenCache) -> Caller:
    """The JWT's caller with the user's role as it is now: a demoted user loses rights and a deactivated
    one is refused within the cache's few seconds, not when the JWT runs out."""
    key = f"user:{caller.user_id}"
    if (user := cache.get(key)) is None:
        try:
            user = await services.identity.GetUser(
                pb.GetUserRequest(id=caller.user_id), metadata=services.md(Caller.system(caller.org_id, 60)))
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise unauthenticated("the user no longer exists") from None
            raise
        cache.put(key, user)
    if not user.active:
        raise unauthenticated("this user is deactivated")
    return Caller(caller.user_id, caller.org_id, user.role, caller.expires_at, caller.scopes, user.email)


async def caller_from_api_token(secret: str, services: Services, cache: TokenCache) -> Caller:
    if (cached := cache.get(secret)) is not None:
        return cached
    try:
        resolved = await services.identity.ResolveApiToken(
            pb.ResolveApiTokenRequest(secret=secret), metadata=services.platform_md())
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.UNAUTHENTICATED:
            raise unauthenticated("the API token is unknown, revoked or expired") from None
        raise
    user = resolved.user
    caller = Caller(user_id=user.id, org_id=user.org_id, role=user.role,  # type: ignore[arg-type]
                    expires_at=int(time.time()) + 3600, scopes=frozenset(resolved.token.scopes), email=user.email)
    cache.put(secret, caller)
    return caller
