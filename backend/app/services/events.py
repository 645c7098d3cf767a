"""The event log as live delivery reads it (realtime/listener.py, realtime/session.py).

Written through services/publish.py; read here. realtime/ reaches the database only through
services/, like the routers (tests/test_architecture.py), so who may see an event stays a rule
of this layer and its SQL (repositories/events.py) rather than something realtime/ reaches past.
"""

from app.repositories.events import (
    CHANNEL,
    assigned_ids,
    events_after,
    events_between,
    running_transactions,
    viewers_of_private,
)

__all__ = [
    "CHANNEL",
    "assigned_ids",
    "events_after",
    "events_between",
    "running_transactions",
    "viewers_of_private",
]
