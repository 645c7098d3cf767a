"""Adapters to the messengers' Bot APIs (Telegram, MAX), below services like media/storage.

Each adapter turns one `Outgoing` message into its platform's call and every platform answer into
either success or one of the errors below, which is all the notifier's retry rules look at.
"""
