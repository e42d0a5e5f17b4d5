"""The `threeportal point` command: the interface later checks rely on."""

import json

import pytest

from threeportal.cli import main

ARGS = ["m_nuh=300 MeV", "m_zprime=150 MeV", "U_muh2=1e-6", "chi2=1e-8", "g_prime=1"]


def run_json(capsys, *extra):
    assert main(["point", *ARGS, *extra, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_keys_and_units(capsys):
    out = run_json(capsys)
    assert set(out) == {"inputs", "nu_h", "zprime", "production", "scattering", "constraints"}
    for block in ("nu_h", "zprime"):
        assert set(out[block]) == {
            "widths_MeV",
            "total_width_MeV",
            "branching_ratios",
            "lifetime_ps",
            "ctau_mm",
        }
    assert {"nu_zprime", "nu_ee_zprime", "nu_ee_sm"} <= set(out["nu_h"]["widths_MeV"])
    assert {"ee", "mumu", "nunu"} <= set(out["zprime"]["widths_MeV"])
    assert out["nu_h"]["widths_MeV"]["nu_ee_zprime"] == 0.0  # Z' on-shell here
    assert set(out["production"]) == {"BR_K_to_mu_nuh", "shrock_rho"}
    assert set(out["scattering"]) == {
        "E_nu_GeV",
        "sigma_upscattering_C12_cm2",
        "sigma_nue_per_electron_cm2",
    }
    assert out["inputs"]["g_prime"] == 1.0
    assert out["scattering"]["E_nu_GeV"] == 3.0


def test_constraints_block(capsys):
    out = run_json(capsys)
    c = out["constraints"]
    assert "expected_events" in c["na62_ee"]
    assert "na62_mumu" not in c  # m_Z' < 2 m_mu: the layer is absent at this point
    assert set(c["peak_search"]) == {"kek", "e949", "na62"}
    for entry in c["peak_search"].values():
        assert set(entry) >= {"limit_U2", "surviving_fraction", "excluded"}
    assert set(c["na48_2"]) >= {"BR_signal", "excluded"}
    assert "ratio_to_nue" in c["upscattering"]
    assert "excluded" in c["e141"]


def test_v_phi_and_energy_are_parsed(capsys):
    args = [
        "m_nuh=0.3 GeV",
        "m_zprime=150 MeV",
        "U_muh2=1e-6",
        "chi2=1e-8",
        "v_phi=266.67 MeV",
        "E_nu=5 GeV",
        "--json",
    ]
    assert main(["point", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["inputs"]["g_prime"] == pytest.approx(150 / 266.67)
    assert out["inputs"]["m_nuh_MeV"] == pytest.approx(300.0)
    assert out["scattering"]["E_nu_GeV"] == pytest.approx(5.0)


def test_table_output(capsys):
    assert main(["point", *ARGS]) == 0
    text = capsys.readouterr().out
    assert "nu_zprime" in text and "lifetime" in text


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        (["m_nuh=300", "m_zprime=150 MeV", "g_prime=1"], "m_nuh"),
        (["m_nuh=300 furlong", "m_zprime=150 MeV", "g_prime=1"], "m_nuh"),
        (["m_nuh=300 ps", "m_zprime=150 MeV", "g_prime=1"], "m_nuh"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV", "g_prime=abc"], "g_prime"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV", "g_prime=nan"], "g_prime"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV"], "g_prime"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV", "g_prime=1", "colour=red"], "colour"),
        (["m_zprime=150 MeV", "g_prime=1"], "m_nuh"),
        (["m_nuh=-3 MeV", "m_zprime=150 MeV", "g_prime=1"], "m_nuh"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV", "g_prime=1", "U_muh2=2"], "U_muh2"),
        (["m_nuh=300 MeV", "m_zprime=150 MeV", "g_prime=1", "nature=weyl"], "nature"),
    ],
)
def test_bad_arguments_one_line_exit_2(capsys, bad, named):
    assert main(["point", *bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "Traceback" not in err


def test_data_list_and_show(capsys):
    assert main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    assert "na62_2017_umu2" in listing and "arXiv:1712.00297" in listing
    assert main(["data", "show", "na48_2"]) == 0
    assert "br_mu_nu_ee" in capsys.readouterr().out
    assert main(["data", "show", "no_such_input"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_input" in err


def test_doctor_reports_healthy_install(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "all load and match MANIFEST.sha256" in out and "status: ok" in out


def test_data_show_raw_prints_a_file_that_loads_again(tmp_path, capsys):
    from threeportal.data import load_experiment

    assert main(["data", "show", "na62", "--raw"]) == 0
    copy = tmp_path / "my-na62.toml"
    copy.write_text(capsys.readouterr().out)
    assert load_experiment(copy).get("ee.n_kaon_fid") == 2.14e11


def test_a_point_beyond_a_threshold_is_warned_once_on_stderr(capsys):
    assert main(["point", *ARGS, "--json"]) == 0
    assert capsys.readouterr().err == ""  # the default point is inside every domain
    heavy = ["m_nuh=400 MeV", "m_zprime=450 MeV", *ARGS[2:], "E_nu=0.3 GeV", "--json"]
    assert main(["point", *heavy]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["inputs"]["m_nuh_MeV"] == 400.0
    lines = captured.err.splitlines()
    assert [line.split(" is ")[0] for line in lines] == [
        "threeportal: m_nuh: 400 MeV",  # m_K - m_mu: the kaon layers
        "threeportal: m_nuh: 400 MeV",  # the upscattering threshold at E_nu = 0.3 GeV
        "threeportal: m_zprime: 450 MeV",  # the on-shell cascade
    ]
    assert "m_K - m_mu = 388.0 MeV" in lines[0] and "E_nu = 0.3 GeV = 296.1 MeV" in lines[1]
    assert "m_zprime < 400 MeV" in lines[2]
