"""Recast of published dark-photon limits onto the three-portal Z' (spec RECAST.md).

The Z' couples to charged SM fermions like a dark photon A' with eps = c_W chi, so every
production rate equals the A' one; only the decays differ (extra invisible widths). A search
at mass m sees the yield

    N(eps, BR_seen, tau) = eps^2 * BR_seen * E(tau),

with E the fraction of decays it accepts. The published limit fixes N_lim(m) (computed with
the pure A'); a model point is excluded where N_model / N_lim > 1. Everything here is pure and
vectorised: per-limit quantities are computed once per tabulated mass by :func:`prepare_limit`,
and :func:`signal_ratio` interpolates them (log-log) once per mass column of a grid. Masses in
MeV, times in ns (hepunits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import C_W2, c_light
from ..data.dark_photon import DarkPhotonLimit, Efficiency
from ..model import ModelPoint
from .decays import total_width
from .kinematics import lifetime
from .zprime import zprime_widths

__all__ = [
    "INVISIBLE_CHANNELS",
    "NUH_CHANNELS",
    "RecastLimit",
    "ZprimeDecays",
    "dark_photon_widths",
    "displaced_t0_over_tau",
    "efficiency",
    "efficiency_displaced",
    "efficiency_prompt_window",
    "prepare_limit",
    "prompt_window_t1",
    "seen_width",
    "signal_ratio",
    "zprime_decays",
    "zprime_recast_inputs",
]

#: Z' channels that are always invisible (light neutrinos).
INVISIBLE_CHANNELS: tuple[str, ...] = ("nunu",)
#: Z' channels with a heavy neutrino: invisible only if nu_h escapes the detector.
NUH_CHANNELS: tuple[str, ...] = ("nu_nuh", "nuh_nuh")
#: Final states named in the limit files -> Z' width keys (first one present is used). A
#: pi+ pi- search uses the hadronic width: both bosons couple to the electromagnetic current,
#: so pi+ pi- / hadrons is the same for both and cancels in N_model / N_lim.
_CHANNEL_KEYS: dict[str, tuple[str, ...]] = {
    "e_e": ("ee",),
    "mu_mu": ("mumu",),
    "pi+_pi-": ("hadrons",),
}
#: Reference mixing at which the A' widths are evaluated (they scale as eps^2).
_EPS_REF = 1e-3
#: exp(-a) is exactly 0 in double precision above this a; expm1(-x) is exactly -1 above this x.
_EXP_ZERO = 746.0
_EXPM1_MINUS_ONE = 40.0
#: Bracket of x = t0 / tau_A'(eps_lower) for the displaced root, and bisection steps.
_LOG_X_RANGE = (np.log(1e-30), np.log(1e4))
_BISECTION_STEPS = 100


def _channel_key(channel: str, available: Mapping[str, object]) -> str:
    for key in _CHANNEL_KEYS[channel]:
        if key in available:
            return key
    raise KeyError(f"no Z' width for the final state {channel!r} (have {', '.join(available)})")


def dark_photon_widths(m: ArrayLike, eps: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """Visible partial widths of a pure dark photon of mass ``m`` (MeV) and mixing ``eps``.

    Every visible channel of :func:`~threeportal.physics.zprime.zprime_widths` (all but the
    neutrino ones), evaluated with eps = c_W chi and no dark coupling; MeV.
    """
    m = np.asarray(m, float)
    model = ModelPoint(m_nuh=1.0, m_zprime=m, chi2=_EPS_REF**2 / C_W2, g_prime=0.0)
    scale = (np.asarray(eps, float) / _EPS_REF) ** 2
    hidden = (*INVISIBLE_CHANNELS, *NUH_CHANNELS)
    return {k: w * scale for k, w in zprime_widths(model).items() if k not in hidden}


def seen_width(
    widths: Mapping[str, NDArray[np.float64]], decay: tuple[str, ...], nuh_invisible: bool
) -> NDArray[np.float64]:
    """Width into the final states a search saw (``decay``), MeV.

    ``("invisible",)``: nu nu-bar, plus nu nu_h and nu_h nu_h when ``nuh_invisible``.
    """
    if decay == ("invisible",):
        keys = [*INVISIBLE_CHANNELS, *(NUH_CHANNELS if nuh_invisible else ())]
    else:
        keys = [_channel_key(c, widths) for c in decay]
    return total_width({k: widths[k] for k in keys})


def efficiency_prompt_window(t1: ArrayLike, tau: ArrayLike) -> NDArray[np.float64]:
    """E = 1 - exp(-t1 / tau): fraction of decays before proper time ``t1`` (same units)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.expm1(-np.asarray(t1, float) / np.asarray(tau, float))


def efficiency_displaced(t0: ArrayLike, tau: ArrayLike, r: float) -> NDArray[np.float64]:
    """E = exp(-t0/tau) - exp(-(1 + r) t0/tau) = exp(-a) (1 - exp(-r a)), a = t0 / tau.

    Written with ``expm1`` so that it neither overflows (a -> inf) nor loses precision
    (a -> 0, where E ~ r a). 0 for tau = 0 and tau = inf.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.asarray(np.asarray(t0, float) / np.asarray(tau, float))
    # Skip the transcendental functions where their result is known exactly (they run on whole
    # grids): exp(-a) is 0 in double precision for a > 745.2, and 1 - exp(-r a) is 1 for
    # r a > 38. NaN and inf (tau = 0) fail ``a < _EXP_ZERO`` and give 0.
    live = a < _EXP_ZERO
    short = live & (a < _EXPM1_MINUS_ONE / r)
    np.negative(a, out=a)  # a is ours: -a from here on
    out = np.zeros(a.shape)
    np.exp(a, out=out, where=live)
    a *= r
    tail = np.full(a.shape, -1.0)
    np.expm1(a, out=tail, where=short)
    out *= tail
    np.negative(out, out=out)
    return out


def efficiency(
    spec: Efficiency, tau: ArrayLike, *, t0: ArrayLike = 0.0, t1: ArrayLike = np.inf
) -> NDArray[np.float64]:
    """E(tau) of a search: 1 (prompt), prompt-window with ``t1``, displaced with ``t0``."""
    tau = np.asarray(tau, float)
    if spec.kind == "prompt":
        return np.ones_like(tau)
    if spec.kind == "prompt-window":
        return efficiency_prompt_window(t1, tau)
    return efficiency_displaced(t0, tau, float(spec.decay_over_shield))


def prompt_window_t1(spec: Efficiency, m: ArrayLike) -> NDArray[np.float64]:
    """Proper-time window t1(m) = L_max / (c gamma(m)) of a prompt-window search, ns.

    gamma = E(m) / m with E(m) = (M^2 + m^2 - m_recoil^2) / (2 M) (two-body) or the fixed
    energy; gamma is kept >= 1 (the compilation's approximation uses gamma, not beta gamma).
    """
    m = np.asarray(m, float)
    if spec.boost == "two-body":
        parent = float(spec.parent_mass)
        energy = (parent**2 + m**2 - float(spec.recoil_mass) ** 2) / (2.0 * parent)
    else:
        energy = np.full_like(m, float(spec.energy))
    gamma = np.maximum(energy / m, 1.0)
    return float(spec.max_lab_decay_length) / (c_light * gamma)


def _log_efficiency_displaced(x: NDArray[np.float64], r: float) -> NDArray[np.float64]:
    """log of exp(-x) (1 - exp(-r x)), finite for every x > 0."""
    return -x + np.log(-np.expm1(-r * x))


def displaced_t0_over_tau(k: ArrayLike, r: float) -> NDArray[np.float64]:
    """Root x = t0 / tau_lo of  E(x) = k E(k x)  for every mass at once (vectorised bisection).

    This is eps_lo^2 E(tau_lo) = eps_hi^2 E(tau_hi) with tau proportional to 1/eps^2 and
    k = (eps_hi / eps_lo)^2 > 1. The bisection runs in log x on all masses together; the
    function log E(x) - log k - log E(k x) goes from -2 log k (x -> 0) to +inf. NaN where
    k <= 1 or no root lies in the bracket.
    """
    k = np.asarray(k, float)
    log_k = np.log(np.where(k > 1.0, k, 2.0))

    def g(u: NDArray[np.float64]) -> NDArray[np.float64]:
        x = np.exp(u)
        return _log_efficiency_displaced(x, r) - log_k - _log_efficiency_displaced(k * x, r)

    lo = np.full_like(k, _LOG_X_RANGE[0])
    hi = np.full_like(k, _LOG_X_RANGE[1])
    ok = (k > 1.0) & (g(lo) < 0.0) & (g(hi) > 0.0)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        below = g(mid) < 0.0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return np.where(ok, np.exp(0.5 * (lo + hi)), np.nan)


@dataclass(frozen=True, eq=False)
class RecastLimit:
    """Per-tabulated-mass quantities of one limit, computed once by :func:`prepare_limit`.

    Attributes
    ----------
    limit : DarkPhotonLimit
    log_mass : numpy.ndarray
        log of the tabulated masses (MeV).
    bounded : numpy.ndarray of bool
        Whether each tabulated mass gives a bound (no sentinel, displaced root found).
    log_yield : numpy.ndarray
        log N_lim(m) (0 where not bounded).
    log_t0 : numpy.ndarray
        Displaced limits: log of t0 (ns); 0 elsewhere.
    """

    limit: DarkPhotonLimit
    log_mass: NDArray[np.float64]
    bounded: NDArray[np.bool_]
    log_yield: NDArray[np.float64]
    log_t0: NDArray[np.float64]


def prepare_limit(limit: DarkPhotonLimit) -> RecastLimit:
    """Compute N_lim(m) (and t0(m) for displaced searches) at every tabulated mass.

    N_lim = eps_lo^2 BR_seen^A'(m) E(tau_A'(eps_lo)) with the pure dark photon's branching
    ratios and lifetime (BR = 1 for invisible searches; only ``assumed_channels`` in the
    A' width when the published limit assumed so).
    """
    m, eps_lo, eps_hi = limit.mass, limit.eps_lower, limit.eps_upper
    bounded = limit.bounded.copy()
    widths = dark_photon_widths(m, eps_lo)
    if limit.assumed_channels is not None:
        keys = [_channel_key(c, widths) for c in limit.assumed_channels]
        widths = {k: widths[k] for k in keys}
    tau_lo = lifetime(total_width(widths))
    if limit.invisible:
        br = np.ones_like(m)
    else:
        total = total_width(widths)
        br = seen_width(widths, limit.decay, False) / np.where(total > 0, total, 1.0)
    t0 = np.zeros_like(m)
    spec = limit.efficiency
    if spec.kind == "displaced":
        with np.errstate(divide="ignore", invalid="ignore"):
            x = displaced_t0_over_tau((eps_hi / eps_lo) ** 2, float(spec.decay_over_shield))
        bounded &= np.isfinite(x)
        t0 = np.where(bounded, np.nan_to_num(x) * tau_lo, 1.0)
    t1 = prompt_window_t1(spec, m) if spec.kind == "prompt-window" else np.inf
    n_lim = eps_lo**2 * br * efficiency(spec, tau_lo, t0=t0, t1=t1)
    bounded &= n_lim > 0
    return RecastLimit(
        limit=limit,
        log_mass=np.log(m),
        bounded=bounded,
        log_yield=np.where(bounded, np.log(np.where(bounded, n_lim, 1.0)), 0.0),
        log_t0=np.where(bounded & (t0 > 0), np.log(np.where(t0 > 0, t0, 1.0)), 0.0),
    )


def _interpolate(
    prepared: RecastLimit, m: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """(domain, log N_lim, log t0) at masses ``m``: log-log between neighbouring rows.

    A mass is in the domain if it lies in the tabulated range and both neighbouring rows give
    a bound (or it is a tabulated mass that gives one).
    """
    xs, ok = prepared.log_mass, prepared.bounded
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.log(m)
    inside = (u >= xs[0]) & (u <= xs[-1])
    hi = np.clip(np.searchsorted(xs, np.where(inside, u, xs[0]), side="right"), 1, xs.size - 1)
    lo = hi - 1
    at_lo, at_hi = u == xs[lo], u == xs[hi]
    domain = inside & ((ok[lo] & ok[hi]) | (at_lo & ok[lo]) | (at_hi & ok[hi]))
    w = np.where(inside, (u - xs[lo]) / (xs[hi] - xs[lo]), 0.0)
    w = np.where(at_lo, 0.0, np.where(at_hi, 1.0, w))

    def lerp(ys: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(domain, (1.0 - w) * ys[lo] + w * ys[hi], 0.0)

    return domain, lerp(prepared.log_yield), lerp(prepared.log_t0)


def signal_ratio(
    limit: RecastLimit | DarkPhotonLimit,
    m_zprime: ArrayLike,
    eps: ArrayLike,
    br_seen: ArrayLike,
    tau: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """N_model / N_lim of a limit at model points; excluded where the ratio exceeds 1.

    Parameters
    ----------
    limit : RecastLimit or DarkPhotonLimit
        A prepared limit (prepare once, reuse for every grid) or a loaded one.
    m_zprime : array_like
        Z' mass, MeV. Per-mass quantities are interpolated once per element of this array,
        so pass a mass column (e.g. shape ``(n, 1)``) for a grid.
    eps, br_seen, tau : array_like
        The model's eps = c_W chi, branching ratio into the seen final states, and proper
        lifetime (ns); broadcast against ``m_zprime``.

    Returns
    -------
    ratio : numpy.ndarray
        Broadcast shape; finite (for finite inputs), 0 outside the domain.
    domain : numpy.ndarray of bool
        Shape of ``m_zprime``: where the limit says something (its mass range, bounded rows).
    """
    prepared = limit if isinstance(limit, RecastLimit) else prepare_limit(limit)
    spec = prepared.limit.efficiency
    m = np.asarray(m_zprime, float)
    domain, log_yield, log_t0 = _interpolate(prepared, m)
    inverse_yield = np.where(domain, np.exp(-log_yield), 0.0)
    # eps^2 / N_lim first: a per-mass array when eps is (pass eps^2 BR as br_seen and eps = 1
    # to save a grid pass); the grid-sized products are then done in place.
    ratio = np.asarray(br_seen, float) * (np.asarray(eps, float) ** 2 * inverse_yield)
    if spec.kind != "prompt":
        t1 = prompt_window_t1(spec, m) if spec.kind == "prompt-window" else np.inf
        accepted = efficiency(spec, tau, t0=np.exp(log_t0), t1=t1)
        if accepted.shape == np.broadcast_shapes(accepted.shape, ratio.shape):
            accepted *= ratio
            ratio = accepted
        else:
            ratio = ratio * accepted
    return ratio, domain


@dataclass(frozen=True, eq=False)
class ZprimeDecays:
    """The model quantities every limit needs, computed once per grid by :func:`zprime_decays`.

    Attributes
    ----------
    eps : numpy.ndarray
        eps = c_W chi.
    widths : dict of str to numpy.ndarray
        :func:`~threeportal.physics.zprime.zprime_widths`, MeV.
    inverse_total : numpy.ndarray
        1 / total width, 1/MeV (0 where the total width is 0).
    tau : numpy.ndarray
        Proper lifetime, ns (inf for a zero width).
    """

    eps: NDArray[np.float64]
    widths: Mapping[str, NDArray[np.float64]]
    inverse_total: NDArray[np.float64]
    tau: NDArray[np.float64]


def zprime_decays(model: ModelPoint) -> ZprimeDecays:
    """Widths, total width, lifetime and eps of the model's Z' (once per grid)."""
    widths = zprime_widths(model)
    total = total_width(widths)
    with np.errstate(divide="ignore"):
        inverse = np.where(total > 0, 1.0 / total, 0.0)
    eps = np.broadcast_to(model.epsilon, total.shape)
    return ZprimeDecays(eps, widths, inverse, lifetime(total))


def zprime_recast_inputs(
    model: ModelPoint | ZprimeDecays, limit: DarkPhotonLimit, *, nuh_invisible: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(eps, BR_seen, tau) of the model's Z' for one limit; tau in ns.

    BR_seen: branching ratio into the limit's final states; for an invisible search
    BR(nu nu-bar), plus nu nu_h and nu_h nu_h when ``nuh_invisible`` (nu_h escapes).
    Pass :func:`zprime_decays` of the model instead of the model when recasting many limits
    on one grid, so the widths are computed once.
    """
    decays = model if isinstance(model, ZprimeDecays) else zprime_decays(model)
    br = seen_width(decays.widths, limit.decay, nuh_invisible) * decays.inverse_total
    return decays.eps, br, decays.tau
