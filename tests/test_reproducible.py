"""Same inputs, same bytes on every machine: numpy's CPU-specific code does not reach a figure.

numpy runs sin, tan, arctan and power with the fastest code the CPU has (AVX-512, AVX2 or the
baseline), and their last bits differ. Each check runs in fresh processes with numpy told to
leave out the faster code (``NPY_DISABLE_CPU_FEATURES``), as on a machine without it, and
compares what they compute. On a CPU with nothing beyond numpy's baseline there is nothing to
compare, and the checks say so.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import SHARED
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

# Each run leaves out more of what this CPU offers beyond numpy's baseline.
WITHOUT = ["", "X86_V4 AVX512_ICL AVX512_SPR", "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"]
BEYOND_BASELINE = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]

PROJECTION = """
import hashlib
import numpy as np
from vizlib._carto import projection
digest = hashlib.sha256()
for bounds, box in [((30.0, 44.0, 41.0, 53.0), (0, 80, 360, 560)), ((36.9, 47.9, 37.6, 48.4), (20, 120, 1180, 700))]:
    frame = projection.frame_on(bounds, box)
    lon, lat = np.meshgrid(np.linspace(bounds[0], bounds[2], 60), np.linspace(bounds[1], bounds[3], 60))
    px, py = frame.to_px(lon.ravel(), lat.ravel())
    back = frame.to_lonlat(px, py)
    for values in (px, py, *back, frame.visible_bounds(), frame.km_per_px(48.0), frame.lon_range, frame.lat_range):
        digest.update(np.asarray(values, float).tobytes())
print(digest.hexdigest())
"""

MULTIPLES = """
import warnings
warnings.simplefilter("ignore")
from vizlib import export, registry
print(export.spec_hash(registry.build("pokrovsk-multiples")))
"""


def _run_without(features: str, code: str, env: dict[str, str] | None = None) -> str:
    run_env = {**os.environ, **(env or {}), "NPY_DISABLE_CPU_FEATURES": features}
    done = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.fixture(scope="module")
def cpu_with_more_than_the_baseline():
    if not BEYOND_BASELINE:
        pytest.skip("this CPU runs numpy's baseline code only: nothing to leave out, nothing to compare")


def test_the_projection_gives_the_same_bits_with_and_without_the_cpus_faster_code(cpu_with_more_than_the_baseline):
    digests = {features: _run_without(features, PROJECTION) for features in WITHOUT}
    assert len(set(digests.values())) == 1, digests


@pytest.mark.slow
def test_small_multiples_build_to_the_same_bytes_with_and_without_the_cpus_faster_code(
    cpu_with_more_than_the_baseline, tmp_path
):
    # the frame's edge cuts the oblast borders: a last-bit change of the frame once redrew them
    if not (SHARED / "data" / "frontline" / "archive").is_dir():
        pytest.skip("the multiples draw DeepStateMap's layers from ../shared/data/frontline, which is absent here")
    mirror = {
        "VIZLIB_DEEPSTATE_ARCHIVE_URL": str(SHARED / "data" / "frontline" / "archive"),
        "VIZLIB_DEEPSTATE_EXPORT_URL": str(SHARED / "data" / "frontline"),
        "VIZLIB_CACHE": str(tmp_path),
    }
    hashes = {features: _run_without(features, MULTIPLES, mirror) for features in WITHOUT[:2]}
    assert len(set(hashes.values())) == 1, hashes
