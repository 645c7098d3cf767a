"""The load model of a day in the gallery, for Locust (run by bench/load_model.py, which seeds
the world and reads the results; this file runs in `.venv-load`, apart from the app).

One Locust user is one person with the mini-app open: signed in (tokens made by the driver),
holding one live socket, and every 2 to 8 s (think time: a person looks at what loaded) doing one
action, picked by weight. The weights, and why:

| action | weight | why |
|---|---|---|
| gallery first page | 30 | the landing screen; every return to the app |
| next page (scroll) | 20 | people scroll the gallery more than anything else |
| open a photo | 15 | a tile tapped |
| photo's provenance | 3 | the story behind an object, opened less often |
| a person's collection | 5 | from a name in a tile or a trade |
| search (new text) | 5 | a typed search, each one new (the cache rarely helps) |
| favourite / unfavourite | 8 | the cheapest way to react |
| upload | 1 | the scarce act that makes the gallery |
| direct gift | 0.5 | rare, personal |
| trade (propose, the other accepts) | 0.5 | rare, two people |

The socket is anonymous-public (it gets every public event) and resumes from the step's first
event id, so the driver can count delivery exactly; each event's latency (receipt minus the event's
`ts`, same machine clock) and the ids each socket got are written to
`LOAD_OUT/received-<pid>.json` when the test stops (kept out of Locust's request statistics,
which are the API's).
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import gevent
import websocket
from locust import HttpUser, between, events, task

WORLD = json.loads(Path(os.environ["LOAD_WORLD"]).read_text())
OUT = Path(os.environ["LOAD_OUT"])
AFTER = int(os.environ["LOAD_AFTER"])
IMAGES = sorted(Path(WORLD["images"]).iterdir())
RECEIVED: dict[int, dict[str, list[float]]] = {}
_next_user = iter(range(10**9))
_next_image = iter(range(10**9))


class Person(HttpUser):
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.index = next(_next_user) % len(WORLD["users"])
        me = WORLD["users"][self.index]
        self.me = me["id"]
        self.auth = {"Authorization": f"Bearer {me['token']}"}
        self.cursor: str | None = None
        self.live: dict[str, list[float]] = {"ids": [], "latency_ms": []}
        RECEIVED[id(self)] = self.live
        self.reader = gevent.spawn(self._follow)

    def on_stop(self) -> None:
        self.reader.kill(block=False)

    def _follow(self) -> None:
        url = self.host.replace("http://", "ws://") + "/api/ws"
        ws = websocket.create_connection(url, timeout=30)
        ws.send(json.dumps({"type": "resume", "after": AFTER}))
        live = False  # replayed events (before `resumed`) count for delivery, not latency
        while True:
            frame = json.loads(ws.recv())
            if frame.get("type") == "ping":
                ws.send('{"type":"pong"}')
            live = live or frame.get("type") == "resumed"
            if "id" not in frame:
                continue
            self.live["ids"].append(frame["id"])
            if live:
                sent = datetime.fromisoformat(frame["ts"].replace("Z", "+00:00")).timestamp()
                self.live["latency_ms"].append(1000 * (time.time() - sent))

    def _photo(self) -> int:
        return random.choice(WORLD["photos"])

    @task(30)
    def gallery(self) -> None:
        page = self.client.get("/api/photos?limit=30", headers=self.auth, name="gallery first page")
        if page.ok:
            self.cursor = page.json().get("next_cursor")

    @task(20)
    def scroll(self) -> None:
        if not self.cursor:
            return self.gallery()
        page = self.client.get(
            f"/api/photos?limit=30&cursor={self.cursor}", headers=self.auth, name="next page"
        )
        self.cursor = page.json().get("next_cursor") if page.ok else None

    @task(15)
    def open_photo(self) -> None:
        self.client.get(f"/api/photos/{self._photo()}", headers=self.auth, name="open a photo")

    @task(3)
    def provenance(self) -> None:
        self.client.get(
            f"/api/photos/{self._photo()}/history", headers=self.auth, name="provenance"
        )

    @task(5)
    def collection(self) -> None:
        other = random.choice(WORLD["users"])["id"]
        self.client.get(f"/api/users/{other}/photos?limit=30", headers=self.auth, name="collection")

    @task(5)
    def search(self) -> None:
        text = f"{random.choice(WORLD['words'])} {random.randint(1, 10**6)}"
        self.client.get("/api/photos", params={"limit": 30, "q": text}, headers=self.auth,
                        name="search")  # fmt: skip

    @task(8)
    def favourite(self) -> None:
        photo = self._photo()
        method = random.choice((self.client.put, self.client.delete))
        method(f"/api/photos/{photo}/favorite", headers=self.auth, name="favourite")

    @task(1)
    def upload(self) -> None:
        image = IMAGES[next(_next_image) % len(IMAGES)]
        files = {"file": (image.name, image.read_bytes(), "image/jpeg")}
        self.client.post("/api/photos/upload", files=files, data={"title": "load"},
                         headers=self.auth, name="upload")  # fmt: skip

    def _mine(self) -> list[int]:
        page = self.client.get(f"/api/users/{self.me}/photos?limit=30", headers=self.auth,
                               name="own collection")  # fmt: skip
        return [p["id"] for p in page.json()["items"]] if page.ok else []

    def _other(self) -> dict[str, Any]:
        others = [u for u in WORLD["users"] if u["id"] != self.me]
        return random.choice(others)

    @task(1)  # half gift, half trade: 0.5 each
    def exchange(self) -> None:
        mine = self._mine()
        if not mine:
            return
        other = self._other()
        if random.random() < 0.5:
            body = {"photo_id": random.choice(mine), "to_user_id": other["id"]}
            self.client.post("/api/transfers", json=body, headers=self.auth, name="gift")
            return
        theirs = self.client.get(f"/api/users/{other['id']}/photos?limit=30", headers=self.auth,
                                 name="collection")  # fmt: skip
        items = [p["id"] for p in theirs.json()["items"]] if theirs.ok else []
        if not items:
            return
        body = {"offered_photo_ids": [random.choice(mine)], "requested_photo_ids": [items[0]],
                "recipient_id": other["id"]}  # fmt: skip
        made = self.client.post("/api/trades", json=body, headers=self.auth, name="trade propose")
        if made.ok:
            self.client.post(f"/api/trades/{made.json()['id']}/accept",
                             headers={"Authorization": f"Bearer {other['token']}"},
                             name="trade accept")  # fmt: skip


@events.test_stop.add_listener
def _write_received(**_: object) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"received-{os.getpid()}.json"
    path.write_text(json.dumps(list(RECEIVED.values())))
