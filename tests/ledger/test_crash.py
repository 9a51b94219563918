"""A process killed while recording leaves a sound ledger with the same verdicts; concurrent runs do not corrupt it.

The child process records a planned stream of packages (gaps, replays, conflicts, late ones). It is killed with
SIGKILL either from inside an open transaction (after the package row was written, before the arrival) or from
outside at a random moment. The ledger must then open, pass ``PRAGMA integrity_check``, hold exactly a prefix of
the plan, and — once the rest of the plan is recorded — hold the same verdicts as a run that was never killed.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from sedata.ledger import Ledger, Package

from .conftest import Said, bare, plain, verdicts

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys, time
    from sedata.ledger import Ledger, Package

    path, plan_file, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plan = [Package.from_data(p) for p in json.loads(open(plan_file, encoding="utf-8").read())]
    ledger = Ledger(path)
    current = [0]

    def trace(statement):
        # Dies inside the transaction of package number kill_at, just before its arrival row is written.
        if current[0] == kill_at and statement.startswith("INSERT INTO arrival"):
            os.kill(os.getpid(), signal.SIGKILL)

    ledger._db.set_trace_callback(trace)
    for i, package in enumerate(plan):
        current[0] = i
        ledger.record(package)
        print(i, flush=True)
        if kill_at < 0:
            time.sleep(0.002)  # leaves the parent time to kill it in the middle of the stream
    """
)


def _plan(n: int, seed: int) -> list[Package]:
    """A stream of packages of one channel: mostly in order, with gaps, late ones, replays and conflicts."""
    rng = random.Random(seed)
    sent: list[Package] = []
    for i in range(n):
        roll = rng.random()
        if sent and roll < 0.1:
            sent.append(rng.choice(sent))  # replay
        elif sent and roll < 0.15:
            old = rng.choice(sent)
            sent.append(bare(f"c{i}", old.sequence, f"other{i}"))  # conflict
        elif sent and roll < 0.18:
            old = rng.choice(sent)
            sent.append(bare(old.message_id, old.sequence + 1, f"reused{i}"))  # message id reused
        else:
            number = max(1, i + rng.choice((0, 0, 0, 1, 2, -2)))  # skips ahead or comes late now and then
            sent.append(bare(f"m{i}", number, f"d{i % 50}"))  # d… repeats: content sent again
    return sent


def _reference(path: Path, plan: list[Package]) -> list[tuple[str, int, Said]]:
    with Ledger(path) as ledger:
        for package in plan:
            ledger.record(package)
        return verdicts(ledger.arrivals())


def _spawn(tmp_path: Path, plan: list[Package], kill_at: int) -> subprocess.Popen[str]:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps([p.to_data() for p in plan]), "utf-8")
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    args = [sys.executable, str(script), str(tmp_path / "killed.sqlite"), str(plan_file), str(kill_at)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


def _resume_and_compare(tmp_path: Path, plan: list[Package], at_least: int) -> int:
    """Check the killed ledger, record the rest of the plan, compare with an uninterrupted run; return the prefix."""
    path = tmp_path / "killed.sqlite"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with Ledger(path, create=False) as ledger:
        assert ledger.integrity() == []
        done = len(ledger.arrivals())
        assert done >= at_least
        # Every arrival was recorded whole or not at all: what is there is exactly the start of the plan.
        assert [a.package for a in ledger.arrivals()] == plan[:done]
        for package in plan[done:]:
            ledger.record(package)
        got = verdicts(ledger.arrivals())
        final_check = [plain(ledger.check(p)) for p in plan]
    expected = _reference(tmp_path / "reference.sqlite", plan)
    assert got == expected
    with Ledger(tmp_path / "reference.sqlite") as reference:
        assert [plain(reference.check(p)) for p in plan] == final_check
    return done


def test_killed_inside_a_transaction(tmp_path: Path) -> None:
    plan = _plan(60, seed=3)
    # A package new to the ledger, so that the killed transaction had already written its package row.
    kill_at = next(i for i in range(30, 60) if plan[i].message_id not in {p.message_id for p in plan[:i]})
    child = _spawn(tmp_path, plan, kill_at)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert out.split() == [str(i) for i in range(kill_at)]
    assert _resume_and_compare(tmp_path, plan, kill_at) == kill_at  # the open transaction left nothing behind


def test_killed_from_outside_mid_stream(tmp_path: Path) -> None:
    plan = _plan(400, seed=5)
    child = _spawn(tmp_path, plan, -1)
    assert child.stdout is not None
    seen = 0
    for _ in child.stdout:
        seen += 1
        if seen == 40:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    done = _resume_and_compare(tmp_path, plan, seen)
    assert done < len(plan)  # it really was killed before the end


def _record_all(path: str, plan: list[dict[str, Any]], start: Barrier) -> None:
    with Ledger(path, timeout=60) as ledger:
        start.wait()  # both workers begin together, so that their records interleave
        for data in plan:
            ledger.record(Package.from_data(data))
            time.sleep(0.001)  # lets the other worker take the lock between two packages


def test_concurrent_runs_are_serialised(tmp_path: Path) -> None:
    """Two processes recording the same stream at once: a sound ledger whose verdicts are those of a serial run."""
    plan = _plan(150, seed=8)
    data = [p.to_data() for p in plan]
    path = tmp_path / "shared.sqlite"
    Ledger(path).close()  # created first, so the workers race on recording, not on creating
    context: Any = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    start = context.Barrier(2)
    workers = [context.Process(target=_record_all, args=(str(path), data, start)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    with Ledger(path, create=False) as ledger:
        assert ledger.integrity() == []
        arrivals = ledger.arrivals()
        assert len(arrivals) == 2 * len(plan)
    # They did interleave (otherwise this test proves little): the second worker's arrivals are not all last.
    first = [a.package.message_id for a in arrivals[: len(plan)]]
    assert first != [p.message_id for p in plan] or len(plan) < 10
    # Replaying the arrivals in the order the ledger took them gives the verdicts the workers got.
    serial = _reference(tmp_path / "serial.sqlite", [a.package for a in arrivals])
    assert verdicts(arrivals) == serial
