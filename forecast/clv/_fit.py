"""Maximum likelihood on log-parameters, shared by every CLV model."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy import optimize

from forecast.clv.errors import ClvInputError


def maximise_loglik(
    loglik: Callable[[np.ndarray], float],
    start: np.ndarray,
    model: str,
    bound: float = 12.0,
) -> tuple[np.ndarray, float]:
    """Maximise loglik(params) over params = exp(theta), theta in [-bound, bound]; returns (params, loglik).

    L-BFGS-B from `start`; when that fails or runs to a bound, a second start (all parameters 1) is tried.
    """

    def negative(theta: np.ndarray) -> float:
        value = loglik(np.exp(theta))
        return -value if np.isfinite(value) else 1e300

    best = None
    for initial in (np.log(start), np.zeros_like(start)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = optimize.minimize(
                negative,
                initial,
                method="L-BFGS-B",
                bounds=[(-bound, bound)] * len(start),
                options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8},
            )
        if np.isfinite(result.fun) and result.fun < 1e299 and (best is None or result.fun < best.fun):
            best = result
        if best is not None and best.success and np.all(np.abs(best.x) < bound - 1e-3):
            break  # converged inside the bounds: the second start is only a fallback
    if best is None:
        raise ClvInputError(f"{model}: the likelihood could not be evaluated at any starting point")
    at_bound = np.abs(best.x) >= bound - 1e-3
    if np.any(at_bound):
        raise ClvInputError(
            f"{model}: the fit did not converge to finite parameters (a parameter ran to "
            f"{'0' if best.x[at_bound][0] < 0 else 'infinity'}); the data do not identify this model"
        )
    return np.exp(best.x), -float(best.fun)
