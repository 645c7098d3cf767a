"""Record → response model: ONE generic helper, `from_record`, used by every service.

Columns named like the model's fields are taken as they are; joined users come from the
convention `<id column>`, `<prefix>_name`, `<prefix>_avatar`; stored keys become URLs under `/`.
Anything else a model needs (a secret shown once, links) is passed by name.
"""

import functools
from typing import Any, TypeVar

import asyncpg
from pydantic import BaseModel

from app.schemas.links import ClientHost, DeepLinks
from app.schemas.transfers import Transfer
from app.schemas.users import UserSummary
from app.services.deep_links import pick

M = TypeVar("M", bound=BaseModel)
# field → (id column, column prefix) of a joined user.
Users = dict[str, tuple[str, str]]
# field → column holding a storage key served under /.
Urls = dict[str, str]


def user_summary(row: asyncpg.Record, id_key: str, prefix: str) -> UserSummary | None:
    """UserSummary from `<id_key>`, `<prefix>_name`, `<prefix>_avatar`; None when the id is."""
    # Not covered: no reader maps a user that may be missing (stories check first).
    if row[id_key] is None:  # pragma: no cover
        return None
    return UserSummary(
        id=row[id_key], display_name=row[f"{prefix}_name"], avatar_url=row[f"{prefix}_avatar"]
    )


def from_record(
    model: type[M],
    row: asyncpg.Record,
    *,
    users: Users | None = None,
    urls: Urls | None = None,
    **values: Any,
) -> M:
    users, urls = users or {}, urls or {}
    data: dict[str, Any] = {
        f: row[f] for f in _plain_fields(model, (*users, *urls, *values)) if f in row
    }
    for field, (id_key, prefix) in users.items():
        data[field] = user_summary(row, id_key, prefix)
    for field, key in urls.items():
        data[field] = f"/{row[key]}"
    data.update(values)
    return model(**data)


def plain_record(
    model: type[BaseModel],
    row: asyncpg.Record,
    *,
    users: Users | None = None,
    urls: Urls | None = None,
) -> dict[str, Any]:
    """What `from_record` would build, as a plain dict in the model's field order and without
    building (and validating) the model: for hot listings that serialise rows straight to JSON.
    tests/test_listing_json.py checks the bytes against the models' own serialisation."""
    users, urls = users or {}, urls or {}
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in users:
            id_key, prefix = users[name]
            data[name] = (
                None
                if row[id_key] is None
                else {
                    "id": row[id_key],
                    "display_name": row[f"{prefix}_name"],
                    "avatar_url": row[f"{prefix}_avatar"],
                }
            )
        elif name in urls:
            data[name] = f"/{row[urls[name]]}"
        elif name in row:
            data[name] = row[name]
        # Not covered: every query today selects every field of its model.
        elif not field.is_required():  # pragma: no cover
            data[name] = field.get_default(call_default_factory=True)
    return data


@functools.cache
def _plain_fields(model: type[BaseModel], derived: tuple[str, ...]) -> tuple[str, ...]:
    """The model's fields taken from a same-named column (computed once per call site shape:
    the gallery listing maps 30 rows a page)."""
    return tuple(f for f in model.model_fields if f not in derived)


def to_transfer(
    row: asyncpg.Record,
    token: str | None = None,
    links: DeepLinks | None = None,
    host: ClientHost | None = None,
) -> Transfer:
    """A transfer row of repositories/transfers (its `data`: transfer_view_json, the one shape,
    which decides whether its object is shown) with what only the giver is given once."""
    return Transfer.model_validate(
        {
            **row["data"],
            "claim_token": token,
            "deep_link": pick(links, host) if links else None,
            "deep_links": links,
        }
    )
