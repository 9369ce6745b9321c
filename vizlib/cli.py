"""The ``vizlib`` command line: validate data, list and export figures."""

from __future__ import annotations

import dataclasses
import logging
import signal
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from vizlib import data as vdata
from vizlib import i18n, registry
from vizlib._files import quote
from vizlib.errors import DataError, ExportError, NothingToDraw
from vizlib.registry import FIGURES
from vizlib.theme import DEFAULT_SIZE, SIZES

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


#: Where ``vizlib figures`` writes when not told: English into figures/, another language into its own folder.
DEFAULT_OUT = "figures"


@main.command("figures")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help=f"Folder to write into [default: {DEFAULT_OUT}/, or {DEFAULT_OUT}/<lang>/ for a --lang other than en: "
    f"{DEFAULT_OUT}/uk/].",
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGS),
    default="en",
    show_default=True,
    help="Language of everything the reader sees (uk: the Ukrainian edition; names of publications stay as published).",
)
@click.option("--format", "formats", default="png,svg,html", show_default=True, help="Any of png,svg,pdf,html.")
@click.option("--only", multiple=True, metavar="NAME", help="Export only this figure (repeat, or comma-separate).")
@click.option("--size", type=click.Choice(sorted(SIZES)), help="Size preset (default: each builder's own).")
@click.option("--theme", type=click.Choice(["light", "dark"]), help="Colour theme (default: light).")
@click.option(
    "--html",
    "html_mode",
    type=click.Choice(["shared", "self-contained"]),
    default="shared",
    show_default=True,
    help="HTML pages share one plotly.min.js, or each embeds plotly.js.",
)
@click.option(
    "--embed-base-url",
    metavar="URL",
    help="Where the HTML pages will be published (http/https): each embed snippet's src is then URL/<name>.html "
    "[default: <name>.html, relative to the page the snippet is pasted into].",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    help="Folder with your own claims.csv, events.csv, places.csv and/or regions.geojson to draw instead.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="The day the whole set is drawn as of (default: vizlib.data.DEFAULT_AS_OF).",
)
@click.option(
    "--frontline",
    "frontline_spec",
    default="none",
    show_default=True,
    metavar="auto|YYYY-MM-DD|PATH|none",
    help="Control areas on the maps: 'auto' fetches each map's layer of the as-of date once into the cache "
    "(offline: maps say the front line is not drawn), a date, a layer file, or none.",
)
@click.option(
    "--browser",
    "browser_path",
    type=click.Path(exists=True, dir_okay=False),
    help="The Chrome/Chromium to render PNG/SVG/PDF with (default: BROWSER_PATH, else found on the system).",
)
@click.option(
    "--start-timeout",
    type=click.FloatRange(min=0),
    envvar="VIZLIB_START_TIMEOUT",
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Time the browser may take to start; 0: no limit  [env: VIZLIB_START_TIMEOUT]",
)
@click.option(
    "--image-timeout",
    type=click.FloatRange(min=0),
    envvar="VIZLIB_IMAGE_TIMEOUT",
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Time the browser may take per image; 0: no limit  [env: VIZLIB_IMAGE_TIMEOUT]",
)
def export_figures(
    out_dir: str | None,
    lang: str,
    formats: str,
    only: tuple[str, ...],
    size: str | None,
    theme: str | None,
    html_mode: str,
    embed_base_url: str | None,
    data_dir: str | None,
    as_of: str | None,
    frontline_spec: str,
    browser_path: str | None,
    start_timeout: float,
    image_timeout: float,
) -> None:
    """Export the article figures with their data and manifests, and write README.md."""
    from vizlib import _responsive, export

    out_dir = out_dir or (DEFAULT_OUT if lang == "en" else str(Path(DEFAULT_OUT) / lang))
    _quiet_browser_logs()
    names = [n for item in only for n in item.split(",") if n] or list(registry.FIGURES)
    unknown = [n for n in names if n not in registry.FIGURES]
    if unknown:
        _fail(EXIT_INVALID, f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(registry.FIGURES)}")
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or set(chosen) - set(export.FORMATS):
        _fail(EXIT_INVALID, f"--format takes a comma-separated list of {', '.join(export.FORMATS)}, not {formats!r}")
    if embed_base_url is not None:
        try:
            embed_base_url = _responsive.base_url(embed_base_url)
        except ValueError as exc:
            _fail(EXIT_INVALID, f"--embed-base-url: {exc}")

    own: dict[str, Path] = {}
    if data_dir:
        own, frames = _own_data(data_dir)
        _check_needs(names, own, frames, chosen_by_user=bool(only))

    try:
        day = vdata.as_of_date(as_of)
    except ValueError as exc:
        _fail(EXIT_INVALID, f"--as-of: {exc}")
    options: dict[str, Any] = {"size": size or DEFAULT_SIZE, "theme": theme or "light", "lang": lang}
    layers = _layers(names, frontline_spec, day)
    failures: list[str] = []
    written: dict = {}
    # The browser starts at once and renders each figure while the next one is built.
    drawn = [n for n in names if not (registry.FIGURES[n].layer == "required" and frontline_spec == "none")]
    batch = export.Batch(
        out_dir,
        chosen,
        html=html_mode,
        embed_base_url=embed_base_url,
        total=len(drawn),
        start_timeout=start_timeout,
        image_timeout=image_timeout,
        browser_path=browser_path,
    )
    try:
        with batch:
            for name in names:
                if registry.FIGURES[name].layer == "required" and frontline_spec == "none":
                    click.echo(f"skipped {name}: it is drawn from control layers (--frontline auto)", err=True)
                    continue
                caught: list[warnings.WarningMessage] = []
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        common: dict[str, Any] = {"data": own, "as_of": day, "layer": layers.get(name)}
                        fig = registry.build(name, **common, **options)
                        # the web page carries phone, column and wide layouts, light and dark, of the same data
                        done = {(options["size"], options["theme"]): fig}  # one of the page's layouts, if it is one
                        page = registry.layouts(name, **common, lang=lang, built=done) if "html" in chosen else None
                except NothingToDraw as exc:
                    click.echo(f"skipped {name}: {exc}".replace("\n", "; "), err=True)
                except Exception as exc:  # noqa: BLE001 - report every broken builder, export the rest
                    failures.append(f"{name}: {type(exc).__name__}: {exc}".replace("\n", "; "))
                else:
                    with warnings.catch_warnings(record=True) as added:
                        warnings.simplefilter("always")
                        batch.add(name, fig, layouts=page)
                    caught += added
                finally:
                    # one line each (the same warning from several layouts once), no source line of vizlib's code
                    for message in dict.fromkeys(str(w.message).removeprefix(f"{name}: ") for w in caught):
                        click.echo(f"warning: {name}: {message}", err=True)
        written = batch.written
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
            title = i18n.words(lang)(i18n.N_("vizlib figures"))
            readme = export.write_readme(out_dir, registry.FIGURES, title=title)
        except OSError as exc:
            failures.append(f"README.md: {exc}")
        else:
            click.echo(f"wrote {len(written)} figure(s) and {readme}")
    if failures:
        _fail(EXIT_FAILED, "error: " + " | ".join(failures))


def _layers(names: list[str], spec: str, day: Any) -> dict[str, Any]:
    """Resolve ``--frontline`` once per kind of layer the chosen maps draw; say in one line what is missing."""
    if spec == "none":
        return {}
    from vizlib import frontline

    found: dict[str | None, Any] = {}
    out = {}
    for name in names:
        kind = registry.FIGURES[name].layer
        if kind in (None, "required"):
            continue
        if kind not in found:
            try:
                found[kind] = frontline.resolve(spec, day, kind=kind)
            except DataError as exc:
                _fail(EXIT_INVALID, f"--frontline: {exc}".replace("\n", "; "))
            if found[kind].layer is None:
                click.echo(f"frontline: {found[kind].note} (maps say the front line is not drawn)", err=True)
        out[name] = found[kind].layer
    return out


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


def _own_data(folder: str) -> tuple[dict[str, Path], dict[str, Any]]:
    """Validate the user's data files in ``folder`` as the builders will read them.

    Returns the files found by kind, and what each loads to. Places (the user's, or
    vizlib's when the user gives only boundaries) are checked against the user's
    boundaries; events against the places the maps will draw.
    """
    root = Path(folder)
    if not root.is_dir():
        _fail(EXIT_INVALID, f"{folder}: --data: not a folder")
    found = {kind: root / name for kind, name in vdata.KINDS.items() if kind != "locator" and (root / name).is_file()}
    if not found:
        _fail(EXIT_INVALID, f"{folder}: --data: none of {', '.join(vdata.KINDS.values())} is there")
    frames: dict[str, Any] = {}
    problems: list[str] = []

    def load(kind: str, loader, name: str | None = None) -> None:
        try:
            frames[kind] = loader()
        except DataError as exc:
            problems.extend(str(dataclasses.replace(p, file=name) if name else p) for p in exc.problems)

    regions = found.get("regions")
    if regions:
        load("regions", lambda: vdata.regions(regions))
    if "places" in found:
        load("places", lambda: vdata.places(found["places"], regions=regions))
    elif regions and "regions" in frames:  # the maps draw vizlib's places on the user's boundaries
        load("places", lambda: vdata.places(None, regions=regions), f"vizlib's {vdata.KINDS['places']}")
    if "events" in found:  # (if the user's places are broken, the events are checked without them)
        known = frames.get("places") if "places" in found else vdata.places()
        load("events", lambda: vdata.events(found["events"], places=known))
    if "claims" in found:
        load("claims", lambda: vdata.claims(found["claims"]))
    if problems:
        _fail(EXIT_INVALID, "\n".join(problems))
    return found, frames


def _check_needs(names: list[str], files: dict[str, Path], frames: dict[str, Any], chosen_by_user: bool) -> None:
    """Refuse, before anything is built or written, when the user's data lacks what a figure needs.

    One line per need of each figure that the data does not meet, naming the file; the
    bundled data (used for the kinds the user did not give) meets every need.
    """
    lines, short = [], set()
    for name in names:
        for need in registry.FIGURES[name].needs:
            frame = frames.get(need.kind)
            if frame is not None and not frame[need.column].isin(need.values).any():
                wanted = " or ".join(map(quote, need.values))
                it = "one" if len(need.values) > 1 else "it"
                lines.append(f"{files[need.kind].name}: {need.column}: no {wanted} (figure {name} needs {it})")
                short.add(name)
    if not lines:
        return
    can = [n for n in names if n not in short]
    hint = f"; this data can make: --only {','.join(can)}" if can and not chosen_by_user else ""
    _fail(EXIT_INVALID, "\n".join([*lines, f"nothing written{hint}"]))


if __name__ == "__main__":  # pragma: no cover
    main()
