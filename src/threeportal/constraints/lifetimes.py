"""Proper-lifetime contours of nu_h and Z' (dotted grey in Fig. 3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from hepunits import ps

from .base import Constraint, EvaluationContext, Field, Mask

__all__ = ["LIFETIMES"]


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    levels = tuple(float(v) for v in options["levels_ps"])
    return {
        "lifetime_nuh_ps": Field(
            ctx.full(ctx.decays.nuh_lifetime / ps), "ps", "proper lifetime of nu_h", levels
        ),
        "lifetime_zprime_ps": Field(
            ctx.full(ctx.decays.zprime_lifetime / ps), "ps", "proper lifetime of Z'", levels
        ),
    }


def _summary(result: dict[str, Field | Mask], options: Mapping[str, Any]) -> Any:
    return {
        name.removeprefix("lifetime_"): float(np.asarray(f.values).reshape(-1)[0])
        for name, f in result.items()
    }


LIFETIMES = Constraint(
    name="lifetimes",
    label="proper lifetimes",
    style={"kind": "curve", "color": "0.45", "linestyle": "dotted", "linewidth": 1.0},
    options={"levels_ps": [1.0, 10.0, 100.0]},
    evaluate=_evaluate,
    point_summary=_summary,
)
