"""``sedata`` entry point: registers the command groups."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from sedata import __version__
from sedata.cli import (
    cert_cmd,
    code_cmd,
    conformance_cmd,
    docs_cmd,
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
from sedata.cli._help import fit_help_when_shown

fit_help_when_shown()  # Chinese help wraps at 80 columns instead of being cut

# Polars' allocator (jemalloc) reads this when polars loads (no module imported above loads it). By default it
# keeps an arena per thread and CPU, each with its own freed pages; one arena for all measured about 10 MiB
# less at the peak of `sedata validate` at the same speed. A value the user set is left as it is.
os.environ.setdefault("_RJEM_MALLOC_CONF", "narenas:1")


class _Sedata(typer.Typer):
    """The ``sedata`` command: an unexpected error ends in one bilingual line and exit 2, never a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except BrokenPipeError:
            # The reader of our output went away (`sedata ... | head`): nothing left to say, to nobody.
            sys.stderr.close()
            raise SystemExit(1) from None
        except Exception as exc:
            from sedata.cli._out import internal_error

            try:
                given = kwargs.get("args", args[0] if args else None)
                internal_error(exc, _named_files(list(given) if given is not None else sys.argv[1:]))
            except typer.Exit as done:
                raise SystemExit(done.exit_code) from None


def _named_files(args: list[str]) -> str | None:
    """The files named on the command line (those that exist), to say where an unexpected error happened."""
    import os

    named = [a for a in args if not a.startswith("-") and os.path.exists(a)]
    return ", ".join(named) if named else None


app = _Sedata(
    name="sedata",
    help="特种设备数据标准工具 / China special-equipment data standards, executable.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
app.add_typer(spec_cmd.app, name="spec")
spec_cmd.app.command("docs")(docs_cmd.docs)
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
app.command("signers")(trust_cmd.signers)
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
    debug: Annotated[
        bool, typer.Option("--debug", help="出错时显示调用栈 / show the traceback of an unexpected error.")
    ] = False,
) -> None:
    """特种设备数据标准工具 / China special-equipment data standards, executable."""
    from sedata.cli import _out

    _out.DEBUG = debug
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate from a hostile file must not stop the report being printed: it shows as \udXXX.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


if __name__ == "__main__":  # pragma: no cover
    app()
