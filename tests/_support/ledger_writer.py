"""A ledger writer run as a child process by tests/ledger/test_ledger.py (crash, concurrency).

Usage: ``python ledger_writer.py LOCATION SCHEMA WRITER_ID SEED BATCHES ED25519_HEX MLDSA44_HEX``

``LOCATION`` is a SQLite path or a PostgreSQL DSN (``SCHEMA`` "-" for none). The writer appends
batches of entries ``w<WRITER_ID>-<counter>`` (``BATCHES`` of them, or forever when 0) and now
and then issues a checkpoint. After each call *returns* it writes one line to stdout and flushes:
``A <first index> <first counter> <count>`` or ``C <base64 note>``; ``R`` once it is ready. The
parent SIGKILLs it at random moments and checks that everything reported survived.
"""

from __future__ import annotations

import base64
import random
import sys

from pqpay import checkpoint, ledger, signatures

ORIGIN = "test.pqpay/crash-log"


def note_signers(ed_hex: str, ml_hex: str) -> list[checkpoint.NoteSigner]:
    """The test log's signers (the parent uses the same seeds to build the verifier keys)."""
    ed = signatures.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(ed_hex))
    ml = signatures.MLDSA44PrivateKey.from_private_bytes(bytes.fromhex(ml_hex))
    return [
        checkpoint.Ed25519NoteSigner(ORIGIN, ed),
        checkpoint.MLDSA44Cosigner(ORIGIN + "/mldsa", ml),
    ]


def entry(writer: int, counter: int) -> bytes:
    """The deterministic content of a writer's ``counter``-th entry."""
    return f"w{writer}-{counter}".encode() + bytes(counter % 61)


def main(argv: list[str]) -> int:
    location, schema, writer_s, seed_s, batches_s, ed_hex, ml_hex = argv
    writer, batches = int(writer_s), int(batches_s)
    rng = random.Random(int(seed_s))
    if location.startswith("host="):
        storage: ledger.Storage = ledger.PostgresStorage(
            location, schema=None if schema == "-" else schema
        )
    else:
        storage = ledger.SQLiteStorage(location)
    log = ledger.Ledger(storage, ORIGIN, note_signers(ed_hex, ml_hex))
    out = sys.stdout
    out.write("R\n")
    out.flush()
    counter = 0
    done = 0
    while batches == 0 or done < batches:
        if rng.random() < 0.1:
            note = log.checkpoint()
            out.write(f"C {base64.b64encode(note).decode()}\n")
        else:
            n = 1 if rng.random() < 0.3 else rng.randint(2, 40)
            if n == 1:
                first = log.append(entry(writer, counter))
            else:
                first = log.append_many(entry(writer, counter + i) for i in range(n)).start
            out.write(f"A {first} {counter} {n}\n")
            counter += n
        out.flush()
        done += 1
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
