"""Demo data for the local run command: three people and a dozen art objects.

Images are drawn in code (no binary assets) and minted through the real upload pipeline, so
the demo exercises renditions, placeholders and history like any upload. Idempotent: a second
run finds every image already minted (409) and changes nothing.
"""

import asyncio
import colorsys
import io
import math

import asyncpg
from PIL import Image, ImageDraw

from app.core import security
from app.core.config import Settings
from app.core.db import present
from app.core.errors import AppError, ErrorCode
from app.media.storage import create_storage
from app.repositories import users
from app.services import uploads

# A desktop account so the local run can be explored in a browser (development data only:
# production never runs seed-demo).
DEMO_LOGIN = ("demo", "demo-password")
DEMO_USERS = [
    ("max", 900001, "Alice Demo"),
    ("max", 900002, "Борис Демо"),
    ("telegram", 900003, "Chen Demo"),
]
DEMO_TITLES = [
    ("Закат над Волгой", "Тёплый вечер, оранжевое небо"),
    ("Morning fog", "Hills in the mist before sunrise"),
    ("Северное сияние", "Зелёные волны над тундрой"),
    ("Ocean waves", "Blue rhythm of the tide"),
    ("Осенний лес", "Жёлтые и красные листья"),
    ("Desert dunes", "Sand ripples at noon"),
    ("Городские огни", "Ночной проспект"),
    ("Lavender field", "Purple rows to the horizon"),
    ("Зимняя тишина", "Снег на ветках"),
    ("Coral reef", "Colours under water"),
    ("Гроза", "Молния над полем"),
    ("Cherry blossom", "Spring in pink"),
]


def draw_demo_image(index: int, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A colourful generated picture: gradient sky, sun and layered hills."""
    width, height = size
    hue = index / len(DEMO_TITLES)
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        r, g, b = colorsys.hsv_to_rgb((hue + y / height * 0.15) % 1, 0.55, 1 - y / height * 0.5)
        draw.line([(0, y), (width, y)], fill=(int(r * 255), int(g * 255), int(b * 255)))
    sun_x, sun_y = width * (0.2 + 0.6 * ((index * 37) % 10) / 10), height * 0.3
    draw.ellipse([sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70], fill=(255, 240, 200))
    for layer in range(3):
        r, g, b = colorsys.hsv_to_rgb((hue + 0.5 + layer * 0.05) % 1, 0.5, 0.45 - layer * 0.12)
        points: list[tuple[float, float]] = [(0, height)]
        for x in range(0, width + 40, 40):
            wave = math.sin(x / (140 + 60 * layer) + index + layer) * 60
            points.append((x, height * (0.55 + 0.13 * layer) + wave))
        points.append((width, height))
        draw.polygon(points, fill=(int(r * 255), int(g * 255), int(b * 255)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


async def seed(pool: asyncpg.Pool, settings: Settings) -> int:
    password_hash = await asyncio.to_thread(
        security.hash_password, DEMO_LOGIN[1], settings.bcrypt_rounds
    )
    async with pool.acquire() as conn, conn.transaction():
        owners = [
            (await users.upsert_messenger_user(conn, messenger, external_id, name, None))["id"]
            for messenger, external_id, name in DEMO_USERS
        ]
        desktop = await users.insert_password_user(conn, DEMO_LOGIN[0], password_hash)
        if desktop is None:  # seeded before: the account exists
            desktop = present(await users.get_by_username(conn, "demo"))
        owners.append(desktop["id"])
    storage = create_storage(settings)
    created = 0
    for index, (title, description) in enumerate(DEMO_TITLES):
        owner = owners[index % len(owners)]
        try:
            await uploads.upload(
                pool, settings, storage, owner, draw_demo_image(index), title, description
            )
            created += 1
        except AppError as exc:
            if exc.code is not ErrorCode.duplicate_image:
                # Not covered: the demo images are valid; any other refusal is a bug to surface.
                raise  # anything but "already minted by an earlier run"  # pragma: no cover
    return created
