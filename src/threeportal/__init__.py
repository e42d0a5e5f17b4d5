"""threeportal: scans, bounds and sensitivities for the three-portal dark-neutrino model.

Rebuilds Fig. 3 of P. Ballett, M. Hostert, S. Pascoli, "Dark neutrinos and a three portal
connection to the Standard Model", arXiv:1903.07589, and lets users rerun it with new
parameters and experimental inputs.
"""

from __future__ import annotations

from ._version import __version__
from .model import ModelError, ModelPoint

__all__ = ["ModelError", "ModelPoint", "__version__"]
