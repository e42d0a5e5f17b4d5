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
    # > 1 inside the band, 1 on either edge: a continuous field whose level 1 is the band
    depth = ctx.full(np.minimum(epsilon / lower, upper / epsilon))
    excluded = ctx.full(inside & (depth >= 1.0))
    return {
        "e141_epsilon": Field(
            ctx.full(epsilon), "1", "dark-photon epsilon compared with the E141 band"
        ),
        "e141_band_depth": Field(
            depth,
            "1",
            "min(epsilon / lower edge, upper edge / epsilon) of the E141 band; excluded >= 1",
            domain=ctx.full(inside),
        ),
        "e141_excluded": Mask(excluded, f"excluded by E141 ({band.citation})"),
    }


E141 = Constraint(
    name="e141",
    options={"br_scaled": False},
    outputs=(
        Output("e141_epsilon", "field"),
        Output("e141_band_depth", "field", level=1.0, domain="e141_band_depth_domain"),
        Output(
            "e141_excluded",
            "mask",
            summary="excluded",
            region_field="e141_band_depth",
            region_level=1.0,
            region_side="above",
        ),
    ),
    compute=_evaluate,
)
