"""The model point: every parameter of the three-portal model in one validated object.

A :class:`ModelPoint` holds masses in hepunits (MeV) and dimensionless couplings. Its
fields may be numpy arrays that broadcast against each other, so one object describes a
whole scan grid (e.g. ``m_nuh`` of shape ``(n, 1)`` and ``U_muh2`` of shape ``(1, m)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ThreeportalError

__all__ = ["ModelError", "ModelPoint"]

Nature = Literal["dirac", "majorana"]


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
        from .constants import C_W

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
