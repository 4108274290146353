"""Where every calibrated value came from: rows used, the window, the method, in words for the table.

A `Source` is attached to each `CalibratedInput`; the page shows it beside the value and the CLI prints it
in the scenario JSON under "sources". Nothing here computes; it only carries and words provenance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class PlanInputError(ValueError):
    """The data cannot give a plan as asked. `field` names the input; `message` says what to do."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Source:
    """Provenance of one calibrated value."""

    rows: int  # data rows (deals, months, reps) the value was computed from
    window: str  # e.g. "deals closed 2017-04-01 to 2017-09-30"
    method: str  # e.g. "won of closed (Beta posterior)"
    data: str = "CRM export"  # which upload: "CRM export", "monthly table", "typed default", "your override"

    def describe(self) -> str:
        rows = f"{self.rows:,} rows" if self.rows != 1 else "1 row"
        return f"{self.data}: {rows}, {self.window}; {self.method}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CalibratedInput:
    """One input of the plan as calibrated: key (the override name), label, value (number), shown text."""

    key: str
    label: str
    value: float
    text: str
    source: Source
    overridable: bool = True

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "text": self.text,
            "source": self.source.to_dict(),
            "source_text": self.source.describe(),
        }


def window_text(kind: str, start, end) -> str:
    """'deals closed 2017-04-01 to 2017-09-30' from a kind and two timestamps."""
    return f"{kind} {start:%Y-%m-%d} to {end:%Y-%m-%d}"
