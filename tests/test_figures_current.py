"""figures/ is current: each committed manifest matches what the code and data build now.

Compares the spec hash (template removed, canonical JSON: independent of the plotly
version) and the data hash, not pixels. Regenerate with `make figures`. The committed
maps draw control areas from the local mirror of DeepStateMap's archive (``../shared``):
they are compared like with like, built with the same layers, and skipped (saying why)
where the mirror is absent.
"""

from __future__ import annotations

import json
import warnings

import pytest
from conftest import REPO, SHARED

from vizlib import data, export, frontline, registry

FIGURES_DIR = REPO / "figures"
STALE = "figures/ is stale: run make figures"


@pytest.fixture(scope="module")
def mirror():
    """The environment `make figures` runs in: DeepStateMap's files from the local mirror (through the run's cache)."""
    folder = SHARED / "data" / "frontline"
    if not (folder / "archive").is_dir():
        yield None
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", str(folder / "archive"))
        mp.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(folder))
        yield folder


@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_committed_figure_matches_the_code_and_data(slug, mirror):
    manifest_path = FIGURES_DIR / f"{slug}.json"
    assert manifest_path.is_file(), f"{STALE} (figures/{slug}.json is missing)"
    committed = json.loads(manifest_path.read_text(encoding="utf-8"))
    kind = registry.FIGURES[slug].layer
    if kind is not None and mirror is None:
        pytest.skip("the committed maps draw layers from ../shared/data/frontline, which is absent here")
    # as `vizlib figures --frontline auto` does: the layer of the set's date, or (required) the builder's own
    layer = frontline.resolve("auto", data.DEFAULT_AS_OF, kind=kind).layer if kind not in (None, "required") else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a stale layer is said on the figure itself
        fig = registry.build(slug, layer=layer)
    assert committed["data"]["sha256"] == export.data_hash(fig), f"{STALE} ({slug}: the data drawn changed)"
    assert committed["spec_sha256"] == export.spec_hash(fig), f"{STALE} ({slug}: the figure changed)"
    for file in committed["files"]:
        assert (FIGURES_DIR / file).is_file(), f"{STALE} (figures/{file} is missing)"
