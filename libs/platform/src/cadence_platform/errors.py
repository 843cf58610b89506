"""Errors a use case raises, and how they travel over gRPC (google.rpc.Status with details).

Handlers raise these; the gRPC runner turns them into status codes with field details, and the
gateway turns the codes into the REST error shape. A use case never imports grpc.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    reason: str


class DomainError(Exception):
    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, details: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT

    @classmethod
    def field(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", [FieldError(field, reason)])


class NotFound(DomainError):
    """Missing, or outside the caller's scope: the two must look the same."""

    code = grpc.StatusCode.NOT_FOUND


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED


class Conflict(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class TooLarge(DomainError):
    code = grpc.StatusCode.OUT_OF_RANGE


class RateLimited(DomainError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


def to_rpc_status(error: DomainError) -> status_pb2.Status:
    status = status_pb2.Status(code=error.code.value[0], message=error.message)
    if error.details:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=d.field, description=d.reason)
                for d in error.details
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(bad)
        status.details.append(detail)
    return status


def field_errors_of(status: status_pb2.Status) -> list[FieldError]:
    found: list[FieldError] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found += [FieldError(v.field, v.description) for v in bad.field_violations]
    return found


GRPC_OK = code_pb2.OK
