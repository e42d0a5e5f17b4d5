"""Decay quantities of a model (point or grid), each computed once and shared by all layers."""

from __future__ import annotations

from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..constants import c_light
from ..model import ModelPoint
from .decays import branching_ratios, total_width
from .kinematics import lifetime
from .nuh import nuh_widths
from .zprime import zprime_widths

__all__ = ["VISIBLE_ZPRIME_CHANNELS", "DecayState"]

#: Z' channels that leave a visible (charged) pair in a detector.
VISIBLE_ZPRIME_CHANNELS = ("ee", "mumu", "tautau", "hadrons")
#: nu_h dark channels that are visible without an on-shell Z' (``nu_nunu_zprime`` is not).
#: The standard (mixing-only) channels are left out on purpose: the published peak-search
#: limits already include them, and on the Fig. 3 planes their visible BR is below 2e-11.
_VISIBLE_NUH_DIRECT = ("nu_ee_zprime", "nu_mumu_zprime", "nu_pipi_zprime")


class DecayState:
    """Widths, totals, branching ratios and lifetimes of nu_h and Z' for one model.

    Every attribute is computed on first use and cached, so layers evaluated on the same
    grid share the work. Widths in MeV, lifetimes in hepunits time.
    """

    def __init__(self, model: ModelPoint) -> None:
        self.model = model
        self._br_cache: dict[tuple[str, tuple[str, ...]], NDArray[np.float64]] = {}

    @cached_property
    def nuh_widths(self) -> dict[str, NDArray[np.float64]]:
        """Partial widths of nu_h (MeV)."""
        return nuh_widths(self.model)

    @cached_property
    def zprime_widths(self) -> dict[str, NDArray[np.float64]]:
        """Partial widths of Z' (MeV)."""
        return zprime_widths(self.model)

    @cached_property
    def nuh_total_width(self) -> NDArray[np.float64]:
        """Total width of nu_h (MeV)."""
        return total_width(self.nuh_widths)

    @cached_property
    def zprime_total_width(self) -> NDArray[np.float64]:
        """Total width of Z' (MeV)."""
        return total_width(self.zprime_widths)

    @cached_property
    def nuh_branching_ratios(self) -> dict[str, NDArray[np.float64]]:
        """Branching ratios of every nu_h channel (see :meth:`nuh_br` for one)."""
        return branching_ratios(self.nuh_widths)

    @cached_property
    def zprime_branching_ratios(self) -> dict[str, NDArray[np.float64]]:
        """Branching ratios of every Z' channel (see :meth:`zprime_br` for one)."""
        return branching_ratios(self.zprime_widths)

    def nuh_br(self, *channels: str) -> NDArray[np.float64]:
        """Summed branching ratio of some nu_h channels, computed without the others."""
        return self._br("nuh", channels, self.nuh_widths, self.nuh_total_width)

    def zprime_br(self, *channels: str) -> NDArray[np.float64]:
        """Summed branching ratio of some Z' channels, computed without the others."""
        return self._br("zprime", channels, self.zprime_widths, self.zprime_total_width)

    def _br(
        self, particle: str, channels: tuple[str, ...], widths: dict, total: NDArray
    ) -> NDArray:
        key = (particle, channels)
        if key not in self._br_cache:
            partial = widths[channels[0]]
            for channel in channels[1:]:
                partial = partial + widths[channel]
            safe = np.where(total > 0, total, 1.0)
            self._br_cache[key] = np.where(total > 0, partial / safe, 0.0)
        return self._br_cache[key]

    @cached_property
    def nuh_lifetime(self) -> NDArray[np.float64]:
        """Proper lifetime of nu_h (hepunits time; ``/ ps`` for picoseconds)."""
        return lifetime(self.nuh_total_width)

    @cached_property
    def zprime_lifetime(self) -> NDArray[np.float64]:
        """Proper lifetime of Z' (hepunits time)."""
        return lifetime(self.zprime_total_width)

    @cached_property
    def nuh_ctau(self) -> NDArray[np.float64]:
        """Proper decay length c tau of nu_h (hepunits length)."""
        return c_light * self.nuh_lifetime

    @cached_property
    def zprime_ctau(self) -> NDArray[np.float64]:
        """Proper decay length c tau of Z' (hepunits length)."""
        return c_light * self.zprime_lifetime

    @cached_property
    def zprime_visible_fraction(self) -> NDArray[np.float64]:
        """BR(Z' -> e+e-, mu+mu-, tau+tau-, hadrons)."""
        return self.zprime_br(*VISIBLE_ZPRIME_CHANNELS)

    @cached_property
    def nuh_cascade_visible_fraction(self) -> NDArray[np.float64]:
        """BR(nu_h -> nu Z') BR(Z' -> visible): the two-step visible cascade."""
        return self.nuh_br("nu_zprime") * self.zprime_visible_fraction

    @cached_property
    def nuh_direct_visible_fraction(self) -> NDArray[np.float64]:
        """Visible nu_h dark decays through an off-shell Z' (l+ l-, hadrons)."""
        return self.nuh_br(*_VISIBLE_NUH_DIRECT)
