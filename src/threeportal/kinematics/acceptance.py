"""An ACCEPTANCE ESTIMATE for K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> l+ l- at NA62 (beyond the paper).

The paper uses fixed acceptances (Table I: A = 4% for ee, 10% for mumu). This module
estimates instead, from the kinematics of :func:`~threeportal.kinematics.generate`, the
fraction of signal cascades from kaons decaying in the fiducial volume (FV) whose nu_h and Z'
both decay inside the FV and whose three charged tracks (mu+, l+, l-) cross the first and the
last straw chamber inside their active annulus. The geometry and its approximations are in the
data file ``na62_geometry.toml``; it is an estimate, not a detector simulation.

Method, per (m_nuh, m_Z') and vectorised over the events and over the decay lengths:
kaon decay points follow the kaon's exponential decay law truncated to the FV; the nu_h and
Z' decay points are drawn from their exponential laws truncated to the end of the FV, each
event weighted by the probability of decaying before it (so long lifetimes keep their
statistics); tracks are straight lines. Events depend only on the masses and are generated
once per mass pair (cached); the same seed for every mass keeps curves smooth in the mass.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from particle import Particle

from ..constants import M_K_PLUS
from ..data import DataFileError, load_experiment
from ..units import UnitError, parse_quantity
from .generator import CHANNELS, DEFAULT_KAON_MOMENTUM, KinematicsError, check_masses, generate

__all__ = ["DEFAULT_GEOMETRY", "Geometry", "acceptance", "load_geometry"]

#: The shipped geometry file (a shipped experiment-file name).
DEFAULT_GEOMETRY = "na62_geometry"
#: K+ proper decay length c tau from the PDG table (``particle`` package), mm.
_KAON_CTAU: float = float(Particle.from_pdgid(321).ctau)
_KEYS = ("fv_z_start", "fv_z_end", "straw_first_z", "straw_last_z")
_RADII = ("straw_r_inner", "straw_r_outer")


@dataclass(frozen=True)
class Geometry:
    """The simplified detector: z positions along the beam and chamber radii, all in mm."""

    fv_z_start: float
    fv_z_end: float
    straw_first_z: float
    straw_last_z: float
    straw_r_inner: float
    straw_r_outer: float
    source: str = ""


def load_geometry(name_or_path: str | os.PathLike[str] = DEFAULT_GEOMETRY) -> Geometry:
    """Read and check a geometry file (experiment-file format, see the data README).

    Raises :class:`~threeportal.data.DataFileError` (one line, file and line) when a length
    is missing, not a length, or out of order (FV start < FV end <= first chamber < last
    chamber, 0 <= inner radius < outer radius).
    """
    experiment = load_experiment(name_or_path)
    values: dict[str, float] = {}
    for key in (*_KEYS, *_RADII):
        raw = experiment.get(key)
        line = experiment.key_lines.get(f"parameters.{key}", 0)
        try:
            values[key] = parse_quantity(experiment.written[key], "mm", name=key)
        except UnitError:  # a number without unit, or not a length
            raise DataFileError(
                experiment.path, line, f"{key} = {raw!r} is not a length", 'write e.g. "105 m"'
            ) from None
    z = [values[key] for key in _KEYS]
    if not (0 <= z[0] < z[1] <= z[2] < z[3]):
        raise DataFileError(
            experiment.path,
            experiment.key_lines.get("parameters", 0),
            "lengths out of order",
            "need 0 <= fv_z_start < fv_z_end <= straw_first_z < straw_last_z",
        )
    if not 0 <= values["straw_r_inner"] < values["straw_r_outer"]:
        raise DataFileError(
            experiment.path,
            experiment.key_lines.get("parameters.straw_r_inner", 0),
            "straw radii out of order",
            "need 0 <= straw_r_inner < straw_r_outer",
        )
    return Geometry(**values, source=experiment.citation)


def _truncated_exponential(u: NDArray, limit: NDArray, length: NDArray) -> tuple[NDArray, ...]:
    """Distance drawn from exp(-s / length) on [0, limit] and P(s < limit), elementwise.

    ``length`` 0 means an immediate decay, inf no decay (weight 0).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(length > 0, limit / length, np.inf)
        cut = np.expm1(-ratio)  # -P(s < limit)
        s = np.where(length > 0, -length * np.log1p(u * cut), 0.0)
    weight = -cut
    return np.where(weight > 0, s, 0.0), weight


def _inside(z0: NDArray, x0: NDArray, y0: NDArray, p: NDArray, z: float, geo: Geometry):
    """Whether straight tracks from (x0, y0, z0) with momentum p cross plane z in the annulus."""
    step = (z - z0) / p[3]
    radius = np.hypot(x0 + step * p[1], y0 + step * p[2])
    return (p[3] > 0) & (radius >= geo.straw_r_inner) & (radius <= geo.straw_r_outer)


def _unit(p: NDArray) -> NDArray[np.float64]:
    """Unit 3-vectors (3, n) of (4, n) four-vectors."""
    return p[1:] / np.linalg.norm(p[1:], axis=0)


@lru_cache(maxsize=128)
def _mass_sample(
    m_nuh: float, m_zprime: float, channel: str, n: int, seed: int, p_kaon: float, geo: Geometry
) -> dict[str, Any]:
    """Lifetime-independent event data of one mass pair (generated once, cached).

    Keeps only the events whose mu+ is in the chambers and whose nu_h, Z', l+, l- go
    forward (the others contribute 0 whatever the lifetimes); ``n`` stays the denominator.
    """
    events = generate(m_nuh, m_zprime, channel, n, p_kaon=p_kaon, seed=seed)
    rng = np.random.default_rng([seed, 1])  # an independent stream for the decay points
    u_kaon, u_nuh, u_zprime = rng.random((3, n))
    kaon_length = np.full(n, p_kaon / M_K_PLUS * _KAON_CTAU)
    fv_length = np.full(n, geo.fv_z_end - geo.fv_z_start)
    z_kaon = geo.fv_z_start + _truncated_exponential(u_kaon, fv_length, kaon_length)[0]
    zero = np.zeros(n)
    keep = _inside(z_kaon, zero, zero, events.p_mu, geo.straw_first_z, geo)
    keep &= _inside(z_kaon, zero, zero, events.p_mu, geo.straw_last_z, geo)
    p_nuh, p_pair = events.p_nuh, events.p_pair
    for p in (p_nuh, p_pair, events.p_lplus, events.p_lminus):
        keep &= p[3] > 0
    unit_h, unit_z = _unit(p_nuh[:, keep]), _unit(p_pair[:, keep])
    slopes = [p[1:3, keep] / p[3, keep] for p in (events.p_lplus, events.p_lminus)]
    return {
        "n": n,
        "z_kaon": z_kaon[keep],
        "unit_nuh": unit_h,
        "bg_nuh": np.linalg.norm(p_nuh[1:, keep], axis=0) / m_nuh,
        "unit_zprime": unit_z,
        "bg_zprime": np.linalg.norm(p_pair[1:, keep], axis=0) / m_zprime,
        "slopes": slopes,
        "u_nuh": u_nuh[keep],
        "u_zprime": u_zprime[keep],
    }


def _acceptance_one_mass(
    sample: dict[str, Any], ctau_nuh: NDArray, ctau_z: NDArray, geo: Geometry
) -> NDArray[np.float64]:
    """Acceptance for arrays of proper decay lengths (k,) at one mass pair: shape (k,)."""
    col = (slice(None), None)  # events along axis 0, decay lengths along axis 1
    unit_h, unit_z = sample["unit_nuh"], sample["unit_zprime"]
    z_kaon = sample["z_kaon"][col]
    limit_h = (geo.fv_z_end - z_kaon) / unit_h[2][col]
    length_h = sample["bg_nuh"][col] * ctau_nuh
    s_h, w_h = _truncated_exponential(sample["u_nuh"][col], limit_h, length_h)
    z_h = z_kaon + s_h * unit_h[2][col]
    limit_z = (geo.fv_z_end - z_h) / unit_z[2][col]
    length_z = sample["bg_zprime"][col] * ctau_z
    s_z, w_z = _truncated_exponential(sample["u_zprime"][col], limit_z, length_z)
    x_z = s_h * unit_h[0][col] + s_z * unit_z[0][col]
    y_z = s_h * unit_h[1][col] + s_z * unit_z[1][col]
    z_z = z_h + s_z * unit_z[2][col]
    weight = w_h * w_z
    r2_in, r2_out = geo.straw_r_inner**2, geo.straw_r_outer**2
    for plane in (geo.straw_first_z, geo.straw_last_z):
        run = plane - z_z
        for tx, ty in sample["slopes"]:
            x, y = x_z + run * tx[col], y_z + run * ty[col]
            r2 = x * x + y * y
            weight = np.where((r2 >= r2_in) & (r2 <= r2_out), weight, 0.0)
    return weight.sum(axis=0) / sample["n"]


def acceptance(
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    channel: str,
    ctau_nuh: ArrayLike,
    ctau_zprime: ArrayLike,
    *,
    n_events: int = 4_000,
    seed: int = 1,
    p_kaon: float = DEFAULT_KAON_MOMENTUM,
    geometry: str | os.PathLike[str] | Geometry = DEFAULT_GEOMETRY,
) -> NDArray[np.float64]:
    """Estimated NA62 acceptance x decay-in-volume probability of the signal (an ESTIMATE).

    Parameters
    ----------
    m_nuh, m_zprime : array_like
        Masses, MeV. All array arguments broadcast; events are generated once per distinct
        mass pair (and cached across calls).
    channel : {"ee", "mumu"}
        Z' decay channel.
    ctau_nuh, ctau_zprime : array_like
        Proper decay lengths c tau, mm (0: prompt, inf: never decays).
    n_events : int
        Events per mass pair (statistical error about sqrt((1 - A) / (n_events A))).
    seed : int
        Seed, the same for every mass pair.
    p_kaon : float
        Kaon momentum, MeV (default 75 GeV/c).
    geometry : str, path or Geometry
        Geometry file (default the shipped ``na62_geometry``) or a loaded :class:`Geometry`.

    Returns
    -------
    numpy.ndarray
        Broadcast shape; the fraction of K+ -> mu+ nu_h decays in the fiducial volume whose
        nu_h and Z' decay in it and whose mu+, l+, l- tracks are in the chambers (branching
        ratios not included). 0 where a step of the cascade is closed. It replaces
        A_beta x P_dec / (BR(nu_h -> nu Z') BR(Z' -> l l)) of paper Eqs. 25-26.
    """
    if channel not in CHANNELS:
        raise KinematicsError(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    geo = geometry if isinstance(geometry, Geometry) else load_geometry(geometry)
    arrays = np.broadcast_arrays(
        *(np.asarray(a, float) for a in (m_nuh, m_zprime, ctau_nuh, ctau_zprime))
    )
    m_h, m_z, c_h, c_z = (a.ravel() for a in arrays)
    if np.any(np.isnan(c_h) | np.isnan(c_z) | (c_h < 0) | (c_z < 0)):
        raise KinematicsError("ctau_nuh/ctau_zprime: proper decay lengths must be >= 0 mm")
    out = np.zeros(m_h.shape)
    pairs, index = np.unique(np.stack((m_h, m_z), axis=1), axis=0, return_inverse=True)
    index = index.ravel()
    for k, (mh, mz) in enumerate(pairs):  # one pass per distinct mass pair, vectorised inside
        try:
            check_masses(float(mh), float(mz), channel)
        except KinematicsError:
            continue  # closed cascade: acceptance 0
        sample = _mass_sample(
            float(mh), float(mz), channel, int(n_events), int(seed), float(p_kaon), geo
        )
        where = np.flatnonzero(index == k)
        out[where] = _acceptance_one_mass(sample, c_h[where], c_z[where], geo)
    return out.reshape(arrays[0].shape)
