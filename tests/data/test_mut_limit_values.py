"""The shipped limit curves carry the published numbers (issue 17, mutation campaign).

MANIFEST.sha256 catches an accidental edit, but not a wrong value typed in by someone who then
regenerates the manifest: one row of a curve changed by 20% passed every other test. These
fingerprints (row count and mean log10 of each limit column) were computed from the digitised
source files of the project's reference data (the files named in each curve's header), with
the documented merge of repeated masses (mean of the merged rows) - not from the shipped files.
A 20% change of one row of 74 moves a mean log10 by 1e-3.
"""

import numpy as np
import pytest

from threeportal.data import load_limit

# name: (rows after merging, mean log10 of each limit column), from the reference sources
FINGERPRINTS = {
    "na62_2017_umu2": (74, (-6.61690469,)),  # NA62_2017_Umu2.dat, 76 rows, 2 merges
    "na62_2021_umu2": (269, (-7.99282905,)),  # NA62_2021_Umu2.dat
    "e949_2015_umu2": (75, (-8.038407,)),  # E949_2015_Umu2.dat
    "kek_1984_umu2": (16, (-5.11550928,)),  # KEK_Bryman2019_Umu2.dat
    "e141_1987_epsilon": (100, (-4.69134455, -2.97216937)),  # E141_1987_epsilon.lmt, 104 rows
}


@pytest.mark.parametrize("name", sorted(FINGERPRINTS))
def test_limit_values_match_the_digitised_publication(name):
    rows, log_means = FINGERPRINTS[name]
    curve = load_limit(name)
    value_columns = list(curve.columns)[1:]
    assert len(value_columns) == len(log_means)
    for column, expected in zip(value_columns, log_means, strict=True):
        values = np.asarray(curve.columns[column], float)
        assert values.size == rows
        # the reference means are printed to 9 digits: 1e-8 absolute in log10 is their rounding
        assert np.mean(np.log10(values)) == pytest.approx(expected, rel=0, abs=1e-8)
