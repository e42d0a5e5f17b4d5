"""Every published dark-photon limit recast onto the Z' (spec RECAST.md, docs/recast.md).

For each selected limit the layer gives ``<NAME>_signal_ratio`` = N_model / N_lim (excluded
above 1) with its domain (the limit's mass range), and two masks: excluded by a visible search,
excluded by an invisible (missing-energy) search. ``NAME`` is the limit's file stem, e.g.
``E137_Andreas2012mt``. Per-mass quantities of a limit are prepared once per tabulated mass and
interpolated once per Z' mass of the grid; the Z' widths and lifetime are the shared ones of
the evaluation context, and the branching ratio seen by a search is computed once per set of
final states, not per limit.

Options: ``limits`` (``"all"``: every shipped limit, or a list of shipped names and paths to a
user's ``.toml`` sidecar) and ``nuh_invisible`` (nu_h counts as invisible when it escapes).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..data.common import SHIPPED_NAME
from ..data.dark_photon import shipped_dark_photon_limits
from ..physics.recast import RecastLimit, ZprimeDecays, seen_width, signal_ratio
from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask, Output, scalar

__all__ = ["DARK_PHOTON_LIMITS", "DarkPhotonLimitsLayer", "recast_ratio", "shared_zprime_decays"]

_LAYER = "dark_photon_limits"
_DERIVED = ("names", "sources")


def shared_zprime_decays(ctx: EvaluationContext) -> ZprimeDecays:
    """The recast's Z' quantities built from the context's shared decay state (once per grid)."""
    decays = ctx.decays
    total = decays.zprime_total_width
    with np.errstate(divide="ignore"):
        inverse = np.where(total > 0, 1.0 / total, 0.0)
    eps = np.broadcast_to(ctx.model.epsilon, total.shape)
    return ZprimeDecays(eps, decays.zprime_widths, inverse, decays.zprime_lifetime)


def recast_ratio(
    prepared: RecastLimit,
    ctx: EvaluationContext,
    decays: ZprimeDecays,
    seen: dict[tuple[str, ...], NDArray[np.float64]],
    nuh_invisible: bool,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """(signal ratio, domain) of one prepared limit on the context's grid.

    ``seen`` caches eps^2 BR_seen per set of final states (shared by the limits seeing the
    same ones); the ratio takes eps = 1 with that product, N = eps^2 BR_seen E(tau) being the
    same number.
    """
    decay = prepared.limit.decay
    if decay not in seen:
        width = seen_width(decays.widths, decay, nuh_invisible)
        seen[decay] = np.square(decays.eps) * width * decays.inverse_total
    m = np.asarray(ctx.model.m_zprime, float)
    domain = np.zeros(m.shape, dtype=bool)
    where = _mass_span(prepared, m, len(ctx.shape))
    if where is None:
        return np.zeros(ctx.shape), domain
    inputs = [np.broadcast_to(x, ctx.shape) for x in (seen[decay], decays.tau)]
    part, part_domain = signal_ratio(prepared, m[where[0]], 1.0, *(x[where[1]] for x in inputs))
    if part.shape == ctx.shape:  # the whole grid is in the limit's mass range
        return part, part_domain
    ratio = np.zeros(ctx.shape)
    ratio[where[1]] = part
    domain[where[0]] = part_domain
    return ratio, domain


def _mass_span(
    prepared: RecastLimit, m: NDArray[np.float64], ndim: int
) -> tuple[tuple[Any, ...], tuple[slice, ...]] | None:
    """Index of the part of the grid whose m_Z' lies in the limit's tabulated range.

    Returns (index into ``m``, index into the grid), or None when no mass is in range. When
    m_Z' varies along one grid axis only, the index keeps the span of that axis between the
    first and last mass in range (the work is then proportional to the limit's mass range);
    otherwise it is the whole grid.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.log(m)
    inside = (u >= prepared.log_mass[0]) & (u <= prepared.log_mass[-1])
    if not inside.any():
        return None
    everything = (slice(None),) * ndim
    varying = [axis for axis, n in enumerate(m.shape) if n > 1]
    if m.ndim != ndim or len(varying) != 1:
        return (slice(None),) * m.ndim, everything
    rows = np.flatnonzero(inside.reshape(-1))
    span = [slice(None)] * ndim
    span[varying[0]] = slice(int(rows[0]), int(rows[-1]) + 1)
    return tuple(span), tuple(span)


def _selection(limits: Any) -> tuple[list[str], list[str]]:
    """(names, sources) of the ``limits`` option; ConstraintError for a bad entry."""
    where = f"constraints.{_LAYER}.limits"
    shipped = shipped_dark_photon_limits()
    if limits == "all":
        return list(shipped), list(shipped)
    if not isinstance(limits, (list, tuple)) or not limits:
        raise ConstraintError(
            f'{where}: expected "all" or a non-empty list of shipped names and .toml paths'
        )
    names: list[str] = []
    for entry in limits:
        if not isinstance(entry, str) or not entry.strip():
            raise ConstraintError(f"{where}: {entry!r} is not a limit name or a file path")
        if SHIPPED_NAME.match(entry):
            if entry not in shipped:
                raise ConstraintError(
                    f"{where}: {entry!r} is not a shipped dark-photon limit; shipped: "
                    f"{', '.join(shipped)} (or give the path of your own .toml sidecar)"
                )
            name = entry
        else:
            path = Path(entry).expanduser()
            if path.suffix not in (".toml", ".lmt"):
                raise ConstraintError(
                    f"{where}: {entry!r} is neither a shipped name nor a .toml/.lmt path"
                )
            name = path.stem
        if name in names:
            raise ConstraintError(f"{where}: the limit {name!r} is selected twice; keep one")
        names.append(name)
    return names, list(limits)


class DarkPhotonLimitsLayer(Constraint):
    """The recast layer: options resolve to limit names; one summary entry per limit."""

    def resolve_options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Options with ``limits`` checked and expanded: ``names`` (the limits' file stems)
        and ``sources`` (what to load). Resolved options may be resolved again."""
        overrides = dict(overrides or {})
        derived = {key: overrides.pop(key) for key in _DERIVED if key in overrides}
        options = super().resolve_options(overrides)
        if not isinstance(options["nuh_invisible"], bool):
            raise ConstraintError(
                f"constraints.{_LAYER}.nuh_invisible: expected true or false, "
                f"got {options['nuh_invisible']!r}"
            )
        options["names"], options["sources"] = _selection(options["limits"])
        for key, value in derived.items():
            if list(value) != options[key]:
                raise ConstraintError(
                    f"constraints.{_LAYER}.{key}: unknown option; allowed: limits, nuh_invisible"
                )
        return options

    def summary(
        self, result: Mapping[str, Field | Mask], options: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """``{NAME: {"signal_ratio", "excluded"}}`` for the limits whose mass range holds the
        point's m_Z', and ``excluded_by``: the names of those that exclude it."""
        if not result:
            return None
        out: dict[str, Any] = {}
        excluded_by = []
        for name in options["names"]:
            entry = result[f"{name}_signal_ratio"]
            if not isinstance(entry, Field) or not scalar(entry.domain):
                continue
            ratio = float(scalar(entry.values))
            out[name] = {"signal_ratio": ratio, "excluded": ratio > 1.0}
            if ratio > 1.0:
                excluded_by.append(name)
        out["excluded_by"] = excluded_by
        return out


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    decays = shared_zprime_decays(ctx)
    seen: dict[tuple[str, ...], NDArray[np.float64]] = {}
    visible = np.zeros(ctx.shape, dtype=bool)
    invisible = np.zeros(ctx.shape, dtype=bool)
    out: dict[str, Field | Mask] = {}
    for name, source in zip(options["names"], options["sources"], strict=True):
        prepared = ctx.inputs.dark_photon(source)
        ratio, domain = recast_ratio(prepared, ctx, decays, seen, options["nuh_invisible"])
        ratio = ctx.full(ratio)
        limit = prepared.limit
        target = invisible if limit.invisible else visible
        target |= ratio > 1.0
        out[f"{name}_signal_ratio"] = Field(
            ratio,
            "1",
            f"{limit.experiment} ({limit.citation}): recast signal over limit yield",
            domain=ctx.full(domain),
        )
    out["dark_photon_visible_excluded"] = Mask(visible, "excluded by a visible dark-photon search")
    out["dark_photon_invisible_excluded"] = Mask(
        invisible, "excluded by an invisible (missing-energy) dark-photon search"
    )
    return out


DARK_PHOTON_LIMITS = DarkPhotonLimitsLayer(
    name=_LAYER,
    options={"limits": "all", "nuh_invisible": False},
    outputs=(
        Output(
            "{item}_signal_ratio",
            "field",
            level=1.0,
            domain="{item}_signal_ratio_domain",
            per="names",
        ),
        Output("dark_photon_visible_excluded", "mask"),
        Output("dark_photon_invisible_excluded", "mask"),
    ),
    compute=_evaluate,
)
