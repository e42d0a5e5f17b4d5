"""E141, kept for old cards: the E141 entry of the dark-photon recast, on the ``e141_limit`` band.

The layer reads the published band from the input ``e141_limit`` (default the shipped
``e141_1987_epsilon``, the same numbers as the recast's ``E141_Riordan1987aw``; a card may give
its own band file, columns mass, lower edge, upper edge) and recasts it with E141's acceptance
(displaced, from the shipped ``E141_Riordan1987aw`` sidecar) exactly as the
``dark_photon_limits`` layer does: excluded where N_model / N_lim > 1, lifetime and invisible
width included. It replaces the earlier ``br_scaled`` approximation, which ignored the change of
lifetime.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Constraint, EvaluationContext, Field, Mask, Output
from .dark_photon_limits import recast_ratio, shared_zprime_decays

__all__ = ["E141", "E141_ENTRY"]

#: The recast entry whose acceptance the layer uses.
E141_ENTRY = "E141_Riordan1987aw"


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    prepared = ctx.inputs.band_recast("e141_limit", E141_ENTRY)
    ratio, _ = recast_ratio(prepared, ctx, shared_zprime_decays(ctx), {}, False)
    ratio = ctx.full(ratio)
    citation = prepared.limit.citation
    return {
        "e141_signal_ratio": Field(
            ratio, "1", f"E141 recast signal over limit yield, 0 outside the band ({citation})"
        ),
        "e141_excluded": Mask(ratio > 1.0, f"excluded by E141 ({citation})"),
    }


E141 = Constraint(
    name="e141",
    options={},
    outputs=(
        Output("e141_signal_ratio", "field"),
        Output(
            "e141_excluded",
            "mask",
            summary="excluded",
            region_field="e141_signal_ratio",
            region_level=1.0,
            region_side="above",
        ),
    ),
    compute=_evaluate,
)
