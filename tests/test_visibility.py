"""Who sees a collection: one rule (repositories/visibility.py), and every reader agrees with it.

Every case — public or private owner; anonymous viewer, the owner, and viewers with no request, a
pending, an accepted or a declined one — is checked against the rule's truth table through each
place that applies it: the profile's `can_view_collection`, the collection route (200 or 403),
an object's detail (200 or 404) and the gallery listing.
"""

import asyncpg
import httpx

from tests.support import bearer, mint_objects, sign_in

VIEWERS = ("anonymous", "owner", "no_request", "pending", "accepted", "declined")


def rule(owner_is_private: bool, viewer: str) -> bool:
    """The truth table, written out: a private collection is the owner's and accepted viewers'."""
    return not owner_is_private or viewer in ("owner", "accepted")


async def test_every_reader_applies_the_one_visibility_rule(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    names = ("public", "private", "no_request", "pending", "accepted", "declined")
    people = {name: await sign_in(client, 500 + i, name) for i, name in enumerate(names)}
    objects = {}
    for owner in ("public", "private"):
        [objects[owner]] = await mint_objects(
            pool, people[owner]["user"]["id"], 1, start=len(objects)
        )
    response = await client.patch(
        "/api/me", json={"is_private": True}, headers=bearer(people["private"])
    )
    assert response.status_code == 200, response.text
    for owner in ("public", "private"):
        for status in ("pending", "accepted", "declined"):
            body = {"user_id": people[owner]["user"]["id"]}
            made = await client.post(
                "/api/profile_requests", json=body, headers=bearer(people[status])
            )
            assert made.status_code == 201, made.text
            if status != "pending":
                verb = "accept" if status == "accepted" else "decline"
                answered = await client.post(
                    f"/api/profile_requests/{made.json()['id']}/{verb}",
                    headers=bearer(people[owner]),
                )
                assert answered.status_code == 200, answered.text

    seen: dict[tuple[str, str], tuple[bool, bool, bool, bool]] = {}
    expected: dict[tuple[str, str], tuple[bool, bool, bool, bool]] = {}
    for owner in ("public", "private"):
        owner_id = people[owner]["user"]["id"]
        for viewer in VIEWERS:
            tokens = people[owner] if viewer == "owner" else people.get(viewer)
            headers = bearer(tokens) if tokens else {}
            profile = await client.get(f"/api/users/{owner_id}", headers=headers)
            collection = await client.get(f"/api/users/{owner_id}/photos", headers=headers)
            detail = await client.get(f"/api/photos/{objects[owner]}", headers=headers)
            listing = await client.get("/api/photos", headers=headers)
            assert collection.status_code in (200, 403) and detail.status_code in (200, 404)
            listed = {item["id"] for item in listing.json()["items"]}
            seen[owner, viewer] = (
                profile.json()["can_view_collection"],
                collection.status_code == 200,
                detail.status_code == 200,
                objects[owner] in listed,
            )
            expected[owner, viewer] = (rule(owner == "private", viewer),) * 4
    assert seen == expected
