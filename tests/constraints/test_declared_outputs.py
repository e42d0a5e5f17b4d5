"""Layers declare their outputs; evaluation, point summaries and presentation follow them."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hepunits import MeV

import threeportal
from threeportal.constraints import (
    KAON_LAYERS,
    REGISTRY,
    Constraint,
    EvaluationContext,
    Field,
    Inputs,
    Mask,
    Output,
    evaluate_constraints,
)
from threeportal.model import ModelPoint
from threeportal.plotting.presentation import LAYERS

GRID = ModelPoint(
    m_nuh=np.array([[200.0], [300.0], [380.0]]) * MeV,
    m_zprime=250 * MeV,  # above 2 m_mu: every layer is present somewhere
    U_muh2=np.array([[1e-8, 1e-6]]),
    chi2=1e-8,
    v_phi=266.67 * MeV,
)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_evaluation_returns_exactly_the_declared_outputs(name):
    constraint = REGISTRY[name]
    options = constraint.resolve_options()
    result = evaluate_constraints(GRID, [name])[name]
    declared = constraint.output_names(options)
    assert len(set(declared)) == len(declared)
    assert set(result) == set(declared)
    for output in constraint.outputs:
        for item, dataset, domain in output.expand(options):
            entry = result[dataset]
            assert isinstance(entry, Field if output.kind == "field" else Mask)
            assert entry.reference is output.reference
            assert entry.item == (None if item is None else str(item))
            if output.kind == "field":
                assert entry.units == output.unit
                assert (entry.domain is None) == (domain is None)
                assert entry.domain_name == domain


def test_the_published_peak_searches_are_declared_references():
    declared = {o.name for c in REGISTRY.values() for o in c.outputs if o.reference}
    assert declared == {"peak_search_{item}_original_ratio", "peak_search_{item}_original_excluded"}
    result = evaluate_constraints(GRID, ["peak_search"])["peak_search"]
    assert result["peak_search_na62_original_excluded"].item == "na62"
    assert result["peak_search_na62_original_excluded"].reference
    assert not result["peak_search_na62_excluded"].reference


def test_levels_come_from_the_declared_option():
    result = evaluate_constraints(
        GRID, ["na62_ee", "lifetimes"], {"na62_ee": {"level": 3}, "lifetimes": {"levels_ps": [2]}}
    )
    assert result["na62_ee"]["na62_ee_expected_events"].levels == (3.0,)
    assert result["lifetimes"]["lifetime_nuh_ps"].levels == (2.0,)


def _toy(values: dict[str, object]) -> Constraint:
    def compute(ctx: EvaluationContext, options) -> dict[str, Field | Mask]:
        return {name: value for name, value in values.items()}

    return Constraint(
        name="toy",
        options={"keys": ["a", "b"]},
        outputs=(
            Output("toy_{item}_x", "field", domain="toy_{item}_x_domain", summary="x", per="keys"),
            Output("toy_{item}_y", "field", domain="d", summary="y", outside=None, per="keys"),
            Output("toy_hit", "mask", summary="hit"),
            Output("toy_hidden", "field"),
        ),
        compute=compute,
        present_where="toy_hit_field",
    )


def test_generic_summary_groups_per_item_and_applies_the_outside_value():
    inside, outside = np.array([True]), np.array([False])
    values = {
        "toy_a_x": Field(np.array([2.0]), "1", "", domain=outside),
        "toy_b_x": Field(np.array([3.0]), "1", "", domain=inside),
        "toy_a_y": Field(np.array([4.0]), "1", "", domain=outside),
        "toy_b_y": Field(np.array([5.0]), "1", "", domain=inside),
        "toy_hit": Mask(np.array([True]), ""),
        "toy_hidden": Field(np.array([6.0]), "1", ""),
        "toy_hit_field": Field(np.array([1.0]), "1", "", domain=inside),
    }
    toy = _toy(values)
    options = toy.resolve_options()
    summary = toy.summary(values, options)
    assert summary == {"a": {"x": 2.0, "y": None}, "b": {"x": 3.0, "y": 5.0}, "hit": True}
    values["toy_hit_field"] = Field(np.array([1.0]), "1", "", domain=outside)
    assert toy.summary(values, options) is None  # absent where its presence output is undefined
    assert toy.summary({}, options) is None


def test_kaon_layers_are_the_layers_declaring_a_kaon_decay():
    assert set(KAON_LAYERS) == {"peak_search", "na48_2", "na62_ee", "na62_mumu"}


def test_presentation_is_keyed_by_layer_name_and_covers_every_layer():
    assert set(LAYERS) == set(REGISTRY)
    for constraint in REGISTRY.values():
        assert not hasattr(constraint, "style") and not hasattr(constraint, "label")


def test_constraints_never_import_plotting():
    package = Path(threeportal.__file__).parent / "constraints"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "plotting" not in (node.module or ""), path.name
            elif isinstance(node, ast.Import):
                assert not any("plotting" in a.name for a in node.names), path.name


def test_a_point_summary_matches_the_evaluated_fields():
    point = GRID.replace(m_nuh=300 * MeV, U_muh2=1e-6)
    layers = evaluate_constraints(point, inputs=Inputs())
    events = float(layers["na62_ee"]["na62_ee_expected_events"].values.reshape(-1)[0])
    summary = REGISTRY["na62_ee"].summary(layers["na62_ee"], REGISTRY["na62_ee"].options)
    assert summary == {"expected_events": events, "sensitive": events >= 1.0}
