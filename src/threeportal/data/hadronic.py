"""The shipped hadronic ratio R(m) = Gamma(A' -> hadrons) / Gamma(A' -> mu+ mu-) of a dark photon.

``hadronic_ratio.dat`` (beside this module; provenance in its header) tabulates R from 0.280 to
10 GeV in 1 MeV steps. :func:`hadronic_ratio` interpolates it linearly, returns 0 below the first
row (the pi+ pi- threshold region, see the file's notes) and refuses masses above the last row.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from hepunits import GeV
from numpy.typing import ArrayLike, NDArray

from ..errors import ThreeportalError

__all__ = ["HADRONIC_RATIO_FILE", "hadronic_ratio", "hadronic_ratio_table"]

#: Name of the shipped table (in this package directory).
HADRONIC_RATIO_FILE = "hadronic_ratio.dat"


@lru_cache(maxsize=1)
def hadronic_ratio_table() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The table as (masses in MeV, R), read and checked once.

    Raises
    ------
    ThreeportalError
        If the shipped file is damaged (not two numeric columns, masses not increasing,
        R negative or not finite).
    """
    text = resources.files(__package__).joinpath(HADRONIC_RATIO_FILE).read_text("utf-8")
    rows = [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]
    try:
        table = np.array(rows, dtype=float)
    except ValueError:
        table = np.empty((0, 0))
    if table.ndim != 2 or table.shape[1] != 2 or len(table) < 2:
        raise ThreeportalError(
            f"{HADRONIC_RATIO_FILE}: not a table of two numeric columns m [GeV], R [1]; "
            "reinstall threeportal"
        )
    masses, ratio = table[:, 0] * GeV, table[:, 1]
    if not (np.all(np.diff(masses) > 0) and np.all(np.isfinite(ratio)) and np.all(ratio >= 0)):
        raise ThreeportalError(
            f"{HADRONIC_RATIO_FILE}: masses must increase and R must be finite and >= 0; "
            "reinstall threeportal"
        )
    masses.setflags(write=False)
    ratio.setflags(write=False)
    return masses, ratio


def hadronic_ratio(mass: ArrayLike) -> NDArray[np.float64]:
    """R(m) at the masses ``mass`` (MeV): linear interpolation, 0 below the table.

    Raises
    ------
    ThreeportalError
        If a mass lies above the table (10 GeV).
    """
    masses, ratio = hadronic_ratio_table()
    mass = np.asarray(mass, float)
    if np.any(mass > masses[-1]):
        raise ThreeportalError(
            f"mass {float(np.max(mass)) / GeV:.4g} GeV: the hadronic ratio R(m) is tabulated "
            f"only up to {masses[-1] / GeV:g} GeV (allowed: Z' and nu_h masses <= 10 GeV)"
        )
    return np.interp(mass, masses, ratio, left=0.0)
