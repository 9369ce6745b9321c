"""The ``vizlib`` command line: validate data, list and export figures."""

from __future__ import annotations

import sys

import click

from vizlib import data as vdata
from vizlib.errors import DataError
from vizlib.figures import FIGURES

EXIT_INVALID = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vizlib")
def main() -> None:
    """Maps and charts of the autumn-2024 war in Ukraine, sourced and offline."""


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


if __name__ == "__main__":  # pragma: no cover
    main()
