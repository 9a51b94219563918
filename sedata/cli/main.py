"""``sedata`` entry point: registers the command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from sedata import __version__
from sedata.cli import (
    cert_cmd,
    code_cmd,
    conformance_cmd,
    exchange_cmd,
    ledger_cmd,
    mask_cmd,
    reconcile_cmd,
    sample_cmd,
    schema_cmd,
    spec_cmd,
    trust_cmd,
    validate_cmd,
)

app = typer.Typer(
    name="sedata",
    help="特种设备数据标准工具 / China special-equipment data standards, executable.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
app.add_typer(spec_cmd.app, name="spec")
app.add_typer(schema_cmd.app, name="schema")
app.add_typer(code_cmd.app, name="code")
app.add_typer(conformance_cmd.app, name="conformance")
app.add_typer(cert_cmd.app, name="cert")
app.add_typer(ledger_cmd.app, name="ledger")
app.command("convert")(exchange_cmd.convert)
app.command("inspect")(exchange_cmd.inspect)
app.command("validate")(validate_cmd.validate)
app.command("reconcile", context_settings=reconcile_cmd.CONTEXT)(reconcile_cmd.reconcile)
app.command("sign")(trust_cmd.sign)
app.command("verify")(trust_cmd.verify)
app.command("keygen")(trust_cmd.keygen)
app.command("sample")(sample_cmd.sample)
app.command("mask")(mask_cmd.mask)


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
