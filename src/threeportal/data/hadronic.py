"""The shipped hadronic ratio R(m) = Gamma(A' -> hadrons) / Gamma(A' -> mu+ mu-) of a dark photon.

``hadronic_ratio.dat`` (beside this module; provenance in its header) tabulates R from 0.280 to
10 GeV in 1 MeV steps. :func:`hadronic_ratio` interpolates it linearly, returns 0 below the first
row (the pi+ pi- threshold region, see the file's notes), and above the last row continues
it with the quark-parton continuum: the last row's value up to the open-bottom threshold (flat
u, d, s, c continuum; the narrow Upsilon peaks are not resolved), times 11/10 above it (the b
quark adds N_c Q_b^2 = 1/3 to N_c sum Q_q^2 = 10/3), up to :data:`CONTINUUM_TOP` (the Z mass,
where a kinetically mixed Z' stops being a heavy dark photon). Published dark-photon limits
reach 10.3 GeV (BaBar) and 90 GeV (LEP, invisible).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from hepunits import GeV
from numpy.typing import ArrayLike, NDArray

from ..errors import ThreeportalError

__all__ = [
    "CONTINUUM_TOP",
    "HADRONIC_RATIO_FILE",
    "OPEN_BOTTOM",
    "hadronic_ratio",
    "hadronic_ratio_cumulative",
    "hadronic_ratio_integral",
    "hadronic_ratio_inverse_cumulative",
    "hadronic_ratio_table",
]

#: Name of the shipped table (in this package directory).
HADRONIC_RATIO_FILE = "hadronic_ratio.dat"
#: Open-bottom threshold 2 m_B: above it the b-quark continuum adds to R.
OPEN_BOTTOM = 10.56 * GeV
#: Upper end of :func:`hadronic_ratio`: the Z mass (PDG, 91.1876 GeV).
CONTINUUM_TOP = 91.1876 * GeV
#: R above the open-bottom threshold relative to below it: (10/3 + 1/3) / (10/3).
_BOTTOM_STEP = 11.0 / 10.0


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
    if not (np.all(np.diff(masses) > 0) and np.all(np.isfinite(ratio)) and np.all(ratio > 0)):
        raise ThreeportalError(
            f"{HADRONIC_RATIO_FILE}: masses must increase and R must be finite and > 0; "
            "reinstall threeportal"
        )
    masses.setflags(write=False)
    ratio.setflags(write=False)
    return masses, ratio


def hadronic_ratio(mass: ArrayLike) -> NDArray[np.float64]:
    """R(m) at the masses ``mass`` (MeV): linear interpolation, 0 below the table.

    Above the last row (10 GeV) R keeps its last value, times 11/10 above the open-bottom
    threshold (module docstring).

    Raises
    ------
    ThreeportalError
        If a mass lies above :data:`CONTINUUM_TOP` (the Z mass).
    """
    masses, ratio = hadronic_ratio_table()
    mass = np.asarray(mass, float)
    _check_range(mass, CONTINUUM_TOP)
    inside = np.interp(mass, masses, ratio, left=0.0, right=ratio[-1])
    return np.where(mass > OPEN_BOTTOM, _BOTTOM_STEP * ratio[-1], inside)


def _check_range(mass: NDArray[np.float64], top: float) -> None:
    if np.any(mass > top):
        raise ThreeportalError(
            f"mass {float(np.max(mass)) / GeV:.4g} GeV: the hadronic ratio R(m) is known "
            f"only up to {top / GeV:g} GeV (allowed: masses <= {top / GeV:g} GeV)"
        )


@lru_cache(maxsize=1)
def hadronic_ratio_cumulative() -> NDArray[np.float64]:
    """C(m_i) = int_{m_0}^{m_i} R(m) dm (MeV) at the table masses m_i (exact for linear R).

    Strictly increasing (R > 0 in the table), so it can be inverted by interpolation: the
    off-shell Z' integrals use C as their integration variable, which puts the quadrature
    nodes where R is large (the rho, omega and phi peaks).
    """
    masses, ratio = hadronic_ratio_table()
    steps = 0.5 * (ratio[1:] + ratio[:-1]) * np.diff(masses)
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    cumulative.setflags(write=False)
    return cumulative


def _row_and_slope(
    index: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    masses, ratio = hadronic_ratio_table()
    row = np.clip(index, 0, len(masses) - 2)
    slope = (ratio[row + 1] - ratio[row]) / (masses[row + 1] - masses[row])
    return row, ratio[row], slope


def hadronic_ratio_integral(mass: ArrayLike) -> NDArray[np.float64]:
    """C(m) = int_{m_0}^{m} R dm' (MeV) for linear R between rows; 0 below the table.

    Raises
    ------
    ThreeportalError
        If a mass lies above the table (10 GeV).
    """
    masses = hadronic_ratio_table()[0]
    mass = np.asarray(mass, float)
    _check_range(mass, masses[-1])
    clipped = np.maximum(mass, masses[0])
    row, r_row, slope = _row_and_slope(np.searchsorted(masses, clipped, side="right") - 1)
    h = clipped - masses[row]
    return hadronic_ratio_cumulative()[row] + r_row * h + 0.5 * slope * h * h


def hadronic_ratio_inverse_cumulative(cumulative: ArrayLike) -> NDArray[np.float64]:
    """The mass m (MeV) with C(m) = ``cumulative``: exact inverse of the piecewise-quadratic C.

    Within a row C(m_i + h) = C_i + R_i h + (R_(i+1) - R_i) h^2 / (2 dm); values are clipped
    to [0, C(10 GeV)].
    """
    masses = hadronic_ratio_table()[0]
    table = hadronic_ratio_cumulative()
    c = np.clip(np.asarray(cumulative, float), 0.0, table[-1])
    row, r_row, slope = _row_and_slope(np.searchsorted(table, c, side="right") - 1)
    excess = c - table[row]
    # stable root of slope/2 h^2 + R_i h - excess = 0 (R_i > 0, discriminant >= R_i R_(i+1))
    root = np.sqrt(np.clip(r_row**2 + 2.0 * slope * excess, 0.0, None))
    return masses[row] + 2.0 * excess / (r_row + root)
