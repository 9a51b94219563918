"""``sedata schema export``: write the packaged JSON Schema or XSD for users."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from sedata.cli._out import check_output, console, fail

app = typer.Typer(help="导出模式文件 / Export the JSON Schema and XSD generated from the spec.")


class SchemaFormat(StrEnum):
    jsonschema = "jsonschema"
    xsd = "xsd"


def _exported_definitions() -> list[str]:
    """Entities, and per message the document, its JSON Lines header line and its record line."""
    from sedata.spec import current
    from sedata.spec.envelope import message_class_name

    spec = current()
    names = list(spec.entities)
    for message_id in spec.messages:
        cls = message_class_name(message_id)
        names += [cls, f"{cls}HeaderLine", f"{cls}Record"]
    return names


@app.command("export")
def export(
    fmt: Annotated[SchemaFormat, typer.Option("--format", help="jsonschema or xsd.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created if missing).")],
) -> None:
    """导出 JSON Schema 或 XSD / Write the JSON Schema (bundle + one file per entity) or the XSD."""
    from sedata.generate.jsonschema import entity_schema

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"无法创建目录 {out}：{exc.strerror}", f"cannot create folder {out}: {exc.strerror}")
    from sedata.io import OutputError
    from sedata.io.output import write_atomically

    schemas = resources.files("sedata.schemas")
    files: dict[Path, str] = {}
    if fmt is SchemaFormat.xsd:
        files[out / "sedata.xsd"] = schemas.joinpath("sedata.xsd").read_text(encoding="utf-8")
    else:
        text = schemas.joinpath("sedata.schema.json").read_text(encoding="utf-8")
        bundle = json.loads(text)
        files[out / "sedata.schema.json"] = text
        for name in _exported_definitions():
            if name in bundle["$defs"]:
                files[out / f"{name}.schema.json"] = (
                    json.dumps(entity_schema(bundle, name), ensure_ascii=False, indent=1) + "\n"
                )
    for target in files:
        check_output(target)  # all refused before any is written
    written: list[Path] = []
    try:
        for target, body in files.items():
            write_atomically(target, body)
            written.append(target)
    except OutputError as exc:
        fail(f"无法写入 {exc.file}：{exc.zh}", f"cannot write {exc.file}: {exc.en}")
    for path in written:
        console.print(f"  wrote {path}", markup=False)
