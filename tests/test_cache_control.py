"""Cache-Control on every API route (issue 13, item 19): `no-store` on everything private,
short public caching only for anonymous gallery reads."""

import re

import httpx

from tests.images import unique_png
from tests.support import bearer, make_init_data, sign_in


async def _every_operation(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> list[httpx.Response]:
    schema = (await client.get("/api/openapi.json")).json()
    responses = []
    for route_path, operations in schema["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", route_path)
        for method in operations:
            body = None if method in ("get", "delete") else {}
            responses.append(await client.request(method, path, json=body, headers=headers))
    assert len(responses) > 30
    return responses


async def test_every_authenticated_response_is_no_store(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    files = {"file": ("p.png", unique_png(1), "image/png")}
    await client.post("/api/photos/upload", files=files, data={"title": "t"}, headers=bearer(anna))
    for response in await _every_operation(client, bearer(anna)):
        where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
        assert response.headers.get("cache-control") == "no-store", where


async def test_anonymous_private_and_token_responses_are_no_store(
    client: httpx.AsyncClient,
) -> None:
    for response in await _every_operation(client, {}):
        path = response.request.url.path
        public_read = response.request.method == "GET" and re.match(
            r"^/api/(photos|users/\d+)(/\d+(/history)?|/photos)?$", path
        )
        if public_read and response.status_code == 200:
            continue
        where = f"{response.request.method} {path} -> {response.status_code}"
        assert response.headers.get("cache-control") == "no-store", where
    # Token-bearing answers to anonymous requests.
    init_data = make_init_data(user={"id": 4321, "first_name": "Tess"})
    signed = await client.post("/api/auth/max", json={"init_data": init_data})
    assert signed.status_code == 200 and signed.headers["cache-control"] == "no-store"
    created = await client.post("/api/auth/qr")
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"


async def test_anonymous_gallery_reads_are_briefly_cacheable(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    files = {"file": ("p.png", unique_png(2), "image/png")}
    photo = (
        await client.post(
            "/api/photos/upload", files=files, data={"title": "t"}, headers=bearer(anna)
        )
    ).json()
    for path in ("/api/photos", f"/api/photos/{photo['id']}", f"/api/users/{anna['user']['id']}"):
        anonymous = await client.get(path)
        assert anonymous.status_code == 200
        assert anonymous.headers["cache-control"] == "public, max-age=5"
        assert "Authorization" in anonymous.headers["vary"]
        signed_in = await client.get(path, headers=bearer(anna))
        assert signed_in.headers["cache-control"] == "no-store"
