"""Per-customer repeat-purchase summary (x, t_x, T[, zbar]) validated once, used by every model.

Conventions (Fader, Hardie & Lee 2005): x = number of repeat purchases in the calibration period (the first
purchase is not counted), t_x = time of the last repeat purchase since the first purchase (0 when x = 0),
T = time from the first purchase to the end of the calibration period; time unit usually weeks.
zbar = mean value of the repeat purchases (0 when x = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.clv.errors import ClvInputError

REQUIRED_COLUMNS = ("x", "t_x", "T")
# Bounds checked before any fit (a 1e308 count would overflow the likelihood): purchases, periods, spend, weights.
MAX_VALUE = {"x": 1e6, "t_x": 1e6, "T": 1e6, "zbar": 1e12, "weight": 1e12}


@dataclass(frozen=True, eq=False)
class CustomerSummary:
    """Validated arrays, one entry per customer (or per distinct history when `weight` counts customers)."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    zbar: np.ndarray | None = None
    weight: np.ndarray | None = None

    def __post_init__(self) -> None:
        x = _as_float_array(self.x, "x")
        t_x = _as_float_array(self.t_x, "t_x")
        T = _as_float_array(self.T, "T")
        if not (len(x) == len(t_x) == len(T)):
            raise ClvInputError(f"x, t_x and T must have the same length (got {len(x)}, {len(t_x)}, {len(T)})")
        if len(x) == 0:
            raise ClvInputError("the customer summary is empty")
        _check(np.all(x >= 0) and np.all(x == np.round(x)), "x", "a whole number >= 0", x[(x < 0) | (x != np.round(x))])
        _check(np.all(T > 0), "T", "> 0 (customer age at the end of calibration)", T[T <= 0])
        _check(np.all(t_x >= 0), "t_x", ">= 0", t_x[t_x < 0])
        _check(
            np.all(t_x <= T + 1e-9),
            "t_x",
            "<= T (the last purchase cannot be after the calibration end)",
            t_x[t_x > T + 1e-9],
        )
        _check(
            np.all((x > 0) | (t_x == 0)),
            "t_x",
            "0 for customers with no repeat purchase (x = 0)",
            t_x[(x == 0) & (t_x != 0)],
        )
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "t_x", t_x)
        object.__setattr__(self, "T", T)
        if self.zbar is not None:
            zbar = _as_float_array(self.zbar, "zbar")
            if len(zbar) != len(x):
                raise ClvInputError(f"zbar must have one value per customer (got {len(zbar)} for {len(x)})")
            _check(np.all(zbar >= 0), "zbar", ">= 0 (mean spend per repeat purchase)", zbar[zbar < 0])
            object.__setattr__(self, "zbar", zbar)
        if self.weight is not None:
            weight = _as_float_array(self.weight, "weight")
            _check(np.all(weight > 0) and len(weight) == len(x), "weight", "> 0, one per row", weight[weight <= 0])
            object.__setattr__(self, "weight", weight)

    @property
    def n_customers(self) -> int:
        return int(self.weight.sum()) if self.weight is not None else len(self.x)

    @property
    def n_repeat_buyers(self) -> int:
        w = self.weights
        return int(w[self.x > 0].sum())

    @property
    def weights(self) -> np.ndarray:
        return self.weight if self.weight is not None else np.ones_like(self.x)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> CustomerSummary:
        """Build from a frame with columns x, t_x, T and optionally zbar (other columns are ignored)."""
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise ClvInputError(
                f"the summary needs columns x, t_x, T (and zbar for spend); missing: {', '.join(missing)}"
            )
        zbar = frame["zbar"].to_numpy() if "zbar" in frame.columns else None
        return cls(frame["x"].to_numpy(), frame["t_x"].to_numpy(), frame["T"].to_numpy(), zbar)

    @classmethod
    def from_csv(cls, path: str) -> CustomerSummary:
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise ClvInputError(f"cannot read summary file {path!r}: {exc}") from exc
        return cls.from_frame(frame)

    def compressed(self) -> CustomerSummary:
        """Identical (x, t_x, T) histories collapsed into one row with a weight; the likelihood is unchanged."""
        frame = pd.DataFrame({"x": self.x, "t_x": self.t_x, "T": self.T, "w": self.weights})
        grouped = frame.groupby(["x", "t_x", "T"], sort=False, as_index=False)["w"].sum()
        return CustomerSummary(
            grouped["x"].to_numpy(), grouped["t_x"].to_numpy(), grouped["T"].to_numpy(), weight=grouped["w"].to_numpy()
        )

    def to_frame(self) -> pd.DataFrame:
        data = {"x": self.x, "t_x": self.t_x, "T": self.T}
        if self.zbar is not None:
            data["zbar"] = self.zbar
        return pd.DataFrame(data)


def _as_float_array(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ClvInputError(f"column {name!r} must be numeric ({exc})") from exc
    if not np.all(np.isfinite(arr)):
        raise ClvInputError(f"column {name!r} has {int((~np.isfinite(arr)).sum())} missing or non-finite values")
    limit = MAX_VALUE.get(name, 1e9)
    if np.any(np.abs(arr) > limit):
        big = arr[np.abs(arr) > limit]
        raise ClvInputError(
            f"column {name!r} has {len(big)} value(s) above {limit:,.0f} (e.g. {big[0]:g}): not a plausible "
            "count, time or spend per customer; check the file"
        )
    return arr


def _check(ok: bool, name: str, allowed: str, bad: np.ndarray) -> None:
    if not ok:
        example = ", ".join(f"{v:g}" for v in np.asarray(bad)[:3])
        raise ClvInputError(f"{name!r} must be {allowed} ({len(bad)} values are not, e.g. {example})")
