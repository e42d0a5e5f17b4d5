"""Peak searches K+ -> mu+ N reinterpreted for a visibly decaying nu_h (Sec. IV B 1).

A published 90% CL limit |U|^2_lim(m) assumes the event shows a single charged track. A nu_h
that gives a visible pair inside the veto region is rejected except for the inefficiency
eps_miss, so the surviving fraction of signal is

    f = 1 - P_vis (1 - eps_miss),
    P_vis = BR(nu_h -> nu Z') BR(Z' -> visible) P(nu_h, then Z', decay inside the veto region)
            + BR(nu_h -> nu l+ l-, nu pi+ pi- via Z'*) P(nu_h decays inside it),

and the point is excluded where |U_muh|^2 f > |U|^2_lim(m). f is continuous: it has no
threshold or switch. Modes: "lifetime" (default) takes the decay probabilities from the lab
decay lengths and the veto size of each experiment (``decay_mode`` "averaged", the default,
or "mean"); "paper" is its prompt approximation, every decay probability set to 1, so that
f = 1 - BR_vis (1 - eps_miss) is the paper's 1/eps_miss = 200 times weaker bound where
nu_h decays visibly. The standard (mixing-only) nu_h decays are not counted: the published
limits already include them, and chi -> 0 returns the published bound exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask, Output
from .domains import KAON_PRODUCTION
from .na62 import kaon_momentum

__all__ = ["MODES", "PEAK_SEARCH", "visible_probability"]

#: Peak-search reinterpretation modes.
MODES = ("lifetime", "paper")


def visible_probability(
    ctx: EvaluationContext, experiment: Any, mode: str, decay_mode: str = "averaged"
) -> np.ndarray:
    """Probability P_vis that nu_h gives a visible pair inside the experiment's veto region.

    Parameters
    ----------
    ctx : EvaluationContext
        Model grid and shared decay quantities.
    experiment : Experiment
        Its ``veto_radius`` (kaons at rest) or ``veto_length`` (in flight), mm.
    mode : {"lifetime", "paper"}
        "paper": every decay probability is 1 (prompt approximation).
    decay_mode : {"averaged", "mean"}
        How the lab decay probabilities are computed in "lifetime" mode.
    """
    decays = ctx.decays
    cascade, direct = decays.nuh_cascade_visible_fraction, decays.nuh_direct_visible_fraction
    if mode == "paper":
        return np.asarray(cascade + direct, float)
    distance = experiment.get("veto_radius" if "veto_radius" in experiment else "veto_length")
    p_h, p_joint = ctx.cascade_probabilities(distance, kaon_momentum(experiment), decay_mode)
    return cascade * p_joint + direct * p_h


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    mode = options["mode"]
    if mode not in MODES:
        raise ConstraintError(
            f"constraints.peak_search.mode: {mode!r} is not allowed; allowed: {', '.join(MODES)}"
        )
    if options["decay_mode"] not in ("averaged", "mean"):
        raise ConstraintError(
            f"constraints.peak_search.decay_mode: {options['decay_mode']!r} is not allowed; "
            "allowed: averaged, mean"
        )
    out: dict[str, Field | Mask] = {}
    for key in options["experiments"]:
        experiment = ctx.inputs.experiment(key)
        limit = ctx.inputs.limit(f"{key}_limit")
        eps_miss = experiment.get("eps_miss")
        m_nuh = ctx.model.m_nuh
        # the published limit depends on the mass only: interpolate once per mass value
        in_range = limit.in_range(m_nuh)
        safe_mass = np.where(in_range, m_nuh, limit.x_min)
        bound = np.where(in_range, limit.interpolate(limit.value_column, safe_mass), 1.0)
        domain = ctx.full(in_range)
        p_vis = visible_probability(ctx, experiment, mode, options["decay_mode"])
        surviving = (1.0 - p_vis) + p_vis * eps_miss  # = 1 - P_vis (1 - eps_miss)
        u2 = ctx.model.U_muh2
        ratio = ctx.full(u2 * surviving / bound)
        original = ctx.full(u2 / bound)
        cite = limit.citation
        out[f"peak_search_{key}_ratio"] = Field(
            ratio,
            "1",
            f"|U_muh|^2 f / published limit ({cite}); excluded above 1",
            domain=domain,
        )
        out[f"peak_search_{key}_original_ratio"] = Field(
            original,
            "1",
            f"|U_muh|^2 / published limit, no reinterpretation ({cite})",
            domain=domain,
        )
        out[f"peak_search_{key}_limit_U2"] = Field(
            ctx.full(bound),
            "1",
            f"published 90% CL limit on |U_muN|^2 at m_nuh ({cite})",
            domain=domain,
        )
        out[f"peak_search_{key}_surviving_fraction"] = Field(
            ctx.full(surviving),
            "1",
            "fraction of nu_h events surviving the visible-decay veto",
            domain=domain,
        )
        out[f"peak_search_{key}_excluded"] = Mask(
            (ratio > 1.0) & domain, f"excluded by the reinterpreted {key} peak search"
        )
        out[f"peak_search_{key}_original_excluded"] = Mask(
            (original > 1.0) & domain, f"excluded by the published {key} peak search"
        )
    return out


_PER = "experiments"  # one copy of each output per experiment key ({item})
#: Per experiment: ratios to the published limit (reinterpreted, and as published: a reference),
#: the limit, the surviving fraction (fields defined where the published limit covers m_nuh) and
#: two masks (the published one a reference).
_OUTPUTS = (
    Output(
        "peak_search_{item}_ratio",
        "field",
        level=1.0,
        domain="peak_search_{item}_ratio_domain",
        per=_PER,
    ),
    Output(
        "peak_search_{item}_original_ratio",
        "field",
        level=1.0,
        domain="peak_search_{item}_original_ratio_domain",
        per=_PER,
        reference=True,
    ),
    Output(
        "peak_search_{item}_limit_U2",
        "field",
        domain="peak_search_{item}_limit_U2_domain",
        summary="limit_U2",
        outside=None,
        per=_PER,
    ),
    Output(
        "peak_search_{item}_surviving_fraction",
        "field",
        domain="peak_search_{item}_surviving_fraction_domain",
        summary="surviving_fraction",
        per=_PER,
    ),
    Output(
        "peak_search_{item}_excluded",
        "mask",
        summary="excluded",
        per=_PER,
        region_field="peak_search_{item}_ratio",
        region_level=1.0,
        region_side="above",
    ),
    Output(
        "peak_search_{item}_original_excluded",
        "mask",
        per=_PER,
        region_field="peak_search_{item}_original_ratio",
        region_level=1.0,
        region_side="above",
        reference=True,
    ),
)


PEAK_SEARCH = Constraint(
    name="peak_search",
    options={"mode": "lifetime", "decay_mode": "averaged", "experiments": ["kek", "e949", "na62"]},
    outputs=_OUTPUTS,
    compute=_evaluate,
    thresholds=(KAON_PRODUCTION,),
)
