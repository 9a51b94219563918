"""Mutation testing of the modules that decide verdicts: would the tests notice a small change?

Each mutant changes one thing in one module (a comparison, a boolean operator, a constant, a return value,
an ``if`` that can no longer be taken, a ``raise`` removed); the module's own tests then run against it in a
copy of the checkout. A mutant the tests fail on is *killed*; one they pass is a *survivor*, listed with its
place, unless ``bench/mutation-equivalents.toml`` lists it as equivalent (it cannot change behaviour: a cache,
a fast path falling back to the slow path, a type-only string), with the reason.

Run on demand, not in CI (minutes per module):

    python bench/mutate.py                        # every module of MODULES
    python bench/mutate.py sedata/codes/uscc.py   # one module, its tests from MODULES
    python bench/mutate.py sedata/x.py --tests tests/x  --jobs 2 --markdown
    python bench/mutate.py sedata/codes/uscc.py --jobs 1 --fork   # fork a pytest per mutant: far less CPU
    python bench/mutate.py sedata/x.py --json run1.json           # then, after writing tests for its survivors:
    python bench/mutate.py sedata/x.py --rerun run1.json          # only what run1 did not kill runs again
    python bench/mutate.py sedata/x.py --sample 80                # 80 mutants drawn over the whole module
    python bench/mutate.py sedata/x.py --start 231 --json run2.json   # mutants 231 on, where run1 stopped

Score = (killed + timed out) / (mutants - equivalent - invalid - error). A mutant whose unparsed source does not
compile is *invalid* and a run pytest ends with exit code 3-5 (internal or usage error, nothing collected) an
*error*: neither is a kill; both are listed with the survivors.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.toml"

MODULES: dict[str, tuple[str, ...]] = {
    "sedata/codes/uscc.py": ("tests/codes/test_uscc_mutants.py", "tests/codes/test_uscc.py"),
    "sedata/codes/citizen_id.py": ("tests/codes/test_citizen_id_mutants.py", "tests/codes/test_citizen_id.py"),
    "sedata/codes/equipment_code.py": (
        "tests/codes/test_equipment_code_mutants.py",
        "tests/codes/test_equipment_code.py",
    ),
    "sedata/codes/org_code.py": ("tests/codes/test_org_code_mutants.py", "tests/codes/test_org_code.py"),
    "sedata/codes/registration_cert.py": (
        "tests/codes/test_registration_cert_mutants.py",
        "tests/codes/test_registration_cert.py",
    ),
    "sedata/codes/legacy_registration.py": (
        "tests/codes/test_legacy_registration_mutants.py",
        "tests/codes/test_legacy_registration.py",
    ),
    "sedata/codes/admin_division.py": (
        "tests/codes/test_admin_division_mutants.py",
        "tests/codes/test_admin_division.py",
    ),
    "sedata/codes/operator_item.py": (
        "tests/codes/test_operator_item_mutants.py",
        "tests/codes/test_operator_item.py",
    ),
    "sedata/codes/kind.py": ("tests/codes/test_kind.py",),
    "sedata/codes/_layout.py": (
        "tests/codes/test_layout_mutants.py",
        "tests/codes/test_equipment_code_mutants.py",
        "tests/codes/test_registration_cert_mutants.py",
        "tests/codes/test_legacy_registration_mutants.py",
    ),
    "sedata/codes/_base.py": ("tests/codes/test_base_tables_mutants.py", "tests/codes/test_conventions.py"),
    "sedata/codes/_tables.py": (
        "tests/codes/test_base_tables_mutants.py",
        "tests/codes/test_equipment_code_mutants.py",
    ),
    "sedata/codes/__init__.py": ("tests/codes/test_base_tables_mutants.py",),
    "sedata/codes/allocator.py": ("tests/codes/test_allocator_mutants.py", "tests/codes/test_allocator.py"),
    "sedata/privacy/values.py": ("tests/privacy/test_values_mutants.py", "tests/privacy/test_values.py"),
    "sedata/privacy/shapes.py": ("tests/privacy/test_values_mutants.py", "tests/privacy/test_values.py"),
    "sedata/privacy/__init__.py": ("tests/privacy/test_values_mutants.py",),
    "sedata/privacy/message.py": ("tests/privacy/test_message_mutants.py", "tests/privacy/test_message.py"),
    "sedata/exchange/records.py": (
        "tests/exchange/test_records_mutants.py",
        "tests/exchange/test_canonical_bytes.py",
        "tests/exchange/test_integrity.py",
        "tests/exchange/test_roundtrip.py",
    ),
    "sedata/validate/layers/business.py": (
        "tests/validate/test_business_mutants.py",
        "tests/validate/test_business.py",
        "tests/validate/test_rules.py",
    ),
    "sedata/validate/layers/codes.py": (
        "tests/validate/test_codes_mutants.py",
        "tests/validate/test_rules.py",
        "tests/validate/test_personal_data.py",
        "tests/validate/test_injected_defects.py",
    ),
    "sedata/validate/layers/schema.py": (
        "tests/validate/test_schema_mutants.py",
        "tests/validate/test_structure_layer.py",
    ),
    "sedata/validate/layers/crossfile.py": (
        "tests/crossfile/test_cross_record_mutants.py",
        "tests/crossfile/test_index.py",  # the bulk path (observe_keys) against the one-record path
        "tests/crossfile/test_cross_record.py",
    ),
    "sedata/crossfile/index.py": (
        "tests/crossfile/test_index_mutants.py",
        "tests/crossfile/test_index.py",
        "tests/crossfile/test_cross_record_mutants.py",
    ),
    "sedata/validate/layers/base.py": (
        "tests/validate/test_layers_base_mutants.py",
        "tests/validate/test_registry.py",
        "tests/validate/test_not_checked.py",
        "tests/validate/test_structure_layer.py",
    ),
    "sedata/validate/layers/registry.py": (
        "tests/validate/test_registry_mutants.py",
        "tests/validate/test_registry.py",
        "tests/validate/test_not_checked.py",
        "tests/validate/test_structure_layer.py",
    ),
    "sedata/validate/layers/_personal.py": (
        "tests/validate/test_personal_kind_mutants.py",
        "tests/crossfile/test_cross_record.py",
        "tests/crossfile/test_consistency.py",
        "tests/validate/test_personal_data.py",
    ),
    "sedata/validate/layers/_stream.py": (
        "tests/crossfile/test_stream_mutants.py",
        "tests/crossfile/test_cross_record.py",
        "tests/crossfile/test_consistency.py",
        "tests/ledger/test_verdicts.py",
    ),
    "sedata/validate/layers/sequence.py": ("tests/ledger/test_sequence_mutants.py", "tests/ledger/test_verdicts.py"),
    "sedata/validate/layers/consistency.py": (
        "tests/crossfile/test_consistency_mutants.py",
        "tests/crossfile/test_consistency.py",
    ),
    "sedata/validate/layers/trust.py": ("tests/validate/test_trust_layer_mutants.py", "tests/trust/test_policy.py"),
    "sedata/validate/layers/envelope.py": (
        "tests/validate/test_envelope_mutants.py",
        "tests/validate/test_structure_layer.py",
        "tests/validate/test_rules.py",
    ),
    "sedata/validate/layers/syntax.py": (
        "tests/validate/test_syntax_mutants.py",
        "tests/validate/test_syntax_layer.py",
        "tests/validate/test_rules.py",
    ),
    # The one-byte-change properties (30 s and more) are left to the full suite; the xml one can fail on a reader
    # bug (a tag with a stray colon, ValueError from lxml's QName) that is not package.py's.
    "sedata/trust/package.py": (
        "tests/trust/test_package_mutants.py",
        "tests/trust/test_package_paths_mutants.py",
        "tests/trust/test_package.py",
        # A signature made with another SM2 signer ID than the default one (GB/T 35276's example identity).
        "tests/trust/test_trust_model.py::test_the_sm2_id_of_the_signature_file_is_honoured",
        "--deselect=tests/trust/test_package.py::test_any_one_byte_change_fails",
        "--deselect=tests/trust/test_package.py::test_any_one_byte_change_of_the_sig_fails_unless_only_its_layout_changed",
    ),
    "sedata/privacy/plan.py": ("tests/privacy/test_plan_mutants.py", "tests/privacy/test_message.py"),
}
"""Module → the tests that are its own (what a developer runs after changing it); the quick ``*_mutants`` file
first, so that with ``-x`` most mutants are killed in seconds."""

_SWAP_CMP: dict[type, type] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_SWAP_BIN: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
}
_OP_TEXT = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
    ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
    ast.FloorDiv: "//", ast.Div: "/", ast.Mod: "%", ast.And: "and", ast.Or: "or",
}  # fmt: skip


@dataclass
class Site:
    """One place a mutant changes: its stable key (function, change, source text) and line."""

    index: int
    key: str
    line: int


@dataclass
class Outcome:
    site: Site
    status: str  # killed | survived | timeout | equivalent | invalid (mutant does not compile) | error (pytest's own)
    seconds: float


@dataclass
class ModuleResult:
    module: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def score(self) -> float:
        judged = len(self.outcomes) - self.count("equivalent") - self.count("invalid") - self.count("error")
        return 100.0 * (self.count("killed") + self.count("timeout")) / judged if judged else 100.0


class _Mutator(ast.NodeTransformer):
    """Walks a module; with ``target`` None it records every site, else it applies the one numbered ``target``."""

    def __init__(self, source: str, target: int | None):
        self.source = source
        self.target = target
        self.sites: list[Site] = []
        self.scope: list[str] = []
        self.seen: dict[str, int] = {}
        self.applied = False

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def _site(self, node: ast.AST, change: str) -> bool:
        """Record a site; True when it is the one to apply."""
        text = ast.get_source_segment(self.source, node) or ""
        text = " ".join(text.split())
        if len(text) > 60:
            text = text[:57] + "..."
        base = f"{'.'.join(self.scope) or '<module>'} | {change} | {text}"
        n = self.seen.get(base, 0)
        self.seen[base] = n + 1
        key = base if n == 0 else f"{base} #{n + 1}"
        site = Site(len(self.sites), key, getattr(node, "lineno", 0))
        self.sites.append(site)
        hit = self.target == site.index
        self.applied |= hit
        return hit

    def _scoped(self, node: ast.AST, name: str) -> ast.AST:
        self.scope.append(name)
        node = self._visit_body(node)
        self.scope.pop()
        return node

    def _visit_body(self, node: ast.AST) -> ast.AST:
        # Docstrings and annotations are not behaviour: skip them.
        for name, value in ast.iter_fields(node):
            if name in ("returns", "annotation", "decorator_list", "type_params"):
                continue
            if isinstance(value, list):
                start = 1 if name == "body" and _has_docstring(value) else 0
                new: list[ast.AST] = list(value[:start])
                for item in value[start:]:
                    if isinstance(item, ast.AST):
                        out = self.visit(item)
                        if out is None:
                            continue
                        new.extend(out if isinstance(out, list) else [out])
                    else:
                        new.append(item)
                setattr(node, name, new)
            elif isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
        return node

    # -- scopes ------------------------------------------------------------------------------------------------
    def visit_Module(self, node: ast.Module) -> ast.AST:
        return self._visit_body(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.args = self._visit_defaults(node.args)
        return self._scoped(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._scoped(node, node.name)

    def _visit_defaults(self, args: ast.arguments) -> ast.arguments:
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [self.visit(d) if d is not None else None for d in args.kw_defaults]
        return args

    def visit_arguments(self, node: ast.arguments) -> ast.AST:
        return node  # defaults are visited with their function; annotations never

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node  # a bare string statement (an attribute's docstring) is documentation, not behaviour
        self.generic_visit(node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node  # message text: mutating the pieces of an f-string says little

    # -- operators ---------------------------------------------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = _SWAP_CMP.get(type(op))
            if swap and self._site(node, f"{_OP_TEXT[type(op)]} -> {_OP_TEXT[swap]}"):
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"{_OP_TEXT[type(node.op)]} -> {_OP_TEXT[other]}"):
            node.op = other()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = _SWAP_BIN.get(type(node.op))
        if swap and self._site(node, f"{_OP_TEXT[type(node.op)]} -> {_OP_TEXT[swap]}"):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._site(node, "not removed"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} -> {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int):
            if self._site(node, f"{value} -> {value + 1}"):
                return ast.copy_location(ast.Constant(value + 1), node)
        elif isinstance(value, str) and value:
            if self._site(node, "string changed"):
                return ast.copy_location(ast.Constant("XX" + value + "XX"), node)
        return node

    # -- statements --------------------------------------------------------------------------------------------
    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if node.value is not None and not _is_none(node.value) and self._site(node, "return None"):
            node.value = ast.Constant(None)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        if self._site(node.test, "if condition -> False"):
            node.test = ast.copy_location(ast.Constant(False), node.test)
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        if self._site(node, "raise removed"):
            return ast.copy_location(ast.Pass(), node)
        return node


def _has_docstring(body: list[ast.AST]) -> bool:
    first = body[0] if body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def sites(source: str) -> list[Site]:
    """Every mutation site of a module's source, in a stable order."""
    m = _Mutator(source, None)
    m.visit(ast.parse(source))
    return m.sites


def mutant(source: str, index: int) -> str:
    """The module's source with mutation ``index`` applied."""
    m = _Mutator(source, index)
    tree = m.visit(ast.parse(source))
    if not m.applied:
        raise IndexError(index)
    return ast.unparse(ast.fix_missing_locations(tree))


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, dict[str, str]]:
    """Module → {mutant key: reason} from the committed list of equivalent mutants."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text("utf-8"))
    out: dict[str, dict[str, str]] = {}
    for entry in data.get("equivalent", []):
        out.setdefault(entry["module"], {})[entry["mutant"]] = entry["reason"]
    return out


# pytest's exit codes: 0 all passed, 1 a test failed, 2 a collection error or interruption (the mutant broke an
# import: the tests noticed). 3 (internal error), 4 (usage error) and 5 (no tests collected) say nothing about the
# mutant, so they are reported as errors, never counted as kills.
_STATUS_OF_EXIT = {0: "survived", 1: "killed", 2: "killed"}


class _Sandbox:
    """A copy of the checkout where one module at a time is replaced by a mutant."""

    def __init__(self, tmp: Path, n: int):
        self.root = tmp / f"copy{n}"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".git", "mutants", ".ci", "*.egg-info")
        for name in ("sedata", "tests", "spec", "examples", "pyproject.toml", "README.md", "docs"):
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, self.root / name, ignore=ignore)
            elif src.exists():
                shutil.copy2(src, self.root / name)
        # Tests that read ../shared/reference find it beside the copy as beside the checkout.
        shared = ROOT.parent / "shared"
        if shared.exists() and not (tmp / "shared").exists():
            (tmp / "shared").symlink_to(shared)
        self.env = dict(os.environ, PYTHONPATH=str(self.root), PYTHONDONTWRITEBYTECODE="1")
        self.env.pop("PYTHONPYCACHEPREFIX", None)
        self.fork = False

    def run(self, module: str, source: str, tests: tuple[str, ...], timeout: float) -> tuple[str, float]:
        target = self.root / module
        original = target.read_text("utf-8")
        target.write_text(source, "utf-8")
        start = time.perf_counter()
        try:
            if self.fork:
                status = self._forked(tests, timeout)
            else:
                proc = subprocess.run(
                    [sys.executable, "-m", "pytest", *_PYTEST_ARGS, *tests],
                    cwd=self.root,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=timeout,
                    check=False,
                )
                status = _STATUS_OF_EXIT.get(proc.returncode, "error")
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            target.write_text(original, "utf-8")
        return status, time.perf_counter() - start

    def _forked(self, tests: tuple[str, ...], timeout: float) -> str:
        """pytest in a forked child of this process, whose test libraries are imported already (never sedata)."""
        pid = os.fork()
        if pid == 0:  # the child: run the tests against the copy, then leave without cleanup of the parent's state
            code = 3
            try:
                os.chdir(self.root)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                os.environ.clear()
                os.environ.update(self.env)
                sys.path.insert(0, str(self.root))
                sys.dont_write_bytecode = True
                import pytest

                code = int(pytest.main([*_PYTEST_ARGS, *tests]))
            finally:
                os._exit(code)
        deadline = time.perf_counter() + timeout
        try:
            while True:
                done, wait_status = os.waitpid(pid, os.WNOHANG)
                if done:
                    return _STATUS_OF_EXIT.get(os.waitstatus_to_exitcode(wait_status), "error")
                if time.perf_counter() > deadline or _STOP.is_set():
                    break
                time.sleep(0.02)
        except BaseException:  # stopped while waiting here (the unmutated run happens in the main thread)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return "timeout"


_STOP = threading.Event()
"""Set when the run is stopped: forked pytests are killed at once, so the sandboxes can be removed."""


def _stop_on_sigterm() -> None:
    # timeout(1) sends SIGTERM: made an exception like Ctrl-C, so the sandboxes in the temporary folder are removed.
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


_PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "--no-header")
_PRELOAD = ("pytest", "hypothesis", "jsonschema", "xmlschema", "lxml.etree", "stdnum", "pydantic", "orjson", "yaml")
"""Third-party modules the tests import, imported once before forking (``--fork``); sedata itself never is."""


def _preload() -> None:
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    if any(name == "sedata" or name.startswith("sedata.") for name in sys.modules):
        raise SystemExit("--fork: sedata was imported before forking; mutants would not be seen")


def run_module(
    module: str,
    tests: tuple[str, ...],
    boxes: list[_Sandbox],
    equivalents: dict[str, str],
    limit: int | None,
    sample: int | None = None,
    carried: dict[str, str] | None = None,
    start: int = 1,
    checkpoint: Callable[[ModuleResult], None] | None = None,
    only: tuple[str, ...] = (),
) -> ModuleResult:
    """Run every mutant of ``module`` against ``tests`` in the sandboxes, side by side.

    ``sample`` takes that many mutants spread over the module (seeded, so a rerun takes the same ones);
    ``carried`` maps the keys a previous run killed to their status: those are not run again; ``start`` is the
    number (from 1) of the first mutant taken, ``limit`` counts from there; ``checkpoint`` sees the result after
    every mutant, so that a long run stopped midway keeps what it found.
    """
    source = (ROOT / module).read_text("utf-8")
    found = sites(source)[max(1, start) - 1 :]
    found = found[:limit] if limit else found
    if only:  # the mutants of these functions (the first part of the key: ``Class.method``, ``<module>``)
        found = [s for s in found if s.key.split(" | ", 1)[0] in only]
    if sample and sample < len(found):
        found = sorted(random.Random(module).sample(found, sample), key=lambda s: s.index)
    result = ModuleResult(module)
    # The unmutated module, unparsed as the mutants are, must pass: else every mutant would look killed.
    status, base = boxes[0].run(module, ast.unparse(ast.parse(source)), tests, timeout=600)
    if status != "survived":
        raise SystemExit(f"{module}: its tests fail on the unmutated module; fix them first")
    timeout = max(20.0, 4 * base)
    carried = carried or {}
    todo = [s for s in found if s.key not in equivalents and s.key not in carried]
    result.outcomes += [Outcome(s, "equivalent", 0.0) for s in found if s.key in equivalents]
    result.outcomes += [Outcome(s, carried[s.key], 0.0) for s in found if s.key not in equivalents and s.key in carried]
    if carried:
        print(f"{module}: {len(found) - len(todo)} mutants killed in the earlier run or equivalent", file=sys.stderr)
    free = list(boxes)

    def one(site: Site) -> Outcome:
        text = mutant(source, site.index)
        try:
            compile(text, module, "exec")
        except SyntaxError:
            # The mutator's own unparse produced invalid Python: that is no test noticing anything.
            return Outcome(site, "invalid", 0.0)
        box = free.pop()
        try:
            status, seconds = box.run(module, text, tests, timeout)
        finally:
            free.append(box)
        return Outcome(site, status, seconds)

    pool = ThreadPoolExecutor(len(boxes))
    try:
        for i, outcome in enumerate(pool.map(one, todo), 1):
            result.outcomes.append(outcome)
            if checkpoint:
                checkpoint(result)
            if outcome.status != "killed":  # say it at once: a long run's survivors can be worked on meanwhile
                print(f"\r{outcome.status}: line {outcome.site.line}: {outcome.site.key}", file=sys.stderr)
            print(f"\r{module}: {i}/{len(todo)}", end="", file=sys.stderr, flush=True)
    except BaseException:
        _STOP.set()  # stopped (SIGTERM from timeout, Ctrl-C): end the running mutants, start no more
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    print(file=sys.stderr)
    known = {s.key for s in sites(source)}
    for key in equivalents:
        if key not in known:
            print(f"note: {module}: listed equivalent no longer found: {key}", file=sys.stderr)
    return result


def table(results: list[ModuleResult], markdown: bool) -> str:
    """Per module: mutants, killed, survived, timed out, equivalent, score."""
    head = ("module", "mutants", "killed", "survived", "timed out", "equivalent", "invalid/error", "score")
    rows = [
        (r.module, len(r.outcomes), r.count("killed"), r.count("survived"), r.count("timeout"),
         r.count("equivalent"), r.count("invalid") + r.count("error"), f"{r.score:.1f} %")
        for r in results
    ]  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in [head, *rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help="modules to mutate (default: every module of MODULES)")
    ap.add_argument("--tests", nargs="*", help="tests to run (default: the module's own, from MODULES)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="mutants run side by side")
    ap.add_argument("--limit", type=int, help="only the first N mutants of each module (a quick look)")
    ap.add_argument(
        "--start",
        type=int,
        default=1,
        help="begin at mutant N (numbered from 1, as --limit counts): resumes a run that stopped at N-1",
    )
    ap.add_argument("--sample", type=int, help="only N mutants of each module, drawn at random (seeded by the module)")
    ap.add_argument(
        "--rerun",
        type=Path,
        help="a --json file of an earlier run: its killed and timed-out mutants are counted as such, only the rest run "
        "(tests only added since: a kill stays a kill)",
    )
    ap.add_argument(
        "--only",
        nargs="*",
        default=(),
        help="only the mutants of these functions, named as in the keys (Class.method, function, <module>)",
    )
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", type=Path, help="also write every outcome to this JSON file")
    ap.add_argument(
        "--fork",
        action="store_true",
        help="import the test libraries once and fork a pytest per mutant (POSIX; a few times less CPU per mutant)",
    )
    args = ap.parse_args(argv)
    modules = args.modules or list(MODULES)
    equivalents = load_equivalents()
    earlier: dict[str, dict[str, str]] = {}
    if args.rerun:
        for r in json.loads(args.rerun.read_text("utf-8")):
            earlier[r["module"]] = {
                o["key"]: o["status"] for o in r["outcomes"] if o["status"] in ("killed", "timeout")
            }
    results: list[ModuleResult] = []

    def save(current: ModuleResult | None = None) -> None:
        # Written after every mutant, not only at the end: a run stopped by its timeout keeps what it found.
        if not args.json:
            return
        data = [
            {"module": r.module, "outcomes": [{"key": o.site.key, "line": o.site.line, "status": o.status}
                                              for o in r.outcomes]}
            for r in [*results, *([current] if current else [])]
        ]  # fmt: skip
        tmp_json = args.json.with_name(args.json.name + ".tmp")
        tmp_json.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        tmp_json.replace(args.json)

    _stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="sedata-mutate-") as tmp:
        boxes = [_Sandbox(Path(tmp), n) for n in range(max(1, args.jobs))]
        if args.fork:
            _preload()
            for box in boxes:
                box.fork = True
        for module in modules:
            tests = tuple(args.tests) if args.tests else MODULES.get(module)
            if not tests:
                ap.error(f"{module}: no tests known; give --tests")
            results.append(
                run_module(
                    module,
                    tests,
                    boxes,
                    equivalents.get(module, {}),
                    args.limit,
                    args.sample,
                    earlier.get(module),
                    start=args.start,
                    checkpoint=save,
                    only=tuple(args.only),
                )
            )
            save()
    print(table(results, args.markdown))
    for r in results:
        for status in ("survived", "invalid", "error"):
            shown = [o for o in r.outcomes if o.status == status]
            if shown:
                print(f"\n{status} in {r.module}:")
                for o in shown:
                    print(f"  line {o.site.line}: {o.site.key}")
    save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
