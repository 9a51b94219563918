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
    """Entities, and per message the document, its JSON Lines header line and its record lines (plain, and
    one per masking profile: a JSON Lines reader picks the one the header line's ``maskingProfile`` names)."""
    from sedata.generate.naming import masked_suffix
    from sedata.spec import current
    from sedata.spec.envelope import message_class_name

    spec = current()
    profiles = [p.id for p in spec.privacy.profiles] if spec.privacy else []
    names = list(spec.entities)
    for message_id in spec.messages:
        cls = message_class_name(message_id)
        names += [cls, f"{cls}HeaderLine", f"{cls}Record", *(f"{cls}Record{masked_suffix(p)}" for p in profiles)]
    return names


@app.command("export")
def export(
    fmt: Annotated[SchemaFormat, typer.Option("--format", help="jsonschema or xsd.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created if missing).")],
) -> None:
    """导出 JSON Schema 或 XSD / Write the JSON Schema (bundle + one file per entity) or the XSDs."""
    from sedata.generate.jsonschema import entity_schema
    from sedata.generate.xsd import masked_xsd_names
    from sedata.spec import current

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"无法创建目录 {out}：{exc.strerror}", f"cannot create folder {out}: {exc.strerror}")
    from sedata.io import OutputError
    from sedata.io.output import write_atomically

    schemas = resources.files("sedata.schemas")
    files: dict[Path, str] = {}
    if fmt is SchemaFormat.xsd:
        # The schema of plain packages, and one per masking profile (XSD 1.0 cannot switch on the header).
        for name in ["sedata.xsd", *masked_xsd_names(current()).values()]:
            files[out / name] = schemas.joinpath(name).read_text(encoding="utf-8")
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
