"""Names of XML elements as lxml gives them (``{namespace}local``), read without ever raising.

``lxml.etree.QName`` refuses names libxml2 itself accepted (``<:Equipment>``, a prefix with nothing before
the colon, parses with a namespace warning); reading such a name to report it must not turn a hostile file
into a traceback.
"""

from __future__ import annotations

from typing import Any


def split_tag(tag: Any) -> tuple[str | None, str]:
    """``(namespace, local name)`` of an lxml tag string (or of an element's ``tag``); never raises."""
    if not isinstance(tag, str):
        tag = getattr(tag, "tag", tag)
        if not isinstance(tag, str):  # a comment or processing instruction: its tag is a factory function
            return None, str(tag)
    if tag.startswith("{"):
        end = tag.find("}")
        if end > 0:
            return tag[1:end], tag[end + 1 :]
    return None, tag


def local_name(el: Any) -> str:
    """The local name of an element or tag (what follows ``{namespace}``)."""
    return split_tag(el)[1]


def namespace_of(el: Any) -> str | None:
    """The namespace of an element or tag, None when it has none."""
    return split_tag(el)[0]
