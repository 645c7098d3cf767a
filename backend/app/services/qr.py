"""QR code images (PNG) via the `qrcode` package."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from app.core.config import Settings
from app.core.errors import ErrorCode, Unprocessable
from app.services.deep_links import own_link_prefixes


def png(data: str, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def own_link_png(settings: Settings, data: str) -> bytes:
    """Encode only this app's own links (Max, Telegram or web form): no free QR generator for
    strangers' URLs."""
    if len(data) > 1024 or not data.startswith(own_link_prefixes(settings)):
        raise Unprocessable("only this app's own links can be encoded", code=ErrorCode.foreign_link)
    return png(data)
