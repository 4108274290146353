"""Keep OpenBLAS to one thread in this process.

statsmodels fits are many tiny matrix operations; with OpenBLAS's default thread pool on a busy
2-core machine they ran ~15x slower in CPU time and ~10x in wall time (measured here: a 60-month
forecast plus backtest took 1.6 s of CPU with one thread, 27 s with the default). Setting
OPENBLAS_NUM_THREADS only works before numpy is imported, which is too late inside a Streamlit
app, so this calls OpenBLAS's own setter on the libraries already loaded (what threadpoolctl does).
"""

from __future__ import annotations

import ctypes
import os

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_applied: dict[int, int] = {}  # threads -> libraries set; loaded libraries do not change afterwards


def _loaded_openblas() -> list[str]:
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line and "/" in line}
    except OSError:  # not Linux: nothing to do
        return []
    return sorted(p for p in paths if os.path.exists(p))


def limit_blas_threads(threads: int = 1) -> int:
    """Set every loaded OpenBLAS to `threads` threads; returns how many libraries were set.

    Cheap to call again (pages call it on every rerun): the work is done once per thread count.
    """
    if threads in _applied:
        return _applied[threads]
    import numpy  # noqa: F401 - make sure numpy's and scipy's BLAS are loaded first
    import scipy.linalg  # noqa: F401

    count = 0
    for path in _loaded_openblas():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                count += 1
                break
    _applied.clear()
    _applied[threads] = count
    return count
