"""The engine's default tile side and worker count follow from the grid and the budget."""

from __future__ import annotations

import math

import pytest

from threeportal.results import Tiling
from threeportal.scans.workers import (
    _BYTES_PER_POINT,
    DASK_TILE_MEMORY_BUDGET,
    TILE_MEMORY_BUDGET,
    choose_jobs,
    choose_tile,
    cores,
)


@pytest.mark.parametrize("n", [2, 37, 200, 1000, 2000, 4000, 10000])
@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_default_tile_fits_the_budget_and_feeds_every_worker(n, jobs):
    tile = choose_tile(n, n, jobs)
    assert 1 <= tile <= n
    assert tile**2 * _BYTES_PER_POINT <= max(TILE_MEMORY_BUDGET, 100**2 * _BYTES_PER_POINT)
    tiling = Tiling(n, n, tile)
    # tiles of (nearly) equal size: the last one along an axis is not a sliver
    assert n - (tiling.n_x_tiles - 1) * tile > tile / 2 or tiling.n_x_tiles == 1
    if jobs > 1 and n * n >= 2 * jobs * 100**2:
        assert len(tiling) >= 2 * jobs


@pytest.mark.parametrize("n", [1000, 4000, 10000])
def test_dask_tiles_fit_the_smaller_budget(n):
    """On a cluster a tile's evaluation stays within half the local budget (the scheduler
    and the nannies hold memory too): 10000^2 peaked at 611 MiB summed PSS with the full one."""
    tile = choose_tile(n, n, 1, DASK_TILE_MEMORY_BUDGET)
    assert tile**2 * _BYTES_PER_POINT <= DASK_TILE_MEMORY_BUDGET <= TILE_MEMORY_BUDGET // 2
    assert tile < choose_tile(n, n, 1)


def test_one_worker_for_small_grids_all_cores_for_large():
    assert choose_jobs(200 * 200) == 1
    assert choose_jobs(2000 * 2000) == cores()
    assert math.isqrt(TILE_MEMORY_BUDGET // _BYTES_PER_POINT) > 250  # large tiles by default


def test_the_allocator_is_tuned_for_tiles_on_glibc():
    """Evaluating processes let glibc keep MiB-sized temporaries on its heap (issue 12)."""
    import platform

    from threeportal.scans.workers import tune_allocator

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert tune_allocator() is True
