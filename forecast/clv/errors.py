"""The one error type the CLV package raises for bad input or a model that cannot be fitted."""

from __future__ import annotations


class ClvInputError(ValueError):
    """Input a user can fix: the message names the field or row and what is allowed."""
