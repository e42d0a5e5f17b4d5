"""Proper-lifetime contours of nu_h and Z' (dotted grey in Fig. 3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hepunits import ps

from .base import Constraint, EvaluationContext, Field, Mask, Output
from .domains import STANDARD_WIDTH

__all__ = ["LIFETIMES"]


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    return {
        "lifetime_nuh_ps": Field(
            ctx.full(ctx.decays.nuh_lifetime / ps), "ps", "proper lifetime of nu_h"
        ),
        "lifetime_zprime_ps": Field(
            ctx.full(ctx.decays.zprime_lifetime / ps), "ps", "proper lifetime of Z'"
        ),
    }


LIFETIMES = Constraint(
    name="lifetimes",
    options={"levels_ps": [1.0, 10.0, 100.0]},
    outputs=(
        Output("lifetime_nuh_ps", "field", "ps", level="levels_ps", summary="nuh_ps"),
        Output("lifetime_zprime_ps", "field", "ps", level="levels_ps", summary="zprime_ps"),
    ),
    compute=_evaluate,
    thresholds=(STANDARD_WIDTH,),
)
