"""``sedata`` entry point: registers the command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from sedata import __version__
from sedata.cli import code_cmd, conformance_cmd, exchange_cmd, sample_cmd, schema_cmd, spec_cmd, validate_cmd

app = typer.Typer(
    name="sedata",
    help="特种设备数据标准工具 / China special-equipment data standards, executable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(spec_cmd.app, name="spec")
app.add_typer(schema_cmd.app, name="schema")
app.add_typer(code_cmd.app, name="code")
app.add_typer(conformance_cmd.app, name="conformance")
app.command("convert")(exchange_cmd.convert)
app.command("inspect")(exchange_cmd.inspect)
app.command("validate")(validate_cmd.validate)
app.command("sample")(sample_cmd.sample)


def _version(value: bool) -> None:
    if value:
        from sedata.spec import current

        typer.echo(f"sedata {__version__} (spec {current().info.spec_version})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """特种设备数据标准工具 / China special-equipment data standards, executable."""


if __name__ == "__main__":  # pragma: no cover
    app()
