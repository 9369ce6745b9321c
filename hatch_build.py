"""Build hook: compile the gettext catalogs (``vizlib/locale/<lang>/LC_MESSAGES/vizlib.po``) into the wheel.

Each ``.po`` becomes the ``.mo`` beside it in the wheel (Babel's ``write_mo``; fuzzy
translations left out, as gettext does), so an installed vizlib reads compiled
catalogs. An editable install gets none: :func:`vizlib.i18n.catalog` reads the
``.po`` of the checkout, so an edit shows without a rebuild.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("vizlib") / "locale"


class CatalogsBuildHook(BuildHookInterface):
    """Compile every ``vizlib.po`` to ``vizlib.mo`` and force it into the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the catalogs into a scratch folder and add each ``.mo`` to the wheel's files."""
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._scratch = Path(tempfile.mkdtemp(prefix="vizlib-mo-"))
        for po in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/vizlib.po")):
            relative = po.relative_to(self.root).with_suffix(".mo")
            mo = self._scratch / relative
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            build_data["force_include"][str(mo)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder once the wheel is written."""
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
