"""Vectorised toy Monte Carlo of K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> l+ l- (paper Appendix A).

Each step is a two-body decay, by default **isotropic in the rest frame of the decaying
particle**: no spin correlations are kept (exact for a Majorana nu_h summed over helicities;
for a Dirac nu_h and for the Z' polarisation it is an approximation that changes angular
distributions and the shapes, not the ranges, of the invariant masses, which Eqs. A1-A4 and
21 fix event by event). Optionally nu_h -> nu Z' takes the general spin-1/2 form
1 + a cos(theta_nu) about the nu_h helicity axis (see ``asymmetry`` in :func:`generate`);
Z' -> l+ l- stays isotropic. The kaon flies along +z with a fixed
momentum or one drawn from a Gaussian. Everything is numpy on arrays of events: no loop.

Units: hepunits internal (MeV for energies and momenta, mm for lengths, ns for times).
Four-vectors are arrays of shape (4, n), rows (E, px, py, pz) (component-major, so that each
component is contiguous; the event file stores them as (n, 4)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from hepunits import GeV
from numpy.typing import NDArray

from ..constants import M_ELECTRON, M_K_PLUS, M_MUON, c_light
from ..errors import ThreeportalError
from ..model import ModelPoint
from ..physics.kinematics import two_body_momentum

__all__ = [
    "CHANNELS",
    "DEFAULT_KAON_MOMENTUM",
    "MAX_EVENTS",
    "Events",
    "KinematicsError",
    "check_masses",
    "generate",
    "point_lifetimes",
]

Channel = Literal["ee", "mumu"]
#: Z' decay channels and the mass of their lepton.
CHANNELS: dict[str, float] = {"ee": M_ELECTRON, "mumu": M_MUON}
#: NA62 mean K+ momentum, 75 GeV/c (paper Appendix A), in energy units.
DEFAULT_KAON_MOMENTUM: float = 75.0 * GeV
#: Largest sample generated in one call (about 0.5 GB of arrays).
MAX_EVENTS: int = 10_000_000


class KinematicsError(ThreeportalError):
    """Bad input to the kinematics generator; one line naming the input and what is allowed."""


def check_masses(m_nuh: float, m_zprime: float, channel: str) -> None:
    """Raise :class:`KinematicsError` unless every step of the cascade is open.

    Requires m_nuh + m_mu < m_K, m_Z' < m_nuh and 2 m_l < m_Z' (masses in MeV).
    """
    if channel not in CHANNELS:
        raise KinematicsError(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    for name, value in (("m_nuh", m_nuh), ("m_zprime", m_zprime)):
        if not np.isfinite(value) or value <= 0:
            raise KinematicsError(f"{name}: {value!r} MeV is not a positive finite mass")
    if m_nuh + M_MUON >= M_K_PLUS:
        raise KinematicsError(
            f"m_nuh: {m_nuh:g} MeV is too heavy for K+ -> mu+ nu_h; "
            f"allowed m_nuh < m_K - m_mu = {M_K_PLUS - M_MUON:.2f} MeV"
        )
    if m_zprime >= m_nuh:
        raise KinematicsError(
            f"m_zprime: {m_zprime:g} MeV is not below m_nuh = {m_nuh:g} MeV; "
            "nu_h -> nu Z' needs m_zprime < m_nuh"
        )
    lepton = CHANNELS[channel]
    if m_zprime <= 2.0 * lepton:
        raise KinematicsError(
            f"m_zprime: {m_zprime:g} MeV is below the {channel} threshold; "
            f"channel={channel} needs m_zprime > {2.0 * lepton:.3f} MeV"
        )


def point_lifetimes(model: ModelPoint) -> tuple[float, float]:
    """Proper lifetimes (tau_nuh, tau_Z') of a scalar model point, hepunits time (ns)."""
    from ..physics.state import DecayState

    state = DecayState(model)
    return float(np.ravel(state.nuh_lifetime)[0]), float(np.ravel(state.zprime_lifetime)[0])


@dataclass(frozen=True, eq=False)
class Events:
    """A generated sample. Four-vectors of shape (4, n) in MeV, rows (E, px, py, pz), lab frame.

    ``tau_nuh`` and ``tau_zprime`` are the proper lifetimes (ns) used for the decay lengths;
    ``inputs`` records what was asked for (masses in MeV, momenta in MeV, seed).
    """

    p_kaon: NDArray[np.float64]
    p_mu: NDArray[np.float64]
    p_nu: NDArray[np.float64]
    p_lplus: NDArray[np.float64]
    p_lminus: NDArray[np.float64]
    tau_nuh: float
    tau_zprime: float
    inputs: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.p_mu.shape[1]

    @property
    def p_pair(self) -> NDArray[np.float64]:
        """Z' four-momentum p_l+ + p_l- (MeV)."""
        return self.p_lplus + self.p_lminus

    @property
    def p_nuh(self) -> NDArray[np.float64]:
        """nu_h four-momentum p_nu + p_l+ + p_l- (MeV)."""
        return self.p_nu + self.p_pair

    def quantities(self) -> dict[str, tuple[NDArray[np.float64], str]]:
        """Every derived quantity as (array, unit name); lengths in mm, angles in rad.

        E_pair, dtheta_pair (angle between l+ and l-), theta_zprime (Z' angle to the beam),
        m_mu_nu, m_mu_pair, m_pair, m_miss2 = (p_K - p_mu - p_l+ - p_l-)^2, and the lab decay
        lengths of nu_h and Z' for the lifetimes of the sample.
        """
        p_pair = self.p_pair
        return {
            "E_pair": (p_pair[0], "MeV"),
            "dtheta_pair": (_angle(self.p_lplus, self.p_lminus), "rad"),
            "theta_zprime": (np.arctan2(np.hypot(p_pair[1], p_pair[2]), p_pair[3]), "rad"),
            "m_mu_nu": (_mass(self.p_mu + self.p_nu), "MeV"),
            "m_mu_pair": (_mass(self.p_mu + p_pair), "MeV"),
            "m_pair": (_mass(p_pair), "MeV"),
            "m_miss2": (_square(self.p_kaon - self.p_mu - p_pair), "MeV^2"),
            "decay_length_nuh": (_decay_length(self.p_nuh, self.tau_nuh), "mm"),
            "decay_length_zprime": (_decay_length(p_pair, self.tau_zprime), "mm"),
        }


def _square(p: NDArray) -> NDArray[np.float64]:
    """Minkowski square E^2 - |p|^2 of (4, n) four-vectors."""
    return p[0] * p[0] - p[1] * p[1] - p[2] * p[2] - p[3] * p[3]


def _mass(p: NDArray) -> NDArray[np.float64]:
    return np.sqrt(np.clip(_square(p), 0.0, None))


def _angle(a: NDArray, b: NDArray) -> NDArray[np.float64]:
    """Angle between the 3-momenta of (4, n) four-vectors, accurate for tiny angles."""
    cx = a[2] * b[3] - a[3] * b[2]
    cy = a[3] * b[1] - a[1] * b[3]
    cz = a[1] * b[2] - a[2] * b[1]
    cross = np.sqrt(cx * cx + cy * cy + cz * cz)
    return np.arctan2(cross, a[1] * b[1] + a[2] * b[2] + a[3] * b[3])


def _decay_length(p: NDArray, tau: float) -> NDArray[np.float64]:
    """Lab decay length (|p| / m) c tau, mm; inf for an infinite lifetime."""
    momentum = np.sqrt(p[1] * p[1] + p[2] * p[2] + p[3] * p[3])
    return momentum / _mass(p) * (c_light * tau)


def _directions(u: NDArray, v: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Isotropic unit vectors from uniforms u, v in [0, 1): cos(theta) = 2u - 1, phi = 2 pi v."""
    cos_t = 2.0 * u - 1.0
    sin_t = np.sqrt(1.0 - cos_t * cos_t)
    phi = (2.0 * np.pi) * v
    return sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t


def _asymmetric_cosine(u: NDArray, asymmetry: float) -> NDArray[np.float64]:
    """cos(theta) with density (1 + a cos(theta)) / 2 on [-1, 1] from uniforms u (inverse CDF).

    Solves (cos + 1)/2 + a (cos^2 - 1)/4 = u in the form that stays exact as a -> 0.
    """
    q = 0.5 - 0.25 * asymmetry - u
    return -2.0 * q / (0.5 + np.sqrt(0.25 - asymmetry * q))


def _around(axis: tuple, cos_t: NDArray, phi_u: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Unit vectors at polar angle acos(cos_t) around ``axis`` (unit, per event), azimuth 2 pi u."""
    ax, ay, az = axis
    use_x = np.abs(az) > 0.9  # a helper vector not parallel to the axis
    hx, hz = use_x.astype(float), (~use_x).astype(float)
    e1x, e1y, e1z = ay * hz, az * hx - ax * hz, -ay * hx  # axis x helper
    norm = np.sqrt(e1x * e1x + e1y * e1y + e1z * e1z)
    e1x, e1y, e1z = e1x / norm, e1y / norm, e1z / norm
    e2x, e2y, e2z = ay * e1z - az * e1y, az * e1x - ax * e1z, ax * e1y - ay * e1x
    sin_t = np.sqrt(1.0 - cos_t * cos_t)
    phi = (2.0 * np.pi) * phi_u
    c, s = sin_t * np.cos(phi), sin_t * np.sin(phi)
    return (
        cos_t * ax + c * e1x + s * e2x,
        cos_t * ay + c * e1y + s * e2y,
        cos_t * az + c * e1z + s * e2z,
    )


def _boost(rest: tuple, parent: tuple, mass: float) -> tuple:
    """Boost rest-frame components (E, px, py, pz) of a daughter to the frame where its parent
    has four-momentum ``parent`` and mass ``mass``; E may be a scalar."""
    e, px, py, pz = rest
    pe, qx, qy, qz = parent
    dot = qx * px + qy * py + qz * pz
    scale = dot / (mass * (pe + mass)) + e / mass
    return (pe * e + dot) / mass, px + scale * qx, py + scale * qy, pz + scale * qz


def _kaon_momenta(rng: np.random.Generator, n: int, p_kaon: float, sigma: float) -> NDArray:
    if sigma == 0.0:
        return np.full(n, p_kaon)
    return rng.normal(p_kaon, sigma, n)


def _to_lab(p: tuple, gamma: NDArray, gamma_beta: NDArray) -> NDArray[np.float64]:
    """Boost along +z to the lab; returns a (4, n) array, rows (E, px, py, pz)."""
    e, px, py, pz = p
    out = np.empty((4, len(gamma)))
    np.multiply(gamma, e, out=out[0])
    out[0] += gamma_beta * pz
    out[1] = px
    out[2] = py
    np.multiply(gamma, pz, out=out[3])
    out[3] += gamma_beta * e
    return out


def _check_inputs(n: object, p_kaon: float, sigma_p_kaon: float, taus: dict, seed: object):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_EVENTS:
        raise KinematicsError(f"n: {n!r} is not a whole number of events in [1, {MAX_EVENTS}]")
    if not (np.isfinite(p_kaon) and p_kaon >= 0):
        raise KinematicsError(f"p_K: {p_kaon!r} MeV is not a momentum >= 0")
    if not (np.isfinite(sigma_p_kaon) and 0 <= sigma_p_kaon <= 0.1 * p_kaon):
        raise KinematicsError(f"sigma_p_K: must lie in [0, p_K / 10] (got {sigma_p_kaon!r} MeV)")
    for name, tau in taus.items():
        if not tau >= 0:
            raise KinematicsError(f"{name}: {tau!r} is not a lifetime >= 0")
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise KinematicsError(f"seed: {seed!r} is not a whole number >= 0")


def _kaon_decay(m_nuh: float, u_cos: NDArray, u_phi: NDArray) -> tuple[tuple, tuple, tuple]:
    """K+ rest frame: mu+ and nu_h back to back along an isotropic direction (from the
    uniforms ``u_cos``, ``u_phi``); (nu_h, mu+, unit vector of the nu_h)."""
    p1 = float(two_body_momentum(M_K_PLUS, M_MUON, m_nuh))
    ux, uy, uz = _directions(u_cos, u_phi)
    nuh = (np.hypot(p1, m_nuh), p1 * ux, p1 * uy, p1 * uz)
    mu = (np.hypot(p1, M_MUON), -nuh[1], -nuh[2], -nuh[3])
    return nuh, mu, (ux, uy, uz)


def _nuh_decay(
    nuh: tuple,
    m_nuh: float,
    m_zprime: float,
    axis: tuple,
    asymmetry: float,
    u_cos: NDArray,
    u_phi: NDArray,
) -> tuple[tuple, tuple]:
    """nu_h rest frame: nu and Z' back to back, then boosted to the K+ frame; (Z', nu).

    Isotropic for ``asymmetry`` 0, else the nu at an angle to the nu_h flight direction
    ``axis`` drawn from (1 + a cos theta_nu) / 2 and the Z' opposite to it.
    """
    p2 = 0.5 * (m_nuh - m_zprime**2 / m_nuh)
    if asymmetry == 0.0:
        vx, vy, vz = _directions(u_cos, u_phi)
    else:  # Z' opposite to the nu, whose angle to the nu_h flight direction is asymmetric
        cos_nu = _asymmetric_cosine(u_cos, asymmetry)
        vx, vy, vz = _around(axis, -cos_nu, u_phi)
    vx *= p2
    vy *= p2
    vz *= p2
    zp = _boost((np.hypot(p2, m_zprime), vx, vy, vz), nuh, m_nuh)
    nu = _boost((p2, -vx, -vy, -vz), nuh, m_nuh)
    return zp, nu


def _zprime_decay(
    zp: tuple, m_zprime: float, m_lep: float, u_cos: NDArray, u_phi: NDArray
) -> tuple[tuple, tuple]:
    """Z' rest frame: l+ l- back to back (isotropic), then boosted to the K+ frame; (l+, l-)."""
    p3 = float(two_body_momentum(m_zprime, m_lep, m_lep))
    wx, wy, wz = _directions(u_cos, u_phi)
    wx *= p3
    wy *= p3
    wz *= p3
    e3 = np.hypot(p3, m_lep)
    lplus = _boost((e3, wx, wy, wz), zp, m_zprime)
    lminus = _boost((e3, -wx, -wy, -wz), zp, m_zprime)
    return lplus, lminus


def _kaons(
    rng: np.random.Generator, n: int, p_kaon: float, sigma: float
) -> tuple[NDArray[np.float64], NDArray, NDArray]:
    """Lab kaons along +z: their (4, n) four-momenta, and gamma and gamma beta of the boost
    from the K+ frame to the lab."""
    pk = _kaon_momenta(rng, n, p_kaon, sigma)
    ek = np.hypot(pk, M_K_PLUS)
    kaon = np.zeros((4, n))
    kaon[0], kaon[3] = ek, pk
    return kaon, ek / M_K_PLUS, pk / M_K_PLUS


def generate(
    m_nuh: float,
    m_zprime: float,
    channel: Channel,
    n: int,
    *,
    p_kaon: float = DEFAULT_KAON_MOMENTUM,
    sigma_p_kaon: float = 0.0,
    seed: int | None = None,
    tau_nuh: float = np.inf,
    tau_zprime: float = np.inf,
    asymmetry: float = 0.0,
) -> Events:
    """Generate ``n`` K+ -> mu+ nu_h(-> nu Z'(-> l+ l-)) events in the lab frame.

    Parameters
    ----------
    m_nuh, m_zprime : float
        Masses, MeV (see :func:`check_masses` for what is allowed).
    channel : {"ee", "mumu"}
        Z' decay channel.
    n : int
        Number of events, 1 to :data:`MAX_EVENTS`.
    p_kaon : float
        Mean kaon momentum along +z, MeV (default 75 GeV/c).
    sigma_p_kaon : float
        Gaussian spread of the kaon momentum, MeV (0: fixed); at most p_kaon / 10, so that
        no kaon momentum is negative (a 10-sigma fluctuation).
    seed : int, optional
        Seed of numpy's default generator; the same seed gives the same events.
    tau_nuh, tau_zprime : float
        Proper lifetimes, hepunits time (ns), for the lab decay lengths (default inf).
    asymmetry : float
        a in [-1, 1]: in the nu_h rest frame the nu is emitted with density
        (1 + a cos theta_nu) / 2, theta_nu measured from the nu_h direction of flight in the
        K+ frame. Any spin-1/2 two-body decay has this form; a = P alpha is the nu_h
        longitudinal polarisation (fixed by the spin-0 kaon: a helicity state) times the
        analysing power of nu_h -> nu Z'. Default 0: isotropic (exact for a Majorana nu_h).

    Returns
    -------
    Events
    """
    check_masses(m_nuh, m_zprime, channel)
    _check_inputs(n, p_kaon, sigma_p_kaon, {"tau_nuh": tau_nuh, "tau_zprime": tau_zprime}, seed)
    if not (np.isfinite(asymmetry) and -1.0 <= asymmetry <= 1.0):
        raise KinematicsError(f"asymmetry: {asymmetry!r} is not in [-1, 1]")
    rng = np.random.default_rng(seed)
    n = int(n)
    uniforms = rng.random((6, n))
    nuh, mu, axis = _kaon_decay(m_nuh, uniforms[0], uniforms[1])
    zp, nu = _nuh_decay(nuh, m_nuh, m_zprime, axis, asymmetry, uniforms[2], uniforms[3])
    lplus, lminus = _zprime_decay(zp, m_zprime, CHANNELS[channel], uniforms[4], uniforms[5])
    kaon, gamma, gamma_beta = _kaons(rng, n, p_kaon, sigma_p_kaon)
    inputs = {
        "m_nuh": m_nuh,
        "m_zprime": m_zprime,
        "channel": channel,
        "n": n,
        "p_kaon": p_kaon,
        "sigma_p_kaon": sigma_p_kaon,
        "seed": seed,
        "asymmetry": asymmetry,
    }
    lab = [_to_lab(p, gamma, gamma_beta) for p in (mu, nu, lplus, lminus)]
    return Events(kaon, *lab, tau_nuh=tau_nuh, tau_zprime=tau_zprime, inputs=inputs)
