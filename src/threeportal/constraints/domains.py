"""Kinematic domains of the layers: the thresholds beyond which a layer is empty or approximate.

Each :class:`Threshold` is declared once, here; a layer lists those it needs in
``Constraint.thresholds``. :func:`threshold_warnings` says which of them a plane (the two
axes and the fixed parameters of a card) or a point crosses: one sentence per threshold,
naming the key that crosses it, the threshold with its unit, the layers and the valid range.

Declared: thresholds of the process a layer is built on, beyond which the layer's number
is not the model's:

- K+ -> mu+ nu_h closes at m_nuh = m_K - m_mu (every kaon layer);
- nu_h -> nu Z' closes at m_Z' = m_nuh, and NA62 and NA48/2 count only that on-shell
  cascade (Eq. 26), not the off-shell nu_h -> nu l+ l- that takes over;
- upscattering uses one neutrino energy E_nu, so it closes at the m_nuh where E_nu is the
  threshold on carbon, where a real beam's tail above E_nu would still make nu_h;
- the mixing-only nu_h width omits the channels that open above m_K (nu_h -> e K first),
  so the nu_h lifetime is an upper bound there.

Not declared: a decay channel closing inside the process (Z' -> mu mu below 2 m_mu, Z' -> e e
below 2 m_e), an experimental cut (NA48/2's m_ee > 140 MeV) and the mass range of a published
limit. There the empty region is the layer's correct answer (no such event, or no
measurement), and the Fig. 3 planes cross them by design.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from hepunits import MeV

from ..constants import M_ELECTRON, M_K_PLUS, M_MUON
from ..physics.scattering import upscattering_threshold_mass
from ..units import UnitError, parse_quantity

__all__ = [
    "KAON_PRODUCTION",
    "KAON_THRESHOLD",
    "ON_SHELL_CASCADE",
    "STANDARD_WIDTH",
    "UPSCATTERING_ENERGY",
    "Span",
    "Threshold",
    "threshold_warnings",
]

#: Kinematic threshold of K+ -> mu+ nu_h, m_K - m_mu (MeV): kaon layers need m_nuh below it.
KAON_THRESHOLD: float = M_K_PLUS - M_MUON

#: A crossing by less than this relative amount is a rounding of the same mass (``"0.3 GeV"``
#: against ``"300 MeV"``); every declared layer is continuous at its threshold.
_REL = 1e-9


@dataclass(frozen=True)
class Span:
    """Where a mass parameter lies on a plane or at a point, and which keys set it.

    Attributes
    ----------
    low, high : float
        Smallest and largest value, MeV.
    low_key, high_key : str
        The key that sets each end (``"axes.x.min"``, ``"model.m_nuh"``, ``"m_nuh"``); the
        same key for a fixed value.
    """

    low: float
    high: float
    low_key: str
    high_key: str

    @classmethod
    def fixed(cls, value: float, key: str) -> Span:
        """A parameter with one value (MeV), set by ``key``."""
        return cls(value, value, key, key)

    @property
    def is_fixed(self) -> bool:
        """True for one value (a ``[model]`` entry or a point), False for a scan axis."""
        return self.low_key == self.high_key


@dataclass(frozen=True)
class Threshold:
    """A kinematic bound on one mass parameter beyond which a layer is empty or approximate.

    Attributes
    ----------
    parameter : str
        The mass parameter bounded (a :data:`threeportal.model.PARAMETERS` name).
    side : {"below", "above"}
        The valid side: ``parameter < bound`` ("below") or ``parameter > bound``.
    bound : float, str or callable
        The bound: a mass (MeV); the name of another mass parameter (the fixed value, or
        the extreme of its axis); or ``bound(options) -> MeV`` from the layer's options
        (None when an option is not allowed: the layer's evaluation reports it).
    symbol : str
        The bound in words (``"m_K - m_mu"``), formatted with the layer's options; a
        parameter bound is named by the parameter.
    reason : str
        What happens at the bound (``"K+ -> mu+ nu_h is closed"``).
    beyond : str
        What the layers are beyond it (``"left empty"``).
    """

    parameter: str
    side: Literal["below", "above"]
    bound: float | str | Callable[[Mapping[str, Any]], float | None]
    symbol: str
    reason: str
    beyond: str = "left empty"


def _e_nu_threshold(options: Mapping[str, Any]) -> float | None:
    try:
        energy = parse_quantity(options["E_nu"], "MeV", name="constraints.upscattering.E_nu")
    except UnitError:
        return None  # the scan reports it, naming the key, before it writes anything
    return upscattering_threshold_mass(energy)


#: K+ -> mu+ nu_h closes (Shrock factor 0, :func:`~threeportal.physics.production.shrock_factor`).
KAON_PRODUCTION = Threshold(
    "m_nuh", "below", KAON_THRESHOLD, "m_K - m_mu", "K+ -> mu+ nu_h is closed"
)
#: nu_h -> nu Z' closes (:func:`~threeportal.physics.nuh.width_nuh_to_nu_zprime` is 0).
ON_SHELL_CASCADE = Threshold(
    "m_zprime",
    "below",
    "m_nuh",
    "m_nuh",
    "nu_h -> nu Z' is closed (only this on-shell cascade is counted, not nu_h -> nu Z'*)",
)
#: nu C -> nu_h C closes at the layer's one E_nu (:func:`.upscattering_threshold_mass`).
UPSCATTERING_ENERGY = Threshold(
    "m_nuh",
    "below",
    _e_nu_threshold,
    "the nu C -> nu_h C threshold at E_nu = {E_nu}",
    "a neutrino of that one energy cannot make nu_h on carbon (a beam's tail above it could)",
)
#: The first mixing-only channel the standard width omits (``physics/hnl_standard.py``).
STANDARD_WIDTH = Threshold(
    "m_nuh",
    "below",
    M_K_PLUS + M_ELECTRON,
    "m_K + m_e",
    "nu_h -> e K opens, the first mixing-only channel (then nu eta, l rho, ...) missing "
    "from the nu_h width",
    "approximate (the nu_h lifetime is an upper bound)",
)


class _Crossing(NamedTuple):
    key: str  # the key whose value crosses the threshold
    text: str  # "m_nuh up to 450 MeV is above m_K - m_mu = 388.0 MeV, where ..."
    valid: str  # "m_nuh < 388.0 MeV"
    beyond: str


def _crossing(
    threshold: Threshold, options: Mapping[str, Any], spans: Mapping[str, Span]
) -> _Crossing | None:
    """How ``spans`` cross ``threshold`` (with the layer's ``options``), or None."""
    name, side, bound = threshold.parameter, threshold.side, threshold.bound
    at = ""
    if isinstance(bound, str):  # another mass parameter: its value as the card gives it
        if name not in spans or bound not in spans:
            return None
        if spans[name].is_fixed and not spans[bound].is_fixed:  # say it on the scanned axis
            name, bound, side = bound, name, "above" if side == "below" else "below"
        other = spans[bound]
        value = other.low if side == "below" else other.high
        symbol, number = bound, f"{value / MeV:.10g} MeV"
        if not other.is_fixed:
            at = f" ({other.low_key if side == 'below' else other.high_key})"
    else:  # a physical bound: one decimal
        value = bound(options) if callable(bound) else bound
        if value is None:
            return None
        symbol, number = threshold.symbol.format(**options), f"{value / MeV:.1f} MeV"
    span = spans.get(name)
    if span is None:
        return None
    below = side == "below"
    end, key = (span.high, span.high_key) if below else (span.low, span.low_key)
    if (end <= value * (1 + _REL)) if below else (end >= value * (1 - _REL)):
        return None
    shown = f"{end / MeV:.10g} MeV"
    if not span.is_fixed:
        shown = f"{name} {'up to' if below else 'down to'} {shown}"
    text = (
        f"{shown} is {'above' if below else 'below'} {symbol} = {number}{at}, "
        f"where {threshold.reason}"
    )
    valid = f"{name} {'<' if below else '>'} {symbol if at else number}"
    return _Crossing(key, text, valid, threshold.beyond)


def threshold_warnings(
    layers: Iterable[tuple[str, Iterable[Threshold], Mapping[str, Any]]],
    spans: Mapping[str, Span],
) -> list[str]:
    """One sentence per threshold that ``spans`` cross, naming every layer it concerns.

    Parameters
    ----------
    layers : iterable of (name, thresholds, options)
        Each evaluated layer, the thresholds it declares and its resolved options.
    spans : mapping
        ``{mass parameter: Span}``: the axes and fixed values of a plane, or a point.

    Returns
    -------
    list of str
        ``"axes.x.max: m_nuh up to 450 MeV is above m_K - m_mu = 388.0 MeV, where K+ ->
        mu+ nu_h is closed; na62_ee, na62_mumu are valid only for m_nuh < 388.0 MeV and are
        left empty beyond it"``: once per threshold, whichever layers share it.
    """
    found: dict[_Crossing, list[str]] = {}
    for name, thresholds, options in layers:
        for threshold in thresholds:
            crossing = _crossing(threshold, options, spans)
            if crossing is not None:
                found.setdefault(crossing, []).append(name)
    out = []
    for crossing, names in found.items():
        verb = "is" if len(names) == 1 else "are"
        out.append(
            f"{crossing.key}: {crossing.text}; {', '.join(names)} {verb} valid only for "
            f"{crossing.valid} and {verb} {crossing.beyond} beyond it"
        )
    return out
