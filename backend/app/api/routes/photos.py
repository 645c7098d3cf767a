"""Art objects (photos): upload, gallery listing, detail, provenance, edit, delete, favorites."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile

from app.api.deps import OptionalUserId, PoolDep, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors
from app.schemas.ids import INT64_MAX, PathId
from app.schemas.photos import (
    FavoriteState,
    Photo,
    PhotoPage,
    PhotoUpdate,
    ProfileHiddenUpdate,
    ProvenanceEntry,
    Story,
)
from app.services import listing, photos, showcase, uploads

router = APIRouter(prefix="/api/photos", tags=["photos"])


@router.post(
    "/upload",
    status_code=201,
    responses=errors(401, 409, 413, 415, 422, 429),
    dependencies=[Depends(limit("upload", per="user"))],
)
async def upload_photo(
    request: Request,
    pool: PoolDep,
    settings: SettingsDep,
    user_id: UserId,
    file: Annotated[
        UploadFile, File(description="JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF; type is sniffed")
    ],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    description: Annotated[str | None, Form(max_length=4000)] = None,
) -> Photo:
    # The spooled temp file itself (on disk past 1 MiB), never `await file.read()`: the body is
    # hashed, read and decoded in the image pool, so at most the pool's size of uploads are in
    # memory at once, however many are in flight.
    return await uploads.upload(
        pool, settings, request.app.state.storage, user_id, file.file, title, description
    )


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): nginx marks the tag weak (W/) when
    it gzips the body, and the browser sends it back that way."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


@router.get("", response_model=PhotoPage, responses=errors(401, 403, 404, 422))
async def list_photos(
    request: Request,
    pool: PoolDep,
    viewer_id: OptionalUserId,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
    owner_id: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
    creator_id: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    favorites: bool = False,
) -> Response:
    # Bytes straight from the rows (no model per row); response_model above keeps the schema.
    page = listing.Listing(cursor, limit, owner_id, creator_id, favorites, q)
    body, etag = await listing.list_photos_body(pool, viewer_id, page)
    if etag is None:  # a signed-in page is no-store (server/cache_control.py): nothing revalidates
        return Response(body, media_type="application/json")
    # Anonymous pages are cacheable for a few seconds; after that a client or cache asks again
    # with the tag and an unchanged page costs no body.
    if _not_modified(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"etag": etag})
    return Response(body, media_type="application/json", headers={"etag": etag})


@router.get("/{photo_id}", responses=errors(401, 404, 422))
async def get_photo(photo_id: PathId, pool: PoolDep, viewer_id: OptionalUserId) -> Photo:
    return await photos.get_photo(pool, viewer_id, photo_id)


@router.get("/{photo_id}/history", responses=errors(401, 404, 422))
async def get_provenance(
    photo_id: PathId, pool: PoolDep, viewer_id: OptionalUserId
) -> list[ProvenanceEntry]:
    """Every change of owner, oldest first. A party whose collection the viewer may not see is
    `null` with `from_private`/`to_private` ("a private collector"); a gift's note unless its
    recipient hid it."""
    return await photos.get_provenance(pool, viewer_id, photo_id)


@router.get("/{photo_id}/story", responses=errors(401, 404, 422))
async def get_story(photo_id: PathId, pool: PoolDep, viewer_id: OptionalUserId) -> Story:
    """Number, author, mint time and provenance in one answer (the detail screen's story)."""
    return await photos.get_story(pool, viewer_id, photo_id)


@router.put(
    "/{photo_id}/profile-hidden",
    responses=errors(401, 403, 404, 422),
    dependencies=[Depends(limit("photo_edit", per="user"))],
)
async def set_profile_hidden(
    photo_id: PathId, body: ProfileHiddenUpdate, pool: PoolDep, user_id: UserId
) -> Photo:
    """The owner hides the object from their profile and the gallery's "by owner" filter for
    everyone else (it stays in the gallery and in provenance), or shows it again."""
    return await showcase.set_profile_hidden(pool, user_id, photo_id, body.hidden)


@router.patch(
    "/{photo_id}",
    responses=errors(401, 403, 404, 422),
    dependencies=[Depends(limit("photo_edit", per="user"))],
)
async def update_photo(
    photo_id: PathId, body: PhotoUpdate, pool: PoolDep, user_id: UserId
) -> Photo:
    return await photos.update_photo(pool, user_id, photo_id, body.title, body.description)


@router.delete(
    "/{photo_id}",
    status_code=204,
    responses=errors(401, 403, 404, 409, 422),
    dependencies=[Depends(limit("photo_edit", per="user"))],
)
async def delete_photo(
    photo_id: PathId, request: Request, pool: PoolDep, user_id: UserId
) -> Response:
    await photos.delete_photo(pool, request.app.state.storage, user_id, photo_id)
    return Response(status_code=204)


@router.put(
    "/{photo_id}/favorite",
    responses=errors(401, 404, 422),
    dependencies=[Depends(limit("favorite", per="user"))],
)
async def add_favorite(photo_id: PathId, pool: PoolDep, user_id: UserId) -> FavoriteState:
    return await photos.set_favorite(pool, user_id, photo_id, True)


@router.delete(
    "/{photo_id}/favorite",
    responses=errors(401, 404, 422),
    dependencies=[Depends(limit("favorite", per="user"))],
)
async def remove_favorite(photo_id: PathId, pool: PoolDep, user_id: UserId) -> FavoriteState:
    return await photos.set_favorite(pool, user_id, photo_id, False)
