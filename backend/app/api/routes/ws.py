"""WebSocket endpoint: the protocol lives in realtime/session.py."""

from fastapi import APIRouter, WebSocket

from app.realtime.session import Session

router = APIRouter()


@router.websocket("/api/ws")
async def gallery_socket(socket: WebSocket) -> None:
    state = socket.app.state
    await Session(socket, state.hub, state.listener, state.pool, state.settings).run()
