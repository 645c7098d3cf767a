"""services/notifications.derive on its own: an event of an unexpected shape is logged and
skipped (one bad payload must not stop every later notification), never raised."""

import logging

import pytest

from app.services.notifications import derive


def test_an_event_of_an_unexpected_shape_makes_no_notification_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="app.services.notifications"):
        assert derive("trade.created", {"id": 1}, [1, 2]) == []
    assert "event trade.created of an unexpected shape" in caplog.text
