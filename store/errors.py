"""The store's errors: messages a user can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the store a user can act on; the message says what and how to fix it."""


class VersionConflict(StoreError):
    """Someone saved the scenario after the version this save started from; nothing was written.

    `latest` is the version now in the store, `saved_by` / `saved_at` who saved it and when.
    """

    def __init__(self, message: str, *, latest: int, saved_by: str, saved_at: str):
        super().__init__(message)
        self.latest = latest
        self.saved_by = saved_by
        self.saved_at = saved_at


class AccessDenied(StoreError):
    """The user may see the scenario but not do this (a viewer saving, an editor deleting)."""
