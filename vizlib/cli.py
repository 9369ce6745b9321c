"""The ``vizlib`` command line: validate data, list and export figures."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from vizlib import data as vdata
from vizlib import figures as registry
from vizlib.errors import DataError, ExportError
from vizlib.figures import FIGURES
from vizlib.theme import SIZES

EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vizlib")
def main() -> None:
    """Draw sourced, offline maps and charts of the autumn-2024 war in Ukraine."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(sorted(vdata.KINDS)), help="Kind of data (default: told from the columns).")
def validate(files: tuple[str, ...], kind: str | None) -> None:
    """Check data files; print one line per problem (file:row: field: message)."""
    failed = False
    for path in files:
        try:
            vdata.validate_file(path, kind)
        except DataError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"{path}: ok")
    if failed:
        sys.exit(EXIT_INVALID)


@main.command("list")
def list_figures() -> None:
    """List the figures vizlib can build: slug and title."""
    width = max(map(len, FIGURES))
    for slug, spec in FIGURES.items():
        click.echo(f"{slug:<{width}}  {spec.title}")


@main.command("figures")
@click.option("--out", "out_dir", default="figures", show_default=True, type=click.Path(file_okay=False))
@click.option("--format", "formats", default="png,svg,html", show_default=True, help="Any of png,svg,pdf,html.")
@click.option("--only", multiple=True, metavar="NAME", help="Export only this figure (repeat, or comma-separate).")
@click.option("--size", type=click.Choice(sorted(SIZES)), help="Size preset (default: each builder's own).")
@click.option("--theme", type=click.Choice(["light", "dark"]), help="Colour theme (default: light).")
@click.option(
    "--html", "html_mode", type=click.Choice(["shared", "self-contained"]), default="shared", show_default=True,
    help="HTML pages share one plotly.min.js, or each embeds plotly.js.",
)
@click.option(
    "--data", "data_dir", type=click.Path(file_okay=False),
    help="Folder with your own claims.csv, events.csv, places.csv and/or regions.geojson to draw instead.",
)
@click.option(
    "--browser", "browser_path", type=click.Path(exists=True, dir_okay=False),
    help="The Chrome/Chromium to render PNG/SVG/PDF with (default: BROWSER_PATH, else found on the system).",
)
@click.option(
    "--start-timeout", type=click.FloatRange(min=0), envvar="VIZLIB_START_TIMEOUT", default=60, show_default=True,
    metavar="SECONDS", help="Time the browser may take to start; 0: no limit  [env: VIZLIB_START_TIMEOUT]",
)
@click.option(
    "--image-timeout", type=click.FloatRange(min=0), envvar="VIZLIB_IMAGE_TIMEOUT", default=60, show_default=True,
    metavar="SECONDS", help="Time the browser may take per image; 0: no limit  [env: VIZLIB_IMAGE_TIMEOUT]",
)
def export_figures(
    out_dir: str, formats: str, only: tuple[str, ...], size: str | None, theme: str | None, html_mode: str,
    data_dir: str | None, browser_path: str | None, start_timeout: float, image_timeout: float,
) -> None:
    """Export the article figures with their data and manifests, and write README.md."""
    from vizlib import export

    _quiet_browser_logs()

    own = _own_data(data_dir) if data_dir else {}

    names = [n for item in only for n in item.split(",") if n] or list(registry.FIGURES)
    unknown = [n for n in names if n not in registry.FIGURES]
    if unknown:
        _fail(EXIT_INVALID, f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(registry.FIGURES)}")
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or set(chosen) - set(export.FORMATS):
        _fail(EXIT_INVALID, f"--format takes a comma-separated list of {', '.join(export.FORMATS)}, not {formats!r}")

    options = {k: v for k, v in (("size", size), ("theme", theme)) if v}
    built, failures = {}, []
    for name in names:
        try:
            built[name] = registry.build(name, data=own, **options)
        except Exception as exc:  # noqa: BLE001 - report every broken builder, export the rest
            failures.append(f"{name}: {type(exc).__name__}: {exc}".replace("\n", "; "))
    written: dict = {}
    limits = {"start_timeout": start_timeout, "image_timeout": image_timeout, "browser_path": browser_path}
    try:
        if built:
            written = export.save_many(built, out_dir, chosen, html=html_mode, **limits)
    except ExportError as exc:
        failures.append(str(exc))
        written = exc.written
    except KeyboardInterrupt:
        _fail(EXIT_INTERRUPTED, "error: interrupted; the browser was ended and no figure was left half-written")
    except SystemExit as exc:
        if exc.code == EXIT_TERMINATED:
            click.echo("error: terminated; the browser was ended and no figure was left half-written", err=True)
        raise
    if written:
        try:
            readme = export.write_readme(out_dir, registry.FIGURES, title="vizlib figures")
        except OSError as exc:
            failures.append(f"README.md: {exc}")
        else:
            click.echo(f"wrote {len(written)} figure(s) and {readme}")
    if failures:
        _fail(EXIT_FAILED, "error: " + " | ".join(failures))


def _quiet_browser_logs() -> None:
    """Keep kaleido's and choreographer's log records (tracebacks of their own clean-up) off stderr.

    Without a handler of their own, Python prints their warnings through its
    last-resort handler; our errors are one line each.
    """
    for name in ("kaleido", "choreographer", "browser_proc", "chrome_wrapper"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def _fail(code: int, message: str) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _own_data(folder: str) -> dict[str, Path]:
    """Validate the user's data files in ``folder`` before anything is built or written."""
    root = Path(folder)
    if not root.is_dir():
        _fail(EXIT_INVALID, f"{folder}: --data: not a folder")
    found = {kind: root / name for kind, name in vdata.KINDS.items() if kind != "locator" and (root / name).is_file()}
    if not found:
        _fail(EXIT_INVALID, f"{folder}: --data: none of {', '.join(vdata.KINDS.values())} is there")
    problems = []
    for kind, path in found.items():
        try:
            if kind == "places":  # check places against the user's own boundaries when given
                vdata.places(path, regions=found.get("regions"))
            elif kind == "events" and "places" in found:  # events may name the user's own places
                vdata.events(path, places=vdata.places(found["places"], regions=found.get("regions")))
            else:
                vdata.validate_file(path, kind)
        except DataError as exc:
            problems += [str(p) for p in exc.problems]
    if problems:
        _fail(EXIT_INVALID, "\n".join(problems))
    return found


if __name__ == "__main__":  # pragma: no cover
    main()
