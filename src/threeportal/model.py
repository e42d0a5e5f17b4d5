"""The model point: every parameter of the three-portal model in one validated object.

A :class:`ModelPoint` holds masses in hepunits (MeV) and dimensionless couplings. Its
fields may be numpy arrays that broadcast against each other, so one object describes a
whole scan grid (e.g. ``m_nuh`` of shape ``(n, 1)`` and ``U_muh2`` of shape ``(1, m)``).

:data:`PARAMETERS` is the one table of the model's numeric parameters (name, dimension, unit,
symbol, and the aliases ``chi`` and ``eps`` of ``chi2``); point parsing, scan cards,
refinement and plot labels all read it, and :meth:`ModelPoint.from_mapping` is the one place
where an alias is converted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .constants import C_W
from .errors import ThreeportalError

__all__ = [
    "MASS_PARAMETERS",
    "NATURES",
    "NUMBER_PARAMETERS",
    "PARAMETERS",
    "ModelError",
    "ModelPoint",
    "Parameter",
    "canonical_name",
]

Nature = Literal["dirac", "majorana"]
#: The allowed values of the model's ``nature`` (of nu_h).
NATURES: tuple[str, ...] = ("dirac", "majorana")


@dataclass(frozen=True)
class Parameter:
    """One numeric model parameter as users write it.

    Attributes
    ----------
    name : str
        Key in cards, ``threeportal point`` arguments and result files.
    dimension : {"mass", "dimensionless"}
        Masses are written with a unit and held in hepunits (MeV).
    unit : str
        Display unit: ``"MeV"`` for masses, ``"1"`` for dimensionless numbers.
    symbol : str
        Mathtext symbol for plot labels.
    description : str
        A few words for help texts.
    alias_of : str or None
        The :class:`ModelPoint` field this parameter is another way of writing.
    to_field : callable or None
        Converts a value of this parameter to the value of ``alias_of``.
    """

    name: str
    dimension: Literal["mass", "dimensionless"]
    unit: str
    symbol: str
    description: str
    alias_of: str | None = None
    to_field: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = None


def _chi_to_chi2(chi: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.square(chi)


def _eps_to_chi2(eps: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.square(eps / C_W)  # epsilon = c_W chi (dark-photon convention)


#: Every numeric model parameter, by name (the ``nature`` of nu_h is a word, see NATURES).
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("m_nuh", "mass", "MeV", r"$m_{\nu_h}$", "heavy-neutrino mass"),
        Parameter("m_zprime", "mass", "MeV", r"$m_{Z'}$", "Z' mass"),
        Parameter("v_phi", "mass", "MeV", r"$v_\varphi$", "dark-scalar vev (g' = m_Z'/v_phi)"),
        Parameter("U_eh2", "dimensionless", "1", r"$|U_{e h}|^2$", "mixing |U_eh|^2"),
        Parameter("U_muh2", "dimensionless", "1", r"$|U_{\mu h}|^2$", "mixing |U_muh|^2"),
        Parameter("U_tauh2", "dimensionless", "1", r"$|U_{\tau h}|^2$", "mixing |U_tauh|^2"),
        Parameter("U_Dh2", "dimensionless", "1", r"$|U_{D h}|^2$", "dark mixing |U_Dh|^2"),
        Parameter("chi2", "dimensionless", "1", r"$\chi^2$", "kinetic mixing squared"),
        Parameter("chi", "dimensionless", "1", r"$\chi$", "kinetic mixing", "chi2", _chi_to_chi2),
        Parameter(
            "eps",
            "dimensionless",
            "1",
            r"$\varepsilon$",
            "dark-photon mixing eps = c_W chi",
            "chi2",
            _eps_to_chi2,
        ),
        Parameter("g_prime", "dimensionless", "1", r"$g'$", "dark gauge coupling"),
    )
}
#: Names of the mass parameters (written with a unit, held in MeV).
MASS_PARAMETERS: tuple[str, ...] = tuple(
    name for name, p in PARAMETERS.items() if p.dimension == "mass"
)
#: Names of the dimensionless parameters (plain numbers).
NUMBER_PARAMETERS: tuple[str, ...] = tuple(
    name for name, p in PARAMETERS.items() if p.dimension == "dimensionless"
)


def canonical_name(name: str) -> str:
    """The :class:`ModelPoint` field a parameter name sets (``"chi"`` -> ``"chi2"``)."""
    parameter = PARAMETERS.get(name)
    return name if parameter is None or parameter.alias_of is None else parameter.alias_of


class ModelError(ThreeportalError):
    """An invalid model parameter; the message names the parameter and its allowed range."""


def _array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"{name}: {value!r} is not a number") from None
    if not np.all(np.isfinite(arr)):
        raise ModelError(f"{name}: must be finite (got NaN or inf)")
    return arr


@dataclass(frozen=True)
class ModelPoint:
    """One point (or a broadcastable grid of points) of the three-portal model.

    Parameters
    ----------
    m_nuh : array_like
        Heavy-neutrino mass, MeV (hepunits). Must be > 0.
    m_zprime : array_like
        Z' mass, MeV (hepunits). Must be > 0.
    U_eh2, U_muh2, U_tauh2 : array_like
        Active-heavy mixings |U_alpha h|^2, each in [0, 1] (at least one must be > 0 for
        kaon production; zero is allowed for the flavours not in use).
    U_Dh2 : array_like
        Dark-heavy mixing |U_Dh|^2 in (0, 1]. Default 1.
    chi2 : array_like
        Kinetic mixing squared chi^2; chi must satisfy 0 <= chi < 1.
    g_prime : array_like, optional
        Dark gauge coupling g'. Give exactly one of ``g_prime`` and ``v_phi``.
    v_phi : array_like, optional
        Dark-scalar vev, MeV (hepunits); then g' = m_Z' / v_phi.
    nature : {"dirac", "majorana"}
        Nature of nu_h. The paper's Fig. 3 uses a (pseudo-)Dirac state.
    """

    m_nuh: ArrayLike
    m_zprime: ArrayLike
    U_muh2: ArrayLike = 0.0
    U_eh2: ArrayLike = 0.0
    U_tauh2: ArrayLike = 0.0
    U_Dh2: ArrayLike = 1.0
    chi2: ArrayLike = 0.0
    g_prime: ArrayLike | None = None
    v_phi: ArrayLike | None = None
    nature: Nature = "dirac"
    _g: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("m_nuh", "m_zprime"):
            arr = _array(name, getattr(self, name))
            if np.any(arr <= 0):
                raise ModelError(f"{name}: masses must be > 0 MeV")
            set_(self, name, arr)
        for name in ("U_eh2", "U_muh2", "U_tauh2"):
            arr = _array(name, getattr(self, name))
            if np.any((arr < 0) | (arr > 1)):
                raise ModelError(f"{name}: mixing must lie in [0, 1]")
            set_(self, name, arr)
        u_dh2 = _array("U_Dh2", self.U_Dh2)
        if np.any((u_dh2 <= 0) | (u_dh2 > 1)):
            raise ModelError("U_Dh2: mixing must lie in (0, 1]")
        set_(self, "U_Dh2", u_dh2)
        if np.any(self.U_eh2 + self.U_muh2 + self.U_tauh2 > 1):
            raise ModelError("U_eh2 + U_muh2 + U_tauh2: the total active mixing must be <= 1")
        chi2 = _array("chi2", self.chi2)
        if np.any((chi2 < 0) | (chi2 >= 1)):
            raise ModelError("chi2: kinetic mixing must satisfy 0 <= chi^2 < 1 (chi < 1)")
        set_(self, "chi2", chi2)
        if self.nature not in ("dirac", "majorana"):
            raise ModelError(f"nature: {self.nature!r} is not one of 'dirac', 'majorana'")
        if (self.g_prime is None) == (self.v_phi is None):
            raise ModelError("g_prime/v_phi: give exactly one of g_prime and v_phi")
        if self.g_prime is not None:
            g = _array("g_prime", self.g_prime)
            if np.any(g < 0):
                raise ModelError("g_prime: the dark coupling must be >= 0")
            set_(self, "g_prime", g)
        else:
            v_phi = _array("v_phi", self.v_phi)
            if np.any(v_phi <= 0):
                raise ModelError("v_phi: the dark vev must be > 0 MeV")
            set_(self, "v_phi", v_phi)
            g = self.m_zprime / v_phi
        if np.any(g > np.sqrt(4 * np.pi)):
            raise ModelError("g_prime: the dark coupling must be perturbative, g' <= sqrt(4 pi)")
        set_(self, "_g", g)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> ModelPoint:
        """A point from parameter names of :data:`PARAMETERS` (aliases allowed) and ``nature``.

        Parameters
        ----------
        mapping : mapping
            Values in hepunits internal units (masses in MeV), scalars or broadcastable
            arrays; ``chi`` and ``eps`` are converted to ``chi2`` here.

        Raises
        ------
        ModelError
            For an unknown name, two names of the same parameter, or a value out of range.
        """
        values: dict[str, Any] = {}
        given: dict[str, str] = {}
        for name, value in mapping.items():
            if name != "nature" and name not in PARAMETERS:
                allowed = ", ".join([*PARAMETERS, "nature"])
                raise ModelError(f"{name}: unknown model parameter; allowed: {allowed}")
            target = canonical_name(name)
            if target in given:
                raise ModelError(f"{name}: give one of {given[target]} and {name}, not both")
            given[target] = name
            convert = PARAMETERS[name].to_field if name in PARAMETERS else None
            if convert is not None:
                value = convert(_array(name, value))
            values[target] = value
        return cls(**values)

    # --- derived couplings ------------------------------------------------------------
    @property
    def g(self) -> NDArray[np.float64]:
        """Dark gauge coupling g' (resolved from ``v_phi`` when that was given)."""
        return self._g

    @property
    def chi(self) -> NDArray[np.float64]:
        """Kinetic mixing chi (hypercharge mixing, paper Eq. 6)."""
        return np.sqrt(self.chi2)

    @property
    def epsilon(self) -> NDArray[np.float64]:
        """Dark-photon epsilon = c_W chi, as used by dark-photon limits."""
        return C_W * self.chi

    @property
    def U_active2(self) -> NDArray[np.float64]:
        """Sum over flavours of |U_alpha h|^2."""
        return self.U_eh2 + self.U_muh2 + self.U_tauh2

    @property
    def U_light_D2(self) -> NDArray[np.float64]:
        """Light-neutrino content of nu_D, sum_i |U_Di|^2 = sum_alpha |U_alpha h|^2 (ISS)."""
        return self.U_active2

    @property
    def majorana_factor(self) -> float:
        """1 for a Majorana nu_h, 1/2 for (pseudo-)Dirac (sentence after paper Eq. 13)."""
        return 1.0 if self.nature == "majorana" else 0.5

    @property
    def shape(self) -> tuple[int, ...]:
        """Broadcast shape of all array-valued parameters."""
        arrays = [
            self.m_nuh,
            self.m_zprime,
            self.U_eh2,
            self.U_muh2,
            self.U_tauh2,
            self.U_Dh2,
            self.chi2,
            self._g,
        ]
        return np.broadcast_shapes(*(np.shape(a) for a in arrays))

    def replace(self, **changes: object) -> ModelPoint:
        """A copy with some parameters changed (validated again)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        if "g_prime" in changes and changes["g_prime"] is not None:
            values["v_phi"] = None
        if "v_phi" in changes and changes["v_phi"] is not None:
            values["g_prime"] = None
        values.update(changes)
        return ModelPoint(**values)  # type: ignore[arg-type]
