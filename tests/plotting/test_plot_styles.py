"""Axis labels, fixed-parameter text and layer styles."""

from __future__ import annotations

import matplotlib
import pytest

from threeportal.plotting import PlottingError, figure_style
from threeportal.plotting.styles import axis_label, format_parameter, layer_style


def test_axis_labels_have_units_in_mathtext() -> None:
    assert axis_label("m_nuh", "MeV") == r"$m_{\nu_h}$ [MeV]"
    assert axis_label("m_zprime", "MeV") == r"$m_{Z'}$ [MeV]"
    assert axis_label("U_muh2", "1") == r"$|U_{\mu h}|^2$"
    assert axis_label("something_new", "GeV") == "something_new [GeV]"


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("chi2", 1e-8, r"$\chi^2$ = $10^{-8}$"),
        ("U_Dh2", 1.0, r"$|U_{D h}|^2$ = 1"),
        ("chi2", 2.5e-9, r"$\chi^2$ = $2.5\times 10^{-9}$"),
        ("m_zprime", "150 MeV", r"$m_{Z'}$ = 150 MeV"),
        ("g_prime", 0.375, "$g'$ = 0.375"),
        ("nature", "dirac", r"pseudo-Dirac $\nu_h$"),
        ("nature", "majorana", r"Majorana $\nu_h$"),
    ],
)
def test_format_parameter(name: str, value, text: str) -> None:
    assert format_parameter(name, value) == text


def test_layer_style_from_registry_with_overrides() -> None:
    style = layer_style("na48_2", "region", {"alpha": 1.0})
    assert style["kind"] == "region" and style["edgecolor"] == "tab:red" and style["alpha"] == 1.0
    assert style["label"] == "NA48/2"
    unknown = layer_style("my_new_limit", "curve")
    assert unknown["kind"] == "curve" and unknown["label"] == "my_new_limit"


def test_figure_style_is_reproducible_and_scoped() -> None:
    with matplotlib.rc_context({"font.size": 13.0}):
        with figure_style(["fast"]):
            assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
            assert matplotlib.rcParams["font.size"] == 7.5
            assert not matplotlib.rcParams["text.usetex"]
        assert matplotlib.rcParams["font.size"] == 13.0
    with pytest.raises(PlottingError, match=r"^style: 'nope' is not a valid"):
        with figure_style(["nope"]):
            pass
