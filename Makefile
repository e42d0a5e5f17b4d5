# Every target installs what it needs on first use: a machine with only python3 is enough.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test faults lint fig3 fig3-paper dark-photon bench bench-large clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The fault-injection suite in its long form: more random kills and bit flips. Real full
# disks and read-only mounts need root in a container that allows mounting (else they skip).
faults: $(STAMP)
	THREEPORTAL_FAULTS_LONG=1 $(BIN)/python -m pytest -q -m faults

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fig3: $(STAMP)
	$(BIN)/threeportal fig3 --outdir figures

# Fig. 3 with the paper's prescription as printed, and figures/fig3-vs-paper.png: both
# prescriptions overlaid layer by layer (solid: default, dashed: the paper).
fig3-paper: $(STAMP)
	$(BIN)/threeportal fig3 --paper --outdir figures

# Recast dark-photon limits in (m_Z', eps): |U_muh|^2 = 1e-12 (the classic plot) and 1e-4.
dark-photon: $(STAMP)
	$(BIN)/python -c "from threeportal.workflow import dark_photon; dark_photon('results', 'figures')"

# Timings are ratios within one run, but a busy machine distorts them: run on a quiet one.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# A 10000 x 10000 scan on a dask LocalCluster of 2 workers (a few minutes; not in `test`).
bench-large: $(STAMP)
	$(BIN)/python benchmarks/large.py

# Mutation campaign (issue 17), not part of `make test`: ~100 single realistic bugs, each run
# against the tests of the mutated module on a copy of src/; writes tests/mutation/results.json.
mutation: $(STAMP)
	$(BIN)/python tests/mutation/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

# Fig. 4 (Appendix A): ee (left) and mumu (right) toy-MC events at p_K = 75 GeV/c. The paper
# does not print the masses of its Fig. 4; these are stated in docs/kinematics.md.
.PHONY: fig4
fig4: $(STAMP)
	mkdir -p figures
	$(BIN)/threeportal kinematics m_nuh="300 MeV" m_zprime="250 MeV" channel=mumu n=10000 \
		seed=1 -o figures/fig4_mumu.h5
	$(BIN)/threeportal kinematics m_nuh="300 MeV" m_zprime="150 MeV" channel=ee n=10000 \
		seed=1 -o figures/fig4_ee.h5 --plot figures/fig4.png --with figures/fig4_mumu.h5
