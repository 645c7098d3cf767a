"""QR code images (PNG) of this app's links, drawn off the event loop (media/qr_image.py).

Public links (the anonymous `GET /api/qr.png`) are cached by their text, a small LRU;
images of secret-bearing links (trade and claim tokens) are never cached.
"""

from collections import OrderedDict

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.media.qr_image import DRAWER
from app.services.deep_links import own_link_prefixes

# Every link this app encodes is far shorter (a deep link is under 100 characters).
MAX_DATA = 512
CACHE_SIZE = 256
# Touched only on the event loop thread: no lock needed.
_CACHE: OrderedDict[str, bytes] = OrderedDict()


async def render(data: str, *, cache: bool = False) -> bytes:
    """The PNG for `data`, drawn in the QR process; `cache` only for links that hold no secret."""
    if len(data) > MAX_DATA:
        # Not covered: GET /api/qr.png's query (max_length) refuses it first.
        raise AppError(ErrorCode.qr_data_too_long, max_chars=MAX_DATA)  # pragma: no cover
    if cache and (hit := _CACHE.get(data)) is not None:
        _CACHE.move_to_end(data)
        return hit
    image = await DRAWER.draw(data)
    if cache:
        _CACHE[data] = image
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return image


async def own_link_png(settings: Settings, data: str) -> bytes:
    """Encode only this app's own links (Max, Telegram or web form): no free QR generator for
    strangers' URLs."""
    if not data.startswith(own_link_prefixes(settings)):
        raise AppError(ErrorCode.foreign_link)
    return await render(data, cache=True)
