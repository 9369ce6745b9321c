"""figures/ is current: each committed manifest matches what the code and data build now.

Compares the spec hash (template removed, canonical JSON: independent of the plotly
version) and the data hash, not pixels. Regenerate with `make figures`.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from vizlib import export, registry

FIGURES_DIR = REPO / "figures"
STALE = "figures/ is stale: run make figures"


@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_committed_figure_matches_the_code_and_data(slug):
    manifest_path = FIGURES_DIR / f"{slug}.json"
    assert manifest_path.is_file(), f"{STALE} (figures/{slug}.json is missing)"
    committed = json.loads(manifest_path.read_text(encoding="utf-8"))
    fig = registry.build(slug)
    assert committed["data"]["sha256"] == export.data_hash(fig), f"{STALE} ({slug}: the data drawn changed)"
    assert committed["spec_sha256"] == export.spec_hash(fig), f"{STALE} ({slug}: the figure changed)"
    for file in committed["files"]:
        assert (FIGURES_DIR / file).is_file(), f"{STALE} (figures/{file} is missing)"
