"""E141 dark-photon beam-dump limit in (m_Z', epsilon) applied to epsilon = c_W chi.

Default: excluded where epsilon lies between the lower and upper edges of the published
band at m_Z'. Option ``br_scaled``: use epsilon sqrt(BR(Z' -> e+e-)) instead, an approximate
account of the invisible Z' decays of this model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..constants import C_W
from .base import Constraint, EvaluationContext, Field, Mask, Output

__all__ = ["E141"]


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    band = ctx.inputs.limit("e141_limit")
    m_z = ctx.model.m_zprime
    epsilon = C_W * ctx.model.chi
    if options["br_scaled"]:
        epsilon = epsilon * np.sqrt(ctx.decays.zprime_br("ee"))
    inside = band.in_range(m_z)
    safe_m = np.where(inside, m_z, band.x_min)
    lower = band.interpolate(band.lower_column, safe_m)
    upper = band.interpolate(band.upper_column, safe_m)
    excluded = ctx.full(inside & (epsilon >= lower) & (epsilon <= upper))
    return {
        "e141_epsilon": Field(
            ctx.full(epsilon), "1", "dark-photon epsilon compared with the E141 band"
        ),
        "e141_excluded": Mask(excluded, f"excluded by E141 ({band.citation})"),
    }


E141 = Constraint(
    name="e141",
    options={"br_scaled": False},
    outputs=(
        Output("e141_epsilon", "field"),
        Output("e141_excluded", "mask", summary="excluded"),
    ),
    compute=_evaluate,
)
