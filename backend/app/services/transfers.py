"""Transfers: direct gifts and one-time claim codes.

Lock order everywhere: art object row first, then the transfer row — the same order trades and
direct transfers use — so concurrent claims, gifts and trades never deadlock.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import asyncpg

from app.core import security
from app.core.config import Settings
from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.repositories import photos, transfers, users
from app.schemas.links import ClientHost
from app.schemas.photos import NOTE_MAX
from app.schemas.transfers import CancelReason, ClaimPreview, Transfer
from app.services import provenance, stories
from app.services.deep_links import all_links, pick
from app.services.publish import claim_codes_cancelled, transfer_updated
from app.services.shapes import to_transfer


async def _lock_owned(conn: Connection, art_object_id: int, user_id: int) -> None:
    # Hidden (a private owner's) and missing objects answer alike: no existence oracle.
    current = await photos.lock_visible(conn, user_id, art_object_id)
    if current is None:
        raise AppError(ErrorCode.photo_not_found)
    if current["owner_id"] != user_id:
        raise AppError(ErrorCode.not_owner)


async def _load(conn: Connection, transfer_id: int, viewer_id: int) -> Transfer:
    """A transfer this transaction just wrote or locked (so its view row exists), for the user
    who acted on it."""
    return to_transfer(present(await transfers.view(conn, transfer_id, viewer_id, for_viewer=True)))


async def create(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    art_object_id: int,
    to_user_id: int | None,
    host: ClientHost | None = None,
    note: str = "",
) -> Transfer:
    note = _clean_note(note)
    if to_user_id == user_id:
        raise AppError(ErrorCode.transfer_to_self)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_owned(conn, art_object_id, user_id)
        if to_user_id is not None:
            return await _give(conn, user_id, art_object_id, to_user_id, note)
        return await _create_claim(conn, settings, user_id, art_object_id, host, note)


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AppError(ErrorCode.note_too_long, max_chars=NOTE_MAX)
    return note


async def _give(
    conn: Connection, user_id: int, art_object_id: int, to_user_id: int, note: str
) -> Transfer:
    if await users.get_by_id(conn, to_user_id) is None:
        raise AppError(ErrorCode.recipient_not_found)
    if await users.is_blocked(conn, to_user_id, user_id):
        raise AppError(ErrorCode.gift_refused)
    transfer_id = await transfers.insert_completed(conn, art_object_id, user_id, to_user_id, note)
    await provenance.move(
        conn, art_object_id, user_id, to_user_id, "transfer", transfer_id=transfer_id
    )
    await transfer_updated(conn, transfer_id, [user_id, to_user_id])
    return await _load(conn, transfer_id, user_id)


async def return_gift(
    pool: asyncpg.Pool, settings: Settings, user_id: int, transfer_id: int
) -> Transfer:
    """Nobody has to keep a gift they did not ask for: a direct transfer (not a claimed code:
    claiming is consent) may be sent back by its recipient within GIFT_RETURN_WINDOW while they
    still own the object. The return is a transfer of its own, so provenance records it."""
    async with pool.acquire() as conn, conn.transaction():
        art_object_id = await transfers.art_object_of(conn, transfer_id)
        if art_object_id is not None:
            await photos.lock(conn, art_object_id)  # object first, then the transfer
        gift = await transfers.lock(conn, transfer_id)
        if gift is None or gift["to_user_id"] != user_id:
            raise AppError(ErrorCode.transfer_not_found)
        _check_returnable(gift, settings)
        # A gift changed hands, so its object can no longer be deleted (services/photos).
        current = present(await photos.lock(conn, gift["art_object_id"]))
        if current["owner_id"] != user_id:
            raise AppError(ErrorCode.gift_not_returnable)
        sender = gift["from_user_id"]
        back_id = await transfers.insert_completed(conn, gift["art_object_id"], user_id, sender)
        await transfers.mark_returned(conn, transfer_id)
        await provenance.move(
            conn, gift["art_object_id"], user_id, sender, "transfer", transfer_id=back_id
        )
        await transfer_updated(conn, back_id, [user_id, sender])
        return await _load(conn, back_id, user_id)


def _check_returnable(gift: asyncpg.Record, settings: Settings) -> None:
    if gift["status"] != "completed" or gift["claim_token_hash"] is not None:
        raise AppError(ErrorCode.gift_not_returnable)
    if gift["returned_at"] is not None:
        raise AppError(ErrorCode.gift_not_returnable)
    age = datetime.now(UTC) - gift["completed_at"]
    if age > timedelta(seconds=settings.gift_return_window):
        raise AppError(ErrorCode.gift_return_window_over)


async def _create_claim(
    conn: Connection,
    settings: Settings,
    user_id: int,
    art_object_id: int,
    host: ClientHost | None,
    note: str,
) -> Transfer:
    # One live code per object, and never replaced behind the back of whoever holds its link:
    # the giver reopens it (pending_code) or replaces it explicitly (replace_code).
    pending = await transfers.pending_claim_of(conn, art_object_id, user_id)
    if pending is not None:
        raise AppError(ErrorCode.claim_code_pending, transfer_id=pending["id"])
    # What is still stored as pending is past its time (not swept yet): store it as expired.
    await claim_codes_cancelled(conn, art_object_id)
    return await _insert_claim(conn, settings, user_id, art_object_id, host, note)


async def _insert_claim(
    conn: Connection,
    settings: Settings,
    user_id: int,
    art_object_id: int,
    host: ClientHost | None,
    note: str,
) -> Transfer:
    expires_at = datetime.now(UTC) + timedelta(seconds=settings.claim_ttl)
    token = _claim_token(settings, art_object_id, user_id, expires_at)
    transfer_id = await transfers.insert_claim(
        conn, art_object_id, user_id, security.digest(token), expires_at, note
    )
    await transfer_updated(conn, transfer_id, [user_id])
    row = present(await transfers.view(conn, transfer_id, user_id, for_viewer=True))
    return to_transfer(row, token, all_links(settings, "claim", token), host)


def _claim_token(settings: Settings, art_object_id: int, user_id: int, expires_at: datetime) -> str:
    """A claim code derived from the server's secret and the code's own row (object, giver,
    expiry to the microsecond): its giver can be shown it again while the database keeps only
    its hash, so a copy of the database alone yields no live code. 192 bits, base64url."""
    message = f"claim-code:{art_object_id}:{user_id}:{expires_at.isoformat()}".encode()
    mac = hmac.new(settings.jwt_secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


async def pending_code(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    art_object_id: int,
    host: ClientHost | None = None,
) -> Transfer | None:
    """The giver's live claim code for this object again (link, QR), or None when there is
    none — or when it cannot be derived again (the server's secret changed since): the screen
    then offers to replace it."""
    async with pool.acquire() as conn:
        pending = await transfers.pending_claim_of(conn, art_object_id, user_id)
        if pending is None:
            return None
        token = _claim_token(settings, art_object_id, user_id, pending["expires_at"])
        if not hmac.compare_digest(security.digest(token), bytes(pending["claim_token_hash"])):
            return None
        row = present(await transfers.view(conn, pending["id"]))
    return to_transfer(row, token, all_links(settings, "claim", token), host)


async def replace_code(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    transfer_id: int,
    host: ClientHost | None = None,
) -> Transfer:
    """The giver asks for a new code in place of a live one (same note): the old link then says
    it was replaced by a newer one (ClaimPreview.cancel_reason), which is the truth."""
    async with pool.acquire() as conn, conn.transaction():
        # Someone else's transfer is "not found", as for cancel: not theirs to learn of.
        art_object_id = await transfers.art_object_given_by(conn, transfer_id, user_id)
        if art_object_id is None:
            raise AppError(ErrorCode.transfer_not_found)
        await _lock_owned(conn, art_object_id, user_id)  # object first, then the transfer
        old = await transfers.lock(conn, transfer_id)
        if old is None or old["from_user_id"] != user_id or old["claim_token_hash"] is None:
            raise AppError(ErrorCode.transfer_not_found)
        if old["status"] != "pending" or old["expired"]:
            status = "expired" if old["expired"] else old["status"]
            raise AppError(ErrorCode.transfer_not_pending, status=status)
        await claim_codes_cancelled(conn, art_object_id)
        return await _insert_claim(conn, settings, user_id, art_object_id, host, old["note"])


async def preview(pool: asyncpg.Pool, viewer_id: int | None, token: str) -> ClaimPreview:
    """The claim screen before the tap: the photo, the giver, their note and the object's
    story (number, author, owners so far as this viewer may see them). Reads only; the code
    stays usable."""
    async with pool.acquire() as conn:
        found = await transfers.find_by_token(conn, security.digest(token))
        row = await transfers.view(conn, found["id"]) if found else None
        story = None
        if row is not None and row["status"] == "pending":
            story = await stories.story(conn, viewer_id, row["art_object_id"])
        reason = await _cancel_reason(conn, row) if row is not None else None
    if row is None:
        raise AppError(ErrorCode.claim_not_found)
    transfer = to_transfer(row)
    # Whoever holds a code sees what it gives while it is pending (the giver still owns it);
    # once used, expired or cancelled, the object may be someone else's (issue 19, N5).
    pending = transfer.status == "pending"
    parties = {transfer.from_user.id, transfer.to_user.id if transfer.to_user else None}
    return ClaimPreview(
        transfer_id=transfer.id,
        status=transfer.status,
        photo=transfer.photo if pending else None,
        giver=transfer.from_user,
        expires_at=transfer.expires_at,
        is_giver=viewer_id == transfer.from_user.id,
        claimed_by=transfer.to_user
        if transfer.status == "completed" and viewer_id in parties
        else None,
        note=transfer.note,
        story=story,
        cancel_reason=reason,
    )


async def _cancel_reason(conn: Connection, row: asyncpg.Record) -> CancelReason | None:
    """Why a cancelled code died, as far as the facts say: a newer code replaced it, the object
    changed hands (given, traded), or the giver withdrew it."""
    if row["status"] != "cancelled":
        return None
    if await transfers.replaced_by_later_code(conn, row["id"]):
        return "replaced"
    return "changed_hands" if row["owner_id"] != row["from_user_id"] else "withdrawn"


async def set_note_hidden(
    pool: asyncpg.Pool, user_id: int, transfer_id: int, hidden: bool
) -> Transfer:
    """The recipient of a gift hides its note from everyone but the giver and themselves (in
    provenance and stories), or shows it again."""
    async with pool.acquire() as conn, conn.transaction():
        if not await transfers.set_note_hidden(conn, transfer_id, user_id, hidden):
            raise AppError(ErrorCode.transfer_not_found)
        row = present(await transfers.view(conn, transfer_id))
        await transfer_updated(conn, transfer_id, [row["from_user_id"], user_id])
        return to_transfer(row)


async def claim(pool: asyncpg.Pool, user_id: int, token: str) -> Transfer:
    async with pool.acquire() as conn:
        found = await transfers.find_by_token(conn, security.digest(token))
        if found is None:
            raise AppError(ErrorCode.claim_not_found)
        expired = False
        async with conn.transaction():
            await photos.lock(conn, found["art_object_id"])
            transfer = await transfers.lock(conn, found["id"])
            # Not covered: its object deleted between lookup and lock (taking the code along),
            # a race not provoked.
            if transfer is None:  # pragma: no cover
                raise AppError(ErrorCode.claim_not_found)
            if transfer["status"] != "pending":
                raise _not_pending_claim(transfer["status"])
            if transfer["from_user_id"] == user_id:
                raise AppError(ErrorCode.own_claim)
            if transfer["expired"]:
                await transfers.set_status(conn, transfer["id"], "expired")
                await transfer_updated(conn, transfer["id"], [transfer["from_user_id"]])
                expired = True
            else:
                await transfers.complete(conn, transfer["id"], user_id)
                await provenance.move(
                    conn,
                    transfer["art_object_id"],
                    transfer["from_user_id"],
                    user_id,
                    "transfer",
                    transfer_id=transfer["id"],
                )
                await transfer_updated(conn, transfer["id"], [transfer["from_user_id"], user_id])
                return await _load(conn, transfer["id"], user_id)
    if expired:  # raised after the commit so the expiry sticks
        raise AppError(ErrorCode.claim_expired)
    # Not covered: every branch above returns or raises.
    raise AssertionError("unreachable")  # pragma: no cover


_CLAIM_CLOSED = {
    "completed": ErrorCode.claim_used,
    "cancelled": ErrorCode.claim_cancelled,
    "expired": ErrorCode.claim_expired,
}


def _not_pending_claim(status: str) -> AppError:
    return AppError(_CLAIM_CLOSED.get(status, ErrorCode.claim_used))


async def cancel(pool: asyncpg.Pool, user_id: int, transfer_id: int) -> Transfer:
    async with pool.acquire() as conn, conn.transaction():
        transfer = await transfers.lock(conn, transfer_id)
        if transfer is None or transfer["from_user_id"] != user_id:
            raise AppError(ErrorCode.transfer_not_found)
        if transfer["status"] != "pending":
            raise AppError(ErrorCode.transfer_not_pending, status=transfer["status"])
        await transfers.set_status(conn, transfer_id, "cancelled")
        await transfer_updated(conn, transfer_id, [user_id])
        return await _load(conn, transfer_id, user_id)


async def list_transfers(pool: asyncpg.Pool, user_id: int, role: str) -> list[Transfer]:
    async with pool.acquire() as conn:
        rows = await transfers.list_for(conn, user_id, role)
    return [to_transfer(row) for row in rows]


async def claim_link_for(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    transfer_id: int,
    token: str,
    host: ClientHost | None = None,
) -> str:
    """The deep link for the sender's QR, after checking the token belongs to this transfer."""
    async with pool.acquire() as conn:
        found = await transfers.find_by_token(conn, security.digest(token))
        row = await transfers.view(conn, transfer_id)
    if found is None or row is None or found["id"] != transfer_id or row["from_user_id"] != user_id:
        raise AppError(ErrorCode.transfer_not_found)
    return pick(all_links(settings, "claim", token), host)
