"""Validation of user data files: every malformed case gives a one-line error with file and line."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from hepunits import GeV, MeV, m

from threeportal.cli.data import format_show
from threeportal.data import (
    DataFileError,
    ExperimentParameters,
    LimitCurve,
    load_experiment,
    load_limit,
)

# Lines 1-10 are the header, data rows are lines 11-13.
VALID_LIMIT = """\
# name: test_curve
# experiment: TEST
# process: K+ -> mu+ N
# observable: upper limit on |U_muN|^2
# confidence_level: 90%
# reference: A. Author et al., arXiv:0000.00000, INSPIRE Author:2000aa
# source: made up for a test
# date_added: 2026-11-27
# format_version: 1
# columns: m_N [MeV], U_mu2_limit [1]
100  1e-6
200  1e-7
300  4e-7
"""

VALID_EXPERIMENT = """\
format_version = "1"
name = "testexp"
experiment = "TEST"
limits = ["curve.lmt"]

[parameters]
kaon_at_rest = false
beam_momentum = "75 GeV"
veto_length = "150 m"
eps_miss = 0.005

[parameters.ee]
n_kaon_fid = 2.14e11

[notes]
veto_length = "approximate"

[provenance]
reference = "A. Author et al., arXiv:0000.00000"
source = "made up for a test"
date_added = "2026-11-27"
"""


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _replace_line(text: str, lineno: int, new: str | None) -> str:
    lines = _lines(text)
    if new is None:
        del lines[lineno - 1]
    else:
        lines[lineno - 1] = new
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "curve.lmt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _error(loader, target, line: int, *fragments: str) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        loader(target)
    err = info.value
    message = str(err)
    assert "\n" not in message
    where = f"{target}:{line}" if line else f"{target}"  # a whole-file problem has no line
    assert message.startswith(f"{where}: "), message
    assert err.line == line
    assert "; " in message
    for fragment in fragments:
        assert fragment in message, message
    return err


def _limit_error(tmp_path: Path, text: str | bytes, line: int, *fragments: str) -> DataFileError:
    return _error(load_limit, _write(tmp_path, text), line, *fragments)


def _experiment_error(tmp_path: Path, text: str, line: int, *fragments: str) -> DataFileError:
    return _error(load_experiment, _write(tmp_path, text, "exp.toml"), line, *fragments)


# ------------------------------------------------------------------ valid user files


def test_user_limit_file_by_path(tmp_path):
    path = _write(tmp_path, VALID_LIMIT)
    for target in (path, str(path)):
        curve = load_limit(target)
        assert isinstance(curve, LimitCurve)
        assert curve.name == "test_curve"
        assert curve.path == path
        assert curve.units == {"m_N": "MeV", "U_mu2_limit": "1"}
        np.testing.assert_array_equal(curve.columns["m_N"], [100 * MeV, 200 * MeV, 300 * MeV])
        assert curve.citation == "A. Author et al., arXiv:0000.00000, INSPIRE Author:2000aa"
        assert len(curve.sha256) == 64
    assert "test_curve" in format_show(path)


def test_units_are_converted_to_internal_units(tmp_path):
    text = VALID_LIMIT.replace("m_N [MeV]", "m_N [GeV]").replace("100  1e-6", "0.1  1e-6")
    text = text.replace("200  1e-7", "0.2  1e-7").replace("300  4e-7", "0.3  4e-7")
    curve = load_limit(_write(tmp_path, text))
    assert curve.units["m_N"] == "GeV"
    np.testing.assert_allclose(curve.columns["m_N"], [100 * MeV, 200 * MeV, 300 * MeV])
    assert curve.x_range == pytest.approx((0.1 * GeV, 0.3 * GeV))


def test_columns_are_read_only(tmp_path):
    curve = load_limit(_write(tmp_path, VALID_LIMIT))
    with pytest.raises(ValueError, match="read-only"):
        curve.columns["m_N"][0] = 1.0


def test_continuation_lines_and_blank_comments(tmp_path):
    text = VALID_LIMIT.replace(
        "# source: made up for a test\n", "# source: made up\n#   for a test\n#\n"
    )
    curve = load_limit(_write(tmp_path, text))
    assert curve.metadata["source"] == "made up for a test"


def test_user_experiment_file_and_its_limits(tmp_path):
    _write(tmp_path, VALID_LIMIT)
    exp = load_experiment(_write(tmp_path, VALID_EXPERIMENT, "exp.toml"))
    assert isinstance(exp, ExperimentParameters)
    assert exp.get("beam_momentum") == pytest.approx(75 * GeV)
    assert exp.get("veto_length") == pytest.approx(150 * m)
    assert exp.get("ee.n_kaon_fid") == 2.14e11
    assert exp.get("kaon_at_rest") is False
    assert exp.written["veto_length"] == "150 m"
    assert exp.notes == {"veto_length": "approximate"}
    assert "eps_miss" in exp
    assert [c.name for c in exp.load_limits()] == ["test_curve"]


def test_error_pickles():
    err = DataFileError("f.lmt", 3, "bad", "good")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "f.lmt:3: bad; good"


def test_error_message_is_one_line():
    err = DataFileError("f.lmt", 3, "bad\nthing", "good\n  one")
    assert str(err) == "f.lmt:3: bad thing; good one"


# ------------------------------------------------------------------ interpolation


def test_interpolation_reproduces_points_and_is_nan_outside(tmp_path):
    curve = load_limit(_write(tmp_path, VALID_LIMIT))
    xs, ys = curve.columns["m_N"], curve.columns["U_mu2_limit"]
    np.testing.assert_array_equal(curve.interpolate("U_mu2_limit", xs), ys)
    np.testing.assert_array_equal(curve.interpolate("U_mu2_limit", xs, log=False), ys)
    outside = np.array([50.0, 99.999, 300.001, 1e4, np.nan, -5.0]) * MeV
    assert np.all(np.isnan(curve.interpolate("U_mu2_limit", outside)))
    assert not curve.in_range(outside).any()
    assert curve.in_range(xs).all()


def test_log_and_linear_interpolation(tmp_path):
    curve = load_limit(_write(tmp_path, VALID_LIMIT))
    # Power law between (100, 1e-6) and (200, 1e-7): y = 1e-6 (x/100)^(log10(0.1)/log10(2)).
    x = 150 * MeV
    expected = 1e-6 * (1.5) ** (np.log(0.1) / np.log(2.0))
    assert float(curve.interpolate("U_mu2_limit", x)) == pytest.approx(expected, rel=1e-12)
    linear = float(curve.interpolate("U_mu2_limit", x, log=False))
    assert linear == pytest.approx(0.55e-6, rel=1e-12)
    grid = np.array([[120.0, 250.0], [199.0, 301.0]]) * MeV
    assert curve.interpolate("U_mu2_limit", grid).shape == (2, 2)


def test_interpolate_unknown_column_names_file(tmp_path):
    path = _write(tmp_path, VALID_LIMIT)
    curve = load_limit(path)
    with pytest.raises(DataFileError, match="no column named 'nope'") as info:
        curve.interpolate("nope", 150 * MeV)
    assert str(info.value).startswith(f"{path}:10: ")


# ------------------------------------------------------------------ malformed limit files


def test_missing_required_key_reference(tmp_path):
    text = _replace_line(VALID_LIMIT, 6, None)  # header now ends on line 9
    _limit_error(tmp_path, text, 9, "missing required header key 'reference'")


def test_missing_columns_line(tmp_path):
    text = _replace_line(VALID_LIMIT, 10, None)
    _limit_error(tmp_path, text, 9, "missing required header key 'columns'")


def test_empty_required_key(tmp_path):
    text = _replace_line(VALID_LIMIT, 2, "# experiment:")
    _limit_error(tmp_path, text, 2, "header key 'experiment' is empty")


def test_unknown_unit(tmp_path):
    text = _replace_line(VALID_LIMIT, 10, "# columns: m_N [Mev], U_mu2_limit [1]")
    _limit_error(tmp_path, text, 10, "unknown unit 'Mev'", "hepunits")


def test_malformed_columns_entry(tmp_path):
    text = _replace_line(VALID_LIMIT, 10, "# columns: m_N MeV, U_mu2_limit [1]")
    _limit_error(tmp_path, text, 10, "is not 'name [unit]'")


def test_row_with_missing_column(tmp_path):
    text = _replace_line(VALID_LIMIT, 12, "200")
    _limit_error(tmp_path, text, 12, "row has 1 values, expected 2 (m_N, U_mu2_limit)")


def test_row_with_extra_column(tmp_path):
    text = _replace_line(VALID_LIMIT, 13, "300 4e-7 5")
    _limit_error(tmp_path, text, 13, "row has 3 values, expected 2")


def test_non_numeric_value(tmp_path):
    text = _replace_line(VALID_LIMIT, 12, "200  abc")
    _limit_error(tmp_path, text, 12, "value 'abc' in column U_mu2_limit is not a number")


@pytest.mark.parametrize("token", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_nan_or_inf(tmp_path, token):
    text = _replace_line(VALID_LIMIT, 12, f"200  {token}")
    _limit_error(tmp_path, text, 12, "is not finite")


@pytest.mark.parametrize("token", ["-1e-7", "0", "0.0"])
def test_negative_or_zero_limit(tmp_path, token):
    text = _replace_line(VALID_LIMIT, 12, f"200  {token}")
    _limit_error(tmp_path, text, 12, "is not positive")


def test_negative_mass(tmp_path):
    text = _replace_line(VALID_LIMIT, 11, "-100  1e-6")
    _limit_error(tmp_path, text, 11, "value -100 in column m_N is not positive")


def test_repeated_mass(tmp_path):
    text = _replace_line(VALID_LIMIT, 12, "100  1e-7")
    _limit_error(tmp_path, text, 12, "m_N = 100 is not greater than 100 on line 11")


def test_decreasing_mass(tmp_path):
    text = _replace_line(VALID_LIMIT, 13, "150  4e-7")
    _limit_error(tmp_path, text, 13, "strictly increasing")


def test_empty_file(tmp_path):
    _limit_error(tmp_path, "", 1, "the file is empty")


def test_whitespace_only_file(tmp_path):
    _limit_error(tmp_path, "\n  \n\n", 1, "the file is empty")


def test_header_without_rows(tmp_path):
    text = "\n".join(_lines(VALID_LIMIT)[:10]) + "\n"
    _limit_error(tmp_path, text, 10, "the file has 0 data rows")


def test_single_row(tmp_path):
    text = "\n".join(_lines(VALID_LIMIT)[:11]) + "\n"
    _limit_error(tmp_path, text, 11, "the file has 1 data row;")


def test_unreadable_path(tmp_path):
    missing = tmp_path / "nowhere.lmt"
    _error(load_limit, missing, 0, "cannot read the file", "na62_2017_umu2")


def test_directory_is_not_a_file(tmp_path):
    _error(load_limit, tmp_path, 0, "cannot read the file")


def test_unknown_shipped_name():
    err = _error(load_limit, "na62_1999_umu2", 0, "no shipped limit file named 'na62_1999_umu2'")
    assert "na62_2017_umu2" in err.allowed and "e949_2015_umu2" in err.allowed


def test_unknown_shipped_experiment():
    err = _error(load_experiment, "na63", 0, "no shipped experiment file named 'na63'")
    assert "na62" in err.allowed


def test_bad_date(tmp_path):
    text = _replace_line(VALID_LIMIT, 8, "# date_added: 27/11/2026")
    _limit_error(tmp_path, text, 8, "is not an ISO date")


def test_bad_confidence_level(tmp_path):
    text = _replace_line(VALID_LIMIT, 5, "# confidence_level: 0.9")
    _limit_error(tmp_path, text, 5, "is not a percentage")


def test_unsupported_format_version(tmp_path):
    text = _replace_line(VALID_LIMIT, 9, "# format_version: 2")
    _limit_error(tmp_path, text, 9, "format_version '2' is not supported")


def test_duplicate_header_key(tmp_path):
    text = _replace_line(VALID_LIMIT, 7, "# name: again")
    _limit_error(tmp_path, text, 7, "header key 'name' repeats line 1")


def test_malformed_header_line(tmp_path):
    text = _replace_line(VALID_LIMIT, 7, "# Source of numbers made up")
    _limit_error(tmp_path, text, 7, "is not '# key: value'")


def test_continuation_without_key(tmp_path):
    text = "#   dangling text\n" + VALID_LIMIT
    _limit_error(tmp_path, text, 1, "continuation line without a preceding")


def test_header_line_after_rows(tmp_path):
    text = VALID_LIMIT + "# notes: too late\n"
    _limit_error(tmp_path, text, 14, "after the data rows began")


def test_band_lower_above_upper(tmp_path):
    text = VALID_LIMIT.replace(
        "m_N [MeV], U_mu2_limit [1]", "m [MeV], eps_lower [1], eps_upper [1]"
    )
    text = text.replace("100  1e-6", "100 1e-6 1e-3").replace("200  1e-7", "200 2e-3 1e-3")
    text = text.replace("300  4e-7", "300 1e-6 1e-3")
    _limit_error(tmp_path, text, 12, "eps_lower = 2e-3 is above eps_upper = 1e-3")


def test_not_utf8(tmp_path):
    data = VALID_LIMIT.replace("made up", "made up \x00").encode("utf-8")
    data = data.replace(b"\x00", b"\xff\xfe")
    _limit_error(tmp_path, data, 7, "not UTF-8")


# ------------------------------------------------------------------ malformed experiment files


def test_toml_syntax_error(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 9, "veto_length = 150 m")
    _experiment_error(tmp_path, text, 9, "TOML syntax error")


def test_toml_missing_top_level_key(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 4, None)
    _experiment_error(tmp_path, text, 1, "missing required key 'limits'")


def test_toml_missing_provenance_key(tmp_path):
    text = VALID_EXPERIMENT.replace('reference = "A. Author et al., arXiv:0000.00000"\n', "")
    _experiment_error(tmp_path, text, 18, "missing required key 'reference' in [provenance]")


def test_toml_unknown_unit(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 9, 'veto_length = "150 mtr"')
    _experiment_error(tmp_path, text, 9, "unknown unit 'mtr'")


def test_toml_wrong_dimension(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 9, 'veto_length = "150 GeV"')
    _experiment_error(tmp_path, text, 9, "veto_length", "not a unit of the same kind")


def test_toml_plain_string_parameter(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 10, 'eps_miss = "small"')
    _experiment_error(tmp_path, text, 10, "is not '<number> <unit>'")


def test_toml_nested_parameter_bad_unit(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 13, 'n_kaon_fid = "2 parsecs"')
    _experiment_error(tmp_path, text, 13, "ee.n_kaon_fid")


def test_toml_unknown_top_level_key(tmp_path):
    text = VALID_EXPERIMENT.replace('experiment = "TEST"\n', 'experiment = "TEST"\nbeam = 3\n')
    _experiment_error(tmp_path, text, 4, "unknown top-level key 'beam'")


def test_toml_note_for_unknown_parameter(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 16, 'veto_radius = "approximate"')
    _experiment_error(tmp_path, text, 16, "note for unknown parameter 'veto_radius'")


def test_toml_bad_date(tmp_path):
    text = VALID_EXPERIMENT.replace('"2026-11-27"', '"yesterday"')
    _experiment_error(tmp_path, text, 21, "is not an ISO date")


def test_toml_limits_not_a_list(tmp_path):
    text = _replace_line(VALID_EXPERIMENT, 4, 'limits = "curve.lmt"')
    _experiment_error(tmp_path, text, 4, "'limits' must be a list")


def test_toml_empty_file(tmp_path):
    _experiment_error(tmp_path, "", 1, "the file is empty")


def test_experiment_get_missing_key_names_file_and_key(tmp_path):
    path = _write(tmp_path, VALID_EXPERIMENT, "exp.toml")
    exp = load_experiment(path)
    with pytest.raises(DataFileError) as info:
        exp.get("veto_radius")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:6: no parameter 'veto_radius'")
    assert "veto_length" in message
