"""Reading spec YAML: every plain scalar stays a string, and mappings remember their line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A mapping that knows the 1-based line it started on in its file."""

    line: int = 0
    key_lines: dict[str, int]


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 implicit typing.

    Spec authors write codes such as ``0100`` or ``2014``; YAML 1.1 would read the first as
    octal 64 and the second as an int, silently losing leading zeros. Keeping scalars as
    text and letting the meta-model convert them removes that whole class of error.
    """


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r} / 键重复", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_SpecLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse one spec file; scalars are strings (or None), mappings are LineDicts."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SpecLoader)


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest mapping on ``loc`` inside ``data`` (None when unknown)."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        # The key's own line, then the child mapping's: an error names the line of the value it is about.
        line = getattr(node, "key_lines", {}).get(part, line)
        node = child
        line = getattr(node, "line", line)
    return line
