"""The one error type users see from the core: it names the field and says how to fix it."""

from __future__ import annotations


class ScenarioError(ValueError):
    """An input is invalid. `field` is the dotted path of the input, e.g. "stages[2].conversion"."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def check_range(
    field: str,
    value: float,
    low: float | None = None,
    high: float | None = None,
    *,
    label: str | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return `value` as float if it lies in the range, else raise ScenarioError naming field and range."""
    name = label or field
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(field, f"{name} must be a number (got {value!r})") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ScenarioError(field, f"{name} must be a finite number (got {value!r})")
    too_low = low is not None and (number < low if low_inclusive else number <= low)
    too_high = high is not None and (number > high if high_inclusive else number >= high)
    if too_low or too_high:
        if low is not None and high is not None:
            allowed = f"between {low:g} and {high:g}"
        elif low is not None:
            allowed = f"at least {low:g}" if low_inclusive else f"greater than {low:g}"
        else:
            allowed = f"at most {high:g}" if high_inclusive else f"less than {high:g}"
        raise ScenarioError(field, f"{name} must be {allowed} (got {value:g})")
    return number


def check_int(field: str, value: object, low: int, high: int, *, label: str | None = None) -> int:
    """Return `value` as int if it is a whole number in [low, high], else raise ScenarioError."""
    name = label or field
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
        raise ScenarioError(field, f"{name} must be a whole number (got {value!r})")
    number = int(value)
    if not low <= number <= high:
        shown = f"{number}" if abs(number) < 10**15 else f"{float(number):.3g}"  # not 300 digits of 1e308
        raise ScenarioError(field, f"{name} must be between {low} and {high} (got {shown})")
    return number
