"""Several processes appending to one ledger while one of them is SIGKILLed mid-way.

The writers are ``tests/_support/ledger_writer.py`` (the crash test's child): writer ``w``
appends entries ``w<w>-<counter>`` (counters 0, 1, 2, ... in order, one ``append`` or an
``append_many`` of up to 40 at a time), now and then signs a checkpoint, and after each call
*returns* prints ``A <first index> <first counter> <count>`` or ``C <note>``.

What must hold after the run (``check``), "acknowledged" meaning printed before the kill:

* every acknowledged entry is at its acknowledged index, unchanged;
* no entry is in the log twice, and every entry is one a writer wrote;
* every entry of a writer that finished is acknowledged;
* the entries of the killed writer that are not acknowledged are at most its one call in
  flight: exactly the counters ``next .. next + n - 1`` (``next`` = its first unacknowledged
  counter, ``0 <= n <= 40``), all of that batch or none of it (``append_many`` is one
  transaction);
* the log size is the acknowledged count plus that ``n``; ``audit()`` passes (every node and
  every stored checkpoint); every acknowledged checkpoint is stored.

Then the checker is checked on the same log (``_check_the_check``): with the killed writer's last
10 acknowledgements forgotten it must accept (a call in flight), with a finished writer's last
one or 41 of the killed writer's forgotten it must refuse.
"""

from __future__ import annotations

import base64
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pqpay import ledger
from tests._support import ledger_writer

WRITER = Path(ledger_writer.__file__)
ED_SEED = bytes(range(32)).hex()
ML_SEED = bytes(range(32, 64)).hex()
MAX_BATCH = 40  # ledger_writer appends at most this many entries in one call


class LedgerCheckFailed(AssertionError):
    pass


@dataclass
class Acked:
    entries: dict[int, tuple[int, int]] = field(default_factory=dict)  # index -> (writer, ctr)
    next_counter: dict[int, int] = field(default_factory=dict)
    notes: list[bytes] = field(default_factory=list)

    def read(self, writer: int, text: str) -> int:
        lines = 0
        self.next_counter.setdefault(writer, 0)
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # cut by the kill: that call had not returned
            kind, *rest = line.split()
            if kind == "A":
                first, counter, count = map(int, rest)
                for i in range(count):
                    self.entries[first + i] = (writer, counter + i)
                self.next_counter[writer] = counter + count
                lines += 1
            elif kind == "C":
                self.notes.append(base64.b64decode(rest[0]))
        return lines


@dataclass
class LedgerFigures:
    kind: str
    processes: int
    killed: int = 0
    entries_checked: int = 0
    acknowledged: int = 0
    in_flight_present: int = 0
    notes: int = 0

    def line(self) -> str:
        return (
            f"ledger {self.kind}: {self.processes} writer processes, {self.killed} SIGKILLed, "
            f"{self.entries_checked} entries checked ({self.acknowledged} acknowledged, "
            f"{self.in_flight_present} of the killed writer's in-flight call present), "
            f"{self.notes} acknowledged checkpoints stored, audit passed"
        )


def _open(location: str, schema: str | None) -> ledger.Ledger:
    storage: ledger.Storage = (
        ledger.PostgresStorage(location, schema=schema)
        if location.startswith("host=")
        else ledger.SQLiteStorage(location)
    )
    return ledger.Ledger(storage, ledger_writer.ORIGIN)


def run(
    kind: str,
    location: str,
    schema: str | None,
    writers: int,
    batches: int,
    kill_after: int,
    seed: int,
) -> LedgerFigures:
    """``writers`` processes of ``batches`` calls each (writer 0: 100 times as many, as it never
    finishes); writer 0 is killed after it has acknowledged ``kill_after`` appends."""
    rng = random.Random(seed)
    _open(location, schema).close()  # the schema exists before the writers race to make it
    children = []
    for w in range(writers):
        # Writer 0 is given far more calls than it can make before the kill, so the kill always
        # lands while it runs: on a fast machine it could otherwise finish its share first.
        calls = batches * 100 if w == 0 else batches
        args = [location, schema or "-", str(w), str(rng.randrange(1 << 30)), str(calls)]
        children.append(
            subprocess.Popen(
                [sys.executable, str(WRITER), *args, ED_SEED, ML_SEED],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    figures = LedgerFigures(kind, writers)
    acked = Acked()
    victim = children[0]
    assert victim.stdout is not None
    seen_lines = []
    appends = 0
    while appends < kill_after:
        line = victim.stdout.readline()
        if not line:
            break  # it finished before the kill point (too few batches): not a kill
        seen_lines.append(line)
        appends += line.startswith("A ")
    time.sleep(rng.uniform(0.0, 0.05))  # land the kill anywhere in a later call
    victim.send_signal(signal.SIGKILL)
    rest, err = victim.communicate(timeout=120)
    if victim.returncode != -signal.SIGKILL:
        raise LedgerCheckFailed(f"writer 0 was not killed (rc {victim.returncode}): {err}")
    figures.killed = 1
    acked.read(0, "".join(seen_lines) + rest)
    for w, child in enumerate(children[1:], start=1):
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            raise LedgerCheckFailed(f"writer {w} failed (rc {child.returncode}): {err}")
        acked.read(w, out)
    check(location, schema, acked, killed={0}, figures=figures)
    _check_the_check(location, schema, acked, figures.in_flight_present)
    return figures


def _check_the_check(
    location: str, schema: str | None, acked: Acked, in_flight_present: int
) -> None:
    """The checker itself: forgetting the killed writer's last acknowledged entry must read as
    its call in flight (accepted); forgetting a finished writer's last entry, or more than one
    call of the killed writer, must be refused. The accepted case needs a log where none of the
    real in-flight call landed, and one entry (a call holds at least one): forgetting more could
    reach into the call before, which is rightly refused as two calls."""
    cases = [(1, 1, False), (0, MAX_BATCH + 1, False)]
    if in_flight_present == 0:
        cases.insert(0, (0, 1, True))
    for writer, count, must_pass in cases:
        mine = sorted(((c, i) for i, (w, c) in acked.entries.items() if w == writer), reverse=True)
        if len(mine) < count:
            continue
        dropped = {i for _, i in mine[:count]}
        forged = Acked(
            {i: e for i, e in acked.entries.items() if i not in dropped},
            dict(acked.next_counter),
            list(acked.notes),
        )
        forged.next_counter[writer] = mine[count - 1][0]
        try:
            check(location, schema, forged, killed={0}, figures=LedgerFigures("self-check", 0))
            passed = True
        except LedgerCheckFailed:
            passed = False
        if passed != must_pass:
            verdict = "refused" if must_pass else "accepted"
            raise LedgerCheckFailed(
                f"self-check: the checker {verdict} writer {writer}'s last {count} entries "
                "as unacknowledged"
            )


def _decode(entry: bytes) -> tuple[int, int]:
    text = entry.rstrip(b"\0").decode("ascii")
    writer, _, counter = text[1:].partition("-")
    return int(writer), int(counter)


def check(
    location: str, schema: str | None, acked: Acked, killed: set[int], figures: LedgerFigures
) -> None:
    log = _open(location, schema)
    try:
        size = log.size
        seen: dict[tuple[int, int], int] = {}
        unacked: dict[int, list[int]] = {}
        for index in range(size):
            data = log.entry(index)
            who = _decode(data)
            if data != ledger_writer.entry(*who):
                raise LedgerCheckFailed(f"entry {index} is no writer's entry: {data[:40]!r}")
            if who in seen:
                raise LedgerCheckFailed(f"{who} stored twice (indices {seen[who]}, {index})")
            seen[who] = index
            if acked.entries.get(index) is not None:
                if acked.entries[index] != who:
                    raise LedgerCheckFailed(
                        f"entry {index} is {who}, acknowledged {acked.entries[index]}"
                    )
            else:
                unacked.setdefault(who[0], []).append(who[1])
        missing = [i for i in acked.entries if i >= size]
        if missing:
            raise LedgerCheckFailed(f"acknowledged entries lost: {missing[:5]}")
        in_flight = 0
        for writer, counters in unacked.items():
            if writer not in killed:
                raise LedgerCheckFailed(f"writer {writer} finished, yet {len(counters)} unacked")
            start = acked.next_counter.get(writer, 0)
            if sorted(counters) != list(range(start, start + len(counters))):
                raise LedgerCheckFailed(f"killed writer's unacked entries {counters[:5]}...")
            if len(counters) > MAX_BATCH:
                raise LedgerCheckFailed(f"{len(counters)} unacked entries: more than one call")
            in_flight += len(counters)
        if size != len(acked.entries) + in_flight:
            raise LedgerCheckFailed(f"size {size} != {len(acked.entries)} + {in_flight}")
        log.audit()
        stored = set(log.checkpoints())
        if not set(acked.notes) <= stored:
            raise LedgerCheckFailed("an acknowledged checkpoint is not stored")
        figures.entries_checked = size
        figures.acknowledged = len(acked.entries)
        figures.in_flight_present = in_flight
        figures.notes = len(acked.notes)
    finally:
        log.close()
