"""The default forecast: a combination of ETS, ARIMA and Theta.

Point forecast: the mean, month by month, of the three models' point forecasts (equal weights).
The median of the three was tried first; on every 3rd M3 monthly series the mean scored sMAPE 13.44 /
MASE 0.824 against the median's 13.54 / 0.833, with the same interval coverage (see docs/forecast.md).

Interval: the combined point plus the average of ETS's and ARIMA's own quantile offsets
(quantile minus that model's point forecast). Theta's intervals are left out of the spread because
they are far too wide on M3 (80% range held 87-88% of the time), while ETS alone is too narrow (76%);
averaging the offsets of ETS and ARIMA held 80% / 94% on M3 monthly. Averaging quantile offsets at
the same probability keeps paths coherent: a path is the combined point plus the average of the two
models' offsets at the same copula draw.
"""

from __future__ import annotations

import numpy as np

from forecast.models import FittedModel

POINT_MEMBERS = ("ets", "arima", "theta")
SPREAD_MEMBERS = ("ets", "arima")


def combine(fits: dict[str, FittedModel]) -> FittedModel:
    """Combine whichever of ETS, ARIMA and Theta were fitted and accepted (at least one)."""
    point_members = [fits[k] for k in POINT_MEMBERS if k in fits]
    if not point_members:
        raise ValueError("combination needs at least one of ETS, ARIMA, Theta")
    spread_members = [fits[k] for k in SPREAD_MEMBERS if k in fits] or point_members
    history = point_members[0].history

    def point(h: int) -> np.ndarray:
        return np.mean([f.point(h) for f in point_members], axis=0)

    def ppf(h: int, prob) -> np.ndarray:
        prob = np.asarray(prob, dtype=float)
        center = point(h)
        offsets = []
        for f in spread_members:
            own = f.point(h)
            q = f.ppf(h, prob)
            offsets.append(q - (own if q.ndim == 1 else own[:, None]))
        spread = np.mean(offsets, axis=0)
        return spread + (center if spread.ndim == 1 else center[:, None])

    desc = (
        "mean of "
        + ", ".join(f.description for f in point_members)
        + "; range from "
        + " and ".join(f.name.upper() if f.name != "theta" else "Theta" for f in spread_members)
    )
    members = {f.name: f for f in point_members}
    return FittedModel("combination", desc, history, point, None, ppf, members)
