# Every target installs what it needs on first use: a machine with only python3 is enough.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint fig3 bench clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fig3: $(STAMP)
	$(BIN)/threeportal fig3 --outdir figures

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

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
