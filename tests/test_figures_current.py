"""figures/ is current: each committed manifest matches what the code and data build now.

Compares the spec hash (template removed, canonical JSON: independent of the plotly
version) and the data hash, not pixels. Regenerate with `make figures`. The committed
maps draw control areas from the local mirror of DeepStateMap's archive (``../shared``):
they are compared like with like, built with the same layers, and skipped (saying why)
where the mirror is absent.
"""

from __future__ import annotations

import json
import tempfile

import pytest
from conftest import REPO, SHARED

from vizlib import data, export, frontline, registry

FIGURES_DIR = REPO / "figures"
STALE = "figures/ is stale: run make figures"


@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_committed_figure_matches_the_code_and_data(slug):
    manifest_path = FIGURES_DIR / f"{slug}.json"
    assert manifest_path.is_file(), f"{STALE} (figures/{slug}.json is missing)"
    committed = json.loads(manifest_path.read_text(encoding="utf-8"))
    fig = registry.build(slug, layer=_layer(registry.FIGURES[slug].layer))
    assert committed["data"]["sha256"] == export.data_hash(fig), f"{STALE} ({slug}: the data drawn changed)"
    assert committed["spec_sha256"] == export.spec_hash(fig), f"{STALE} ({slug}: the figure changed)"
    for file in committed["files"]:
        assert (FIGURES_DIR / file).is_file(), f"{STALE} (figures/{file} is missing)"


def _layer(kind):
    """The layer `make figures` draws for a map of this kind, from the local mirror, as `--frontline auto` does."""
    if kind is None:
        return None
    mirror = SHARED / "data" / "frontline"
    if not (mirror / "archive").is_dir():
        pytest.skip("the committed maps draw layers from ../shared/data/frontline, which is absent here")
    env = {
        "VIZLIB_DEEPSTATE_ARCHIVE_URL": str(mirror / "archive"),
        "VIZLIB_DEEPSTATE_EXPORT_URL": str(mirror),
        "VIZLIB_CACHE": tempfile.mkdtemp(prefix="vizlib-figures-current-"),
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        return frontline.resolve("auto", data.DEFAULT_AS_OF, kind=kind).layer
