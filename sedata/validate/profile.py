"""Receiver profiles: which rules a receiver checks and at what severity (as KoSIT scenarios let a receiver do).

A profile is TOML: ``sedata.toml`` (top-level keys), ``[tool.sedata]`` in ``pyproject.toml``, or any file given
with ``--profile``::

    name = "福建省特检院"
    select = ["SE-SYN", "SE-SCH", "SE-COD", "SE-BIZ"]   # rule ids or id prefixes; default: every rule
    ignore = ["SE-BIZ-005"]
    [severity]
    "SE-BIZ-001" = "info"

A profile only re-grades and filters findings; it never changes what a rule decides. Rules it leaves out are
listed as not checked, with the profile named, so a report always says what was not looked at.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sedata.spec import Spec
from sedata.validate.report import Finding, Report, Severity, Text, store_of

LOCAL = "sedata.toml"
PYPROJECT = "pyproject.toml"


class ProfileError(ValueError):
    """A profile that cannot be used (unreadable, not TOML, unknown key, rule or severity); bilingual."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


class _ProfileFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    select: list[str] = []
    ignore: list[str] = []
    severity: dict[str, Severity] = {}


@dataclass(frozen=True)
class Profile:
    """Rule selection and re-grading for one receiver; ``source`` says where it came from."""

    source: str | None = None
    name: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.select or self.ignore or self.severity)

    def keeps(self, rule_id: str) -> bool:
        """Whether findings of ``rule_id`` are reported under this profile."""
        if self.select and not any(_matches(rule_id, s) for s in self.select):
            return False
        return not any(_matches(rule_id, s) for s in self.ignore)

    def with_options(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Profile:
        """This profile with command-line ``--select`` (replacing its own) and ``--ignore`` (added)."""
        chosen, dropped = tuple(select), tuple(ignore)
        if not (chosen or dropped):
            return self
        return dataclasses.replace(self, select=chosen or self.select, ignore=self.ignore + dropped)

    def check(self, spec: Spec) -> None:
        """Refuse names that match no rule of the spec (a typo would silently check everything)."""
        for name in (*self.select, *self.ignore, *self.severity):
            if not any(_matches(rule_id, name) for rule_id in spec.rules):
                raise ProfileError(
                    f"接收方配置 {self.source or '命令行'}：{name} 不是规范中的规则或规则前缀",
                    f"receiver profile {self.source or 'command line'}: "
                    f"{name} is no rule id or rule-id prefix of the spec",
                )

    def describe(self) -> Text:
        """One line for the report: where the profile came from and what it changed."""
        parts_zh, parts_en = [], []
        if self.select:
            parts_zh.append("仅检查 " + "、".join(self.select))
            parts_en.append("selects " + ", ".join(self.select))
        if self.ignore:
            parts_zh.append("忽略 " + "、".join(self.ignore))
            parts_en.append("ignores " + ", ".join(self.ignore))
        for rule_id, sev in sorted(self.severity.items()):
            parts_zh.append(f"{rule_id} 改为 {sev}")
            parts_en.append(f"{rule_id} as {sev}")
        where = self.source or "命令行"
        named = f"（{self.name}）" if self.name else ""
        return Text(
            f"接收方配置 {where}{named}：" + "；".join(parts_zh),
            f"receiver profile {self.source or 'command line'}"
            + (f" ({self.name})" if self.name else "")
            + ": "
            + "; ".join(parts_en),
        )

    def regraded(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        """``findings`` as this profile leaves them: the rules left out dropped, the others re-graded."""
        for f in findings:
            if not self.keeps(f.rule):
                continue
            new = self.severity.get(f.rule)
            yield f if new is None or new == f.severity else dataclasses.replace(f, severity=new)

    def apply(self, report: Report, spec: Spec) -> None:
        """Drop the findings of rules left out, re-grade the others, and say so in ``report``."""
        if self.empty:
            return
        left_out = Text(
            f"接收方配置 {self.source or '命令行'} 未选用该规则",
            f"left out by the receiver profile {self.source or 'command line'}",
        )
        for fr in report.files:
            kept = store_of(fr.findings).spawn()  # a store like the one filtered: spills, never one long list
            kept.extend(self.regraded(fr.findings))
            fr.findings = kept  # type: ignore[assignment]  # a store, as FileReport.findings is
            for rule_id in spec.rules:
                if not self.keeps(rule_id):
                    fr.not_checked[rule_id] = left_out
        report.applied.append(self.describe())


def _matches(rule_id: str, name: str) -> bool:
    return rule_id == name or rule_id.startswith(name.rstrip("-") + "-")


def load_profile(path: Path) -> Profile:
    """Read a profile file: ``[tool.sedata]`` of a ``pyproject.toml``, else the file's top level."""
    from sedata.io import InputError
    from sedata.io.limits import KEY_FILE_LIMIT, read_limited

    try:  # bounded like every small file a user names (1 MiB)
        data = tomllib.loads(read_limited(path, KEY_FILE_LIMIT).decode("utf-8"))
    except InputError as exc:
        raise ProfileError(
            f"无法读取接收方配置 {path}：{exc.zh}", f"cannot read the profile {path}: {exc.en}"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ProfileError(
            f"接收方配置 {path} 不是有效的 TOML：{exc}",
            f"the profile {path} is not valid TOML: {exc}",
        ) from None
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("sedata", {})
    return _parse(data, str(path))


def _parse(data: Any, source: str) -> Profile:
    try:
        found = _ProfileFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}" for e in exc.errors())
        raise ProfileError(
            f"接收方配置 {source} 有误：{problems}",
            f"the profile {source} is invalid: {problems}",
        ) from None
    return Profile(source, found.name, tuple(found.select), tuple(found.ignore), dict(found.severity))


def find_profile(folder: Path) -> Profile:
    """The profile of ``folder``: its ``sedata.toml``, else ``[tool.sedata]`` of its ``pyproject.toml``, else none."""
    local = folder / LOCAL
    if local.is_file():
        return load_profile(local)
    project = folder / PYPROJECT
    if project.is_file():
        try:
            has = "sedata" in tomllib.loads(project.read_text(encoding="utf-8")).get("tool", {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            has = False  # a pyproject.toml without a readable [tool.sedata] is not a profile
        if has:
            return load_profile(project)
    return Profile()
