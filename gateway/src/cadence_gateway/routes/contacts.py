"""Contacts on an account. Any role may read and edit them; the account service limits them to the
caller's accounts (outside the scope → 404)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import PageRequest

from cadence_gateway.account_views import contact_view
from cadence_gateway.deps import ServicesDep
from cadence_gateway.permissions import AnyUser
from cadence_gateway.views import RequestModel, page

router = APIRouter(tags=["contacts"])
ContactRole = Literal["decision_maker", "champion", "it", "finance", "procurement", "user", "other"]


class ContactFields(RequestModel):
    title: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=50)
    role: ContactRole | None = Field(None, description="the contact's role in the deal")


class ContactIn(ContactFields):
    name: str = Field(min_length=1, max_length=200)


class ContactPatch(ContactFields):
    name: str | None = Field(None, min_length=1, max_length=200)


@router.get("/accounts/{account_id}/contacts")
async def list_contacts(account_id: str, caller: AnyUser, services: ServicesDep,
                        limit: int = Query(50, ge=1, le=500), cursor: str = "") -> dict[str, Any]:
    found = await services.accounts.ListContacts(
        pb.ListContactsRequest(account_id=account_id, page=PageRequest(limit=limit, cursor=cursor)),
        metadata=services.md(caller))
    return page([contact_view(c) for c in found.items], found.page.next_cursor)


@router.post("/accounts/{account_id}/contacts", status_code=201)
async def create_contact(account_id: str, body: ContactIn, caller: AnyUser,
                         services: ServicesDep) -> dict[str, Any]:
    created = await services.accounts.CreateContact(
        pb.ContactInput(account_id=account_id, **body.model_dump(exclude_none=True)),
        metadata=services.md(caller))
    return contact_view(created)


@router.patch("/contacts/{contact_id}")
async def update_contact(contact_id: str, body: ContactPatch, caller: AnyUser,
                         services: ServicesDep) -> dict[str, Any]:
    request = pb.UpdateContactRequest(id=contact_id)
    for name, value in body.model_dump(exclude_unset=True).items():
        # null means "unchanged" (send "" to clear a text field): proto optionals cannot carry a clear.
        if value is not None:
            setattr(request, name, value)
    return contact_view(await services.accounts.UpdateContact(request, metadata=services.md(caller)))


@router.delete("/contacts/{contact_id}")
async def delete_contact(contact_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    deleted = await services.accounts.DeleteContact(pb.DeleteContactRequest(id=contact_id),
                                                    metadata=services.md(caller))
    return contact_view(deleted)
