"""Two-body kinematics, lab-frame decay lengths and decay probabilities (spec section 4).

Masses, energies and momenta are in MeV, lengths in mm (hepunits internal units). Every
function broadcasts its array arguments.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import M_K_PLUS, M_MUON, c_light, hbar

__all__ = [
    "DecayMode",
    "boost",
    "cascade_decay_probabilities",
    "ctau",
    "decay_probability",
    "kallen",
    "lab_decay_length",
    "lifetime",
    "mean_decay_probability_two_body",
    "momentum_over_mass",
    "two_body_energy",
    "two_body_momentum",
    "uniform_energy_nodes",
]

DecayMode = Literal["mean", "averaged"]

#: Gauss-Legendre nodes and weights on [0, 1] for the "averaged" decay probability.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_GL_X = 0.5 * (_GL_X + 1.0)
_GL_W = 0.5 * _GL_W
#: Largest array (elements) the "averaged" cascade builds when it stacks Z' nodes.
_BLOCK_ELEMENTS = 1 << 18
#: distance / decay length above which 1 - exp(-distance / length) is 1 in double precision.
_SATURATED = 40.0


def kallen(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    """Källén function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc."""
    a, b, c = np.asarray(a, float), np.asarray(b, float), np.asarray(c, float)
    return (a - b - c) ** 2 - 4.0 * b * c


def two_body_momentum(parent: ArrayLike, m1: ArrayLike, m2: ArrayLike) -> NDArray[np.float64]:
    """Daughter momentum p* in the rest frame of ``parent`` -> m1 m2, in MeV; 0 when closed."""
    parent = np.asarray(parent, float)
    x1 = (np.asarray(m1, float) / parent) ** 2
    x2 = (np.asarray(m2, float) / parent) ** 2
    lam = kallen(1.0, x1, x2)
    open_ = (np.sqrt(x1) + np.sqrt(x2) < 1.0) & (lam > 0)
    return np.where(open_, 0.5 * parent * np.sqrt(np.where(open_, lam, 0.0)), 0.0)


def two_body_energy(parent: ArrayLike, m1: ArrayLike, m2: ArrayLike) -> NDArray[np.float64]:
    """Energy E*_1 of daughter 1 in the rest frame of ``parent`` -> m1 m2, in MeV."""
    parent = np.asarray(parent, float)
    return (parent**2 + np.asarray(m1, float) ** 2 - np.asarray(m2, float) ** 2) / (2.0 * parent)


def boost(energy: ArrayLike, mass: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lorentz factor gamma and velocity beta of a particle of given energy and mass."""
    energy, mass = np.asarray(energy, float), np.asarray(mass, float)
    gamma = energy / mass
    beta = np.sqrt(np.clip(1.0 - 1.0 / gamma**2, 0.0, 1.0))
    return gamma, beta


def lifetime(total_width: ArrayLike) -> NDArray[np.float64]:
    """Proper lifetime hbar / Gamma in hepunits time (ns); inf for a zero width."""
    width = np.asarray(total_width, float)
    with np.errstate(divide="ignore"):
        return np.where(width > 0, hbar / np.where(width > 0, width, 1.0), np.inf)


def ctau(total_width: ArrayLike) -> NDArray[np.float64]:
    """Proper decay length c tau in hepunits length (mm); inf for a zero width."""
    return c_light * lifetime(total_width)


def momentum_over_mass(energy: ArrayLike, mass: ArrayLike) -> NDArray[np.float64]:
    """beta gamma = p / m of a particle of given lab energy and mass (both MeV)."""
    energy, mass = np.asarray(energy, float), np.asarray(mass, float)
    return np.sqrt(np.clip(energy**2 - mass**2, 0.0, None)) / mass


def lab_decay_length(energy: ArrayLike, mass: ArrayLike, total_width: ArrayLike) -> NDArray:
    """Lab-frame decay length L = (p / m) c tau, in mm.

    Parameters
    ----------
    energy : array_like
        Lab energy, MeV.
    mass : array_like
        Mass, MeV.
    total_width : array_like
        Total width, MeV.
    """
    return momentum_over_mass(energy, mass) * ctau(total_width)


def decay_probability(distance: ArrayLike, decay_length: ArrayLike) -> NDArray[np.float64]:
    """Probability to decay within ``distance``: 1 - exp(-distance / L), computed with expm1.

    Exact 0 for an infinite decay length and 1 for a zero one; accurate for L much shorter
    or much longer than ``distance``.
    """
    distance, length = np.asarray(distance, float), np.asarray(decay_length, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(length > 0, distance / np.where(length > 0, length, 1.0), np.inf)
    return -np.expm1(-ratio)


def uniform_energy_nodes(
    gamma: ArrayLike, beta: ArrayLike, rest_energy: ArrayLike, rest_momentum: ArrayLike
) -> list[tuple[NDArray[np.float64], float]]:
    """Gauss-Legendre nodes of the lab energy of an isotropic two-body daughter.

    The lab energy is uniform between gamma (E* - beta p*) and gamma (E* + beta p*) for a
    parent with Lorentz factor gamma and velocity beta. Returns (energy, weight) pairs, 16
    of them, whose weights sum to one; each energy is a whole-grid array.
    """
    gamma, beta = np.asarray(gamma, float), np.asarray(beta, float)
    rest_energy, rest_momentum = np.asarray(rest_energy, float), np.asarray(rest_momentum, float)
    low = gamma * (rest_energy - beta * rest_momentum)
    high = gamma * (rest_energy + beta * rest_momentum)
    return [(low + x * (high - low), float(w)) for x, w in zip(_GL_X, _GL_W, strict=True)]


def mean_decay_probability_two_body(
    distance: ArrayLike,
    parent_energy: ArrayLike,
    parent_mass: ArrayLike,
    rest_energy: ArrayLike,
    rest_momentum: ArrayLike,
    daughter_mass: ArrayLike,
    daughter_ctau: ArrayLike,
) -> NDArray[np.float64]:
    """Decay probability of a daughter, averaged over an isotropic two-body decay.

    All energies and masses in MeV; ``distance`` and the daughter's proper decay length
    ``daughter_ctau`` in mm. Uses :func:`uniform_energy_nodes`.
    """
    gamma, beta = boost(parent_energy, parent_mass)
    daughter_mass = np.asarray(daughter_mass, float)
    total = 0.0
    for energy, weight in uniform_energy_nodes(gamma, beta, rest_energy, rest_momentum):
        length = momentum_over_mass(np.maximum(energy, daughter_mass), daughter_mass)
        total = total + weight * decay_probability(distance, length * daughter_ctau)
    return np.asarray(total, float)


def cascade_decay_probabilities(
    distance: float,
    kaon_momentum: float,
    m_nuh: ArrayLike,
    m_zprime: ArrayLike,
    nuh_ctau: ArrayLike,
    zprime_ctau: ArrayLike,
    mode: DecayMode = "averaged",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """K+ -> mu+ nu_h, nu_h -> nu Z': probabilities that nu_h, then Z', decay in ``distance``.

    Parameters
    ----------
    distance : float
        Decay distance from the kaon decay, mm.
    kaon_momentum : float
        Kaon lab momentum, MeV (0 for kaons at rest).
    m_nuh, m_zprime : array_like
        Masses, MeV.
    nuh_ctau, zprime_ctau : array_like
        Proper decay lengths, mm.
    mode : {"averaged", "mean"}
        "averaged" (default): the decay probabilities averaged over both isotropic two-body
        decays (16 x 16 Gauss-Legendre nodes), the Z' average taken at each nu_h energy.
        "mean" (paper Eq. 26): nu_h energy gamma_K E*_h, Z' energy gamma_h E*_Z'.

    Returns
    -------
    (P_nuh, P_joint)
        P(nu_h decays within distance) and P(nu_h and then Z' decay within distance).
    """
    if mode not in ("mean", "averaged"):
        raise ValueError(f"decay_mode: {mode!r} is not one of 'mean', 'averaged'")
    m_h, m_z = np.asarray(m_nuh, float), np.asarray(m_zprime, float)
    e_kaon = float(np.hypot(kaon_momentum, M_K_PLUS))
    gamma_k, beta_k = e_kaon / M_K_PLUS, kaon_momentum / e_kaon
    e_h_rest = two_body_energy(M_K_PLUS, m_h, M_MUON)
    e_z_rest = two_body_energy(m_h, m_z, 0.0)

    def nuh_probability(e_h: NDArray) -> NDArray:
        return decay_probability(distance, momentum_over_mass(e_h, m_h) * nuh_ctau)

    if mode == "mean":
        e_h = np.maximum(gamma_k * e_h_rest, m_h)
        e_z = np.maximum(e_h / m_h * e_z_rest, m_z)
        p_h = nuh_probability(e_h)
        return p_h, p_h * decay_probability(distance, momentum_over_mass(e_z, m_z) * zprime_ctau)
    nodes = uniform_energy_nodes(
        gamma_k, beta_k, e_h_rest, two_body_momentum(M_K_PLUS, m_h, M_MUON)
    )
    p_h_total, joint_total = _averaged_cascade(
        distance, nodes, m_h, m_z, e_z_rest, two_body_momentum(m_h, m_z, 0.0), nuh_ctau, zprime_ctau
    )
    return np.asarray(p_h_total, float), np.asarray(joint_total, float)


def _probability_for_length(distance: float, length: NDArray) -> NDArray:
    """1 - exp(-distance / length), as :func:`decay_probability` (caller silences numpy)."""
    return -np.expm1(-np.where(length > 0, distance / length, np.inf))


def _averaged_cascade(
    distance: float,
    nodes: list[tuple[NDArray[np.float64], float]],
    m_h: NDArray,
    m_z: NDArray,
    e_z_rest: NDArray,
    p_z_rest: NDArray,
    nuh_ctau: ArrayLike,
    zprime_ctau: ArrayLike,
) -> tuple[NDArray, NDArray]:
    """The "averaged" (P_nuh, P_joint): the same sums as :func:`mean_decay_probability_two_body`
    nested in the nu_h average, with the per-node work reduced to plain array arithmetic."""
    ctau_h_per_mass = np.asarray(nuh_ctau, float) / m_h
    ctau_z_per_mass = np.asarray(zprime_ctau, float) / m_z
    m_h2, m_z2 = m_h * m_h, m_z * m_z
    p_h_total: Any = 0.0
    joint_total: Any = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for e_h, weight in nodes:  # fixed nodes, each a whole-grid operation
            e_h = np.maximum(e_h, m_h)
            p_h = _probability_for_length(
                distance, np.sqrt(np.maximum(e_h * e_h - m_h2, 0.0)) * ctau_h_per_mass
            )
            gamma = e_h / m_h
            beta = np.sqrt(np.clip(1.0 - 1.0 / (gamma * gamma), 0.0, 1.0))
            low = gamma * (e_z_rest - beta * p_z_rest)
            span = 2.0 * gamma * beta * p_z_rest
            p_z = _averaged_zprime(distance, low, span, m_z, m_z2, ctau_z_per_mass)
            p_h_total = p_h_total + weight * p_h
            joint_total = joint_total + weight * p_h * p_z
    return p_h_total, joint_total


def _averaged_zprime(
    distance: float,
    low: NDArray,
    span: NDArray,
    m_z: NDArray,
    m_z2: NDArray,
    ctau_z_per_mass: NDArray,
) -> NDArray:
    """P(Z' decays within ``distance``) averaged over its lab energy, uniform in
    [low, low + span] (16 Gauss-Legendre nodes).

    Where even the most energetic Z' has distance / length > :data:`_SATURATED` the
    probability is 1 at every node to double precision (expm1(-40) = -1 + 4e-18), so only
    the remaining points go through the node sum.
    """
    low, span, m_z, m_z2, ctau = np.broadcast_arrays(low, span, m_z, m_z2, ctau_z_per_mass)
    top = np.maximum(low + span, m_z)
    longest = np.sqrt(np.maximum(top * top - m_z2, 0.0)) * ctau
    need = ~(distance > _SATURATED * longest)
    p_z = np.ones(low.shape)
    if not need.any():
        return p_z
    low, span, m_z, m_z2, ctau = low[need], span[need], m_z[need], m_z2[need], ctau[need]
    total = np.zeros(low.shape)
    block = max(1, min(_GL_X.size, _BLOCK_ELEMENTS // max(low.size, 1)))
    for start in range(0, _GL_X.size, block):  # Z' nodes, several per array op
        x = _GL_X[start : start + block, None]
        w = _GL_W[start : start + block, None]
        e_z = np.maximum(low + x * span, m_z)
        length = np.sqrt(np.maximum(e_z * e_z - m_z2, 0.0)) * ctau
        total += (w * _probability_for_length(distance, length)).sum(axis=0)
    p_z[need] = total
    return p_z
