"""Any order and duplication of a channel's packages, in one run or several, gets the verdicts of a simple model.

The model is the classification of ``spec/rules/sequence.yaml`` written over a plain list of what came before.
Besides agreeing with it, the verdicts must keep two promises whatever the order: every missing number is named
by exactly one gap, and a number named by a gap either arrives late (once) or is still missing at the end.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sedata.ledger import Ledger, SequenceEvent

from .conftest import CHANNEL, bare

# Small pools so that message ids, numbers and digests collide often: every kind of event is drawn.
IDS = "abcdefg"
DIGESTS = "wxyz0"  # "0" stands for a package without records


@dataclass(frozen=True)
class Sent:
    message_id: str
    sequence: int
    digest: str

    @property
    def count(self) -> int:
        return 0 if self.digest == "0" else 1


Verdict = list[tuple[str, object]]


def model(arrivals: list[Sent]) -> list[Verdict]:
    """The verdict of each arrival given the arrivals before it."""
    known: list[tuple[Sent, str]] = []  # each new message id with how it was taken, in order of arrival
    out: list[Verdict] = []
    for s in arrivals:
        same_id = [k for k, _ in known if k.message_id == s.message_id]
        if same_id:
            k = same_id[0]
            same = (k.sequence, k.digest) == (s.sequence, s.digest)
            out.append([("replay" if same else "id-reused", k.message_id)])
            continue
        same_number = [(k, how) for k, how in known if k.sequence == s.sequence]
        if same_number:
            match = [k for k, _ in same_number if k.digest == s.digest]
            if match:
                out.append([("resent", match[0].message_id)])
                known.append((s, "resent"))
            else:
                out.append([("conflict", next(k for k, how in same_number if how == "accepted").message_id)])
                known.append((s, "conflict"))
            continue
        highest = max((k.sequence for k, _ in known), default=0)
        verdict: Verdict = []
        if s.sequence > highest + 1:
            verdict.append(("gap", ((highest + 1, s.sequence - 1),)))
        elif s.sequence < highest:
            verdict.append(("late", highest))
        same_records = [k for k, _ in known if k.digest == s.digest]
        if s.count and same_records:
            verdict.append(("same-content", same_records[0].message_id))
        known.append((s, "accepted"))
        out.append(verdict)
    return out


def _said(e: SequenceEvent) -> tuple[str, object]:
    if e.kind == "gap":
        return (e.kind, e.missing)
    if e.kind == "late":
        return (e.kind, e.highest)
    assert e.earlier is not None
    return (e.kind, e.earlier.message_id)


sent = st.builds(Sent, st.sampled_from(IDS), st.integers(1, 7), st.sampled_from(DIGESTS))


@settings(max_examples=80, deadline=None)
@given(arrivals=st.lists(sent, min_size=1, max_size=14), breaks=st.lists(st.booleans(), min_size=14, max_size=14))
def test_verdicts_follow_the_model_in_one_run_or_several(arrivals: list[Sent], breaks: list[bool]) -> None:
    got: list[Verdict] = []
    named: list[int] = []  # the numbers named by gaps, in order
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite"
        ledger = Ledger(path)
        try:
            for s, reopen in zip(arrivals, breaks, strict=False):
                if reopen:  # a new run: nothing is carried over but the file
                    ledger.close()
                    ledger = Ledger(path)
                events = ledger.record(bare(s.message_id, s.sequence, s.digest, s.count))
                got.append([_said(e) for e in events])
                named += [n for e in events for a, b in e.missing for n in range(a, b + 1)]
            assert ledger.integrity() == []
            (state,) = ledger.channels()
        finally:
            ledger.close()
    assert got == model(arrivals)

    # Every missing number is named by one gap only; named numbers arrive late once or stay missing.
    assert len(named) == len(set(named))
    late = [s.sequence for s, v in zip(arrivals, got, strict=True) if any(kind == "late" for kind, _ in v)]
    still_missing = {n for a, b in state.missing for n in range(a, b + 1)}
    assert set(named) == set(late) | still_missing and not set(late) & still_missing
    taken = ("gap", "late", "same-content")  # the events of a package that moves the channel on
    numbers = {s.sequence for s, v in zip(arrivals, got, strict=True) if not v or v[0][0] in taken}
    assert still_missing == set(range(1, state.highest + 1)) - numbers
    assert state.accepted == len(numbers) and state.channel == CHANNEL
