"""Physical constants used by threeportal, each with its source.

All dimensional values are in hepunits' internal system (MeV, mm, ns), so a number
here can be divided by a hepunits unit to express it in that unit, e.g.
``M_K_PLUS / GeV``.

Particle masses come from the ``particle`` package (PDG tables) rather than being
typed by hand.
"""

from __future__ import annotations

import math

from hepunits import GeV, MeV, fm
from hepunits.constants import c_light, hbar, hbarc
from particle import Particle

__all__ = [
    "ALPHA_EM",
    "A_FERMI_SKIN",
    "BR_K_TO_MU_NU",
    "C_W",
    "C_W2",
    "E_CHARGE",
    "F_PI",
    "F_RHO",
    "G_FERMI",
    "M_C12_NUCLEUS",
    "M_ELECTRON",
    "M_K_PLUS",
    "M_MUON",
    "M_PI0",
    "M_PI_PLUS",
    "M_RHO0",
    "M_TAU",
    "R_CHARGE_C12",
    "S_W2",
    "V_UD",
    "Z_CARBON",
    "c_light",
    "hbar",
    "hbarc",
]


def _pdg_mass(pdgid: int) -> float:
    """Mass of a particle from the ``particle`` package, in hepunits (MeV)."""
    mass = Particle.from_pdgid(pdgid).mass
    if mass is None:  # pragma: no cover - the PDG table always has these masses
        raise LookupError(f"particle {pdgid} has no mass in the PDG table")
    return float(mass) * MeV


# --- Electroweak couplings -------------------------------------------------------------
#: Fine-structure constant in the Thomson limit, alpha(0) (CODATA 2018).
ALPHA_EM: float = 1.0 / 137.035999084
#: Elementary charge in natural Heaviside-Lorentz units, e = sqrt(4 pi alpha(0)).
E_CHARGE: float = math.sqrt(4.0 * math.pi * ALPHA_EM)
#: Weak mixing angle sin^2(theta_W), MS-bar at m_Z (PDG 2022, 0.23121).
S_W2: float = 0.23121
#: cos^2(theta_W).
C_W2: float = 1.0 - S_W2
#: cos(theta_W); the Z' coupling to a fermion of charge q is e c_W chi q (paper Eq. 7).
C_W: float = math.sqrt(C_W2)
#: Fermi constant (PDG 2022): 1.1663788e-5 GeV^-2.
G_FERMI: float = 1.1663788e-5 / GeV**2

# --- Hadronic inputs -------------------------------------------------------------------
#: Pion decay constant, f_pi = 130.2 MeV (PDG 2022 lattice average, f_pi+ convention).
F_PI: float = 130.2 * MeV
#: rho0 decay constant used in paper Eq. 10 ("f_rho ~ 210 MeV").
F_RHO: float = 210.0 * MeV
#: CKM element |V_ud| (PDG 2022).
V_UD: float = 0.97373
#: BR(K+ -> mu+ nu_mu) = 0.6356 (PDG 2022).
BR_K_TO_MU_NU: float = 0.6356

# --- Masses and widths (particle package, PDG tables) -----------------------------------
M_ELECTRON: float = _pdg_mass(11)
M_MUON: float = _pdg_mass(13)
M_TAU: float = _pdg_mass(15)
M_PI_PLUS: float = _pdg_mass(211)
M_PI0: float = _pdg_mass(111)
M_RHO0: float = _pdg_mass(113)
M_K_PLUS: float = _pdg_mass(321)

# --- Carbon-12 target (coherent upscattering, Sec. IV C) --------------------------------
#: Atomic number of carbon.
Z_CARBON: int = 6
#: Atomic mass unit, 931.49410242 MeV (CODATA 2018).
_AMU: float = 931.49410242 * MeV
#: C-12 nuclear mass: 12 u (atomic, by definition) minus six electron masses; the
#: electron binding energy (about 1 keV) is neglected.
M_C12_NUCLEUS: float = 12.0 * _AMU - Z_CARBON * M_ELECTRON
#: Measured rms charge radius of C-12, 2.47 fm (Angeli & Marinova 2013 give 2.4702 fm).
R_CHARGE_C12: float = 2.47 * fm
#: Surface diffuseness of the symmetrised Fermi distribution, a = 0.523 fm.
A_FERMI_SKIN: float = 0.523 * fm
