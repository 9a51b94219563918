"""README.zh-CN.md keeps in step with README.md: the same set-up commands first, every code block, the same
heading outline (levels, and the commands and names quoted in each heading)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```[a-z]*\n.*?^```\n", re.S | re.M)
HEADING = re.compile(r"^(#{1,6}) (.+)$", re.M)


def read(name: str) -> str:
    return (ROOT / name).read_text("utf-8")


def outline(text: str) -> list[tuple[int, list[str]]]:
    """Each heading as (level, the code spans it quotes), outside code blocks."""
    prose = BLOCK.sub("", text)
    return [(len(level), re.findall(r"`([^`]+)`", title)) for level, title in HEADING.findall(prose)]


def test_both_start_with_the_same_two_setup_commands() -> None:
    english, chinese = read("README.md"), read("README.zh-CN.md")
    first = BLOCK.search(english)
    assert first is not None
    block = first.group(0)
    assert english.startswith("# sedata\n\n" + block)
    assert chinese.startswith("# sedata\n\n" + block)
    commands = block.splitlines()[1:-1]
    assert len(commands) == 2 and all(c.startswith("python3.11 -m pip install") for c in commands)


def test_each_links_the_other_right_after_the_commands() -> None:
    for name, other in (("README.md", "README.zh-CN.md"), ("README.zh-CN.md", "README.md")):
        text = read(name)
        after = text[BLOCK.search(text).end() :].lstrip("\n").splitlines()[0]  # type: ignore[union-attr]
        assert f"]({other})" in after, (name, after)


def test_same_code_blocks_in_the_same_order() -> None:
    english, chinese = BLOCK.findall(read("README.md")), BLOCK.findall(read("README.zh-CN.md"))
    assert len(english) >= 10
    assert chinese == english


def test_same_heading_outline() -> None:
    english, chinese = outline(read("README.md")), outline(read("README.zh-CN.md"))
    assert [level for level, _ in chinese] == [level for level, _ in english]
    assert [names for _, names in chinese] == [names for _, names in english]


def test_the_chinese_readme_is_chinese() -> None:
    prose = BLOCK.sub("", read("README.zh-CN.md"))
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in prose)
    assert han > 2000
