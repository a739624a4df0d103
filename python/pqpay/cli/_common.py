"""What the ``pqpay`` subcommands share: the exit codes and the one error wrapper main() runs
every command under, verdict and JSON output, argparse types, the entry-line reader, the
``--db`` checks, PEM key loaders, checkpoint note signers from the command line, progress and
the demo's timer."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pqpay import checkpoint, serialization, signatures
from pqpay.exceptions import HSMError, LedgerCorrupted, PqpayError
from pqpay.keyset import KeySet
from pqpay.ledger import is_postgres_dsn

_T = TypeVar("_T")

EXIT_OK = 0
"""Verified, or done."""
EXIT_FAILED = 1
"""Verification failed: the proof, receipt, checkpoint or ledger was checked and rejected."""
EXIT_ERROR = 2
"""Usage or input error: the check could not be run (a file that cannot be read, a malformed key
or argument, a missing dependency, a database that does not exist or cannot be opened)."""
EXIT_INTERNAL = 3
"""A bug in pqpay (an unexpected exception): rerun with --debug for the traceback."""

EXIT_CODES = f"""\
exit codes (every command):
  {EXIT_OK}  verified, or done
  {EXIT_FAILED}  verification failed: what was checked (proof, receipt, checkpoint note,
     ledger storage, self-test) is rejected, malformed evidence included
  {EXIT_ERROR}  usage or input error, nothing was checked: a file not found or unreadable, a
     malformed key or argument, a missing dependency (psycopg, python-pkcs11), a database
     that does not exist or cannot be opened
  {EXIT_INTERNAL}  internal error (a bug): rerun with --debug for the traceback
verdicts (OK: ... / FAILED: ..., or one JSON object with --json) go to stdout; progress and
diagnostics (pqpay: error: <cause>; <fix>) go to stderr."""

VERIFY_EXIT_CODES = f"""\
exit {EXIT_OK}: OK (verified); {EXIT_FAILED}: FAILED (rejected, malformed evidence included);
{EXIT_ERROR}: usage or input error (nothing checked); {EXIT_INTERNAL}: internal error. The verdict
(OK: / FAILED: line, or one JSON object with --json) goes to stdout, diagnostics to stderr."""


class CliError(Exception):
    """A usage or input error the command line reports as ``pqpay: error: <cause>; <fix>``
    and exit 2."""

    def __init__(self, cause: str, fix: str) -> None:
        super().__init__(f"{cause}; {fix}")
        self.cause, self.fix = cause, fix


_EXTRAS = {"psycopg": "postgres", "pkcs11": "hsm"}


def describe(exc: BaseException, command: str, hint: str | None = None) -> tuple[str, str] | None:
    """``(cause, fix)`` of an ordinary error (storage, network, import, permission, file or
    input); None for an unexpected exception (a bug). ``hint`` is the command's own fix for a
    generic pqpay or value error (e.g. "check --db and --origin")."""
    if isinstance(exc, CliError):
        return exc.cause, exc.fix
    see = f"{hint + '; ' if hint else ''}see 'pqpay {command} --help'"
    if isinstance(exc, ImportError):
        text = str(exc)
        top = (exc.name or "").partition(".")[0]
        cause, _, hint = text.partition(": pip install")
        if hint:
            return cause, "pip install" + hint
        extra = _EXTRAS.get(top)
        return text, (f"pip install 'pqpay[{extra}]'" if extra else f"install {top or 'it'}")
    if isinstance(exc, OSError):
        return _describe_os_error(exc)
    if isinstance(exc, LedgerCorrupted):
        return f"the ledger is corrupted: {exc}", "run 'pqpay ledger audit' on it"
    if isinstance(exc, HSMError):
        return str(exc), "check the PKCS#11 module path, the token label and the PIN"
    if isinstance(exc, (PqpayError, ValueError)):
        # PqpayError covers the typed storage errors the ledger backends raise.
        return str(exc) or type(exc).__name__, see
    return None


def _describe_os_error(exc: OSError) -> tuple[str, str]:
    name = exc.filename
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such file or directory", "check the path"
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a directory", "give the path of a file"
    if isinstance(exc, NotADirectoryError):
        return f"{name}: a component of the path is not a directory", "check the path"
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied", "check the file's permissions and owner"
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return f"cannot connect: {reason}", "check that the server is up and the address"
    where = f"{name}: " if name else ""
    return f"{where}{reason}", "check the path and the disk"


def run_command(args: argparse.Namespace) -> int:
    """Runs the parsed command; every ordinary error becomes one stderr line (and, with
    ``--json``, an error object on stdout) and exit 2. Anything else is a bug: exit 3, with the
    traceback only under ``--debug``."""
    command: str = getattr(args, "command_name", args.command)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("pqpay: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # stdout's reader went away (a ConnectionError, but no server): main() ends quietly
    except Exception as exc:
        described = describe(exc, command, getattr(args, "fix_hint", None))
        if described is None:
            if args.debug:
                traceback.print_exc()
            what = " ".join(str(exc).split())
            print(
                f"pqpay: internal error ({type(exc).__name__}: {what}); rerun with --debug for "
                "the traceback and report it",
                file=sys.stderr,
            )
            return EXIT_INTERNAL
        cause, fix = (" ".join(part.split()) for part in described)
        if args.debug:
            traceback.print_exc()
        if getattr(args, "json", False):
            emit_json(command, "ERROR", {"error": cause, "fix": fix})
        print(f"pqpay: error: {cause}; {fix}", file=sys.stderr)
        return EXIT_ERROR
    return code


def plain(doc: str) -> str:
    """A docstring as help text: reST literals and roles as plain quotes."""
    doc = re.sub(r":\w+:`~?([^`]+)`", r"'\1'", doc)
    return doc.replace("``", "'")


def command_group(
    subparsers: Any, name: str, help: str, description: str | None = None, examples: str = ""
) -> Any:
    """Adds ``pqpay NAME`` with its own subcommands; returns the subparsers to add them to.
    Run alone, the group prints its help on stderr and exits 2 (see :func:`pqpay.cli.main`).
    ``examples``: shell lines shown under ``examples:`` in its help."""
    shown = "examples:\n" + "".join(f"  {line}\n" for line in examples.splitlines()) + "\n"
    group = subparsers.add_parser(
        name,
        help=help,
        description=plain(description or help),
        epilog=(shown if examples else "") + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group.set_defaults(func=None, group_parser=group)
    return group.add_subparsers(dest=f"{name}_command", metavar="COMMAND")


def command(
    subparsers: Any,
    name: str,
    func: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str | None = None,
    verifies: bool = False,
    json: bool = False,
    full_name: str | None = None,
) -> argparse.ArgumentParser:
    """Adds one command that runs ``func``; ``verifies`` puts the verdict exit codes in its
    help and adds ``--json`` (``json`` adds it alone). ``full_name`` (``"ledger verify"``)
    names it in messages. ``--debug`` is accepted after the command too."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=plain(description or help),
        epilog=VERIFY_EXIT_CODES
        if verifies
        else f"exit {EXIT_OK}: done; {EXIT_ERROR}: usage or input error; {EXIT_INTERNAL}: internal "
        "error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func, command_name=full_name or name)
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the Python traceback of an error (for bug reports)",
    )
    if verifies or json:
        add_json(parser)
    return parser


# --- verdicts --------------------------------------------------------------------------------


def emit_json(command: str, verdict: str, details: dict[str, Any]) -> None:
    """One JSON object on stdout: ``command``, ``ok``, ``verdict`` (OK, FAILED or ERROR) and
    the details."""
    doc = {"command": command, "ok": verdict == "OK", "verdict": verdict, **details}
    print(json.dumps(doc, sort_keys=False))


def verdict(args: argparse.Namespace, ok: bool, message: str, **details: Any) -> int:
    """Prints ``OK: message`` or ``FAILED: message`` on stdout (or, with ``--json``, one JSON
    object with ``message`` and ``details``); returns exit 0 or 1."""
    word = "OK" if ok else "FAILED"
    if getattr(args, "json", False):
        emit_json(args.command_name, word, {"message": message, **details})
    else:
        print(f"{word}: {message}")
    return EXIT_OK if ok else EXIT_FAILED


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: the verdict and details as one JSON object on stdout."""
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object on stdout (command, ok, verdict, message and details) "
        "instead of the OK:/FAILED: line; exit codes are the same",
    )


# --- argparse types --------------------------------------------------------------------------


def _whole(text: str, minimum: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {what}, got {value}")
    return value


def positive(text: str) -> int:
    """An argparse type: an int of at least 1."""
    return _whole(text, 1, "at least 1")


def non_negative(text: str) -> int:
    """An argparse type: an int of at least 0 (an index or a tree size)."""
    return _whole(text, 0, "0 or more")


def require_policy(text: str) -> checkpoint.Require:
    """An argparse type: ``all``, ``any`` or an int k (:data:`pqpay.checkpoint.Require`)."""
    if text in ("all", "any"):
        return "all" if text == "all" else "any"
    try:
        return positive(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be all, any or a count k >= 1, got {text!r}"
        ) from None


def check_require(require: checkpoint.Require, keys: Sequence[object]) -> None:
    """Refuses ``--require k`` with fewer than k verifier keys, before anything is verified (a
    usage error, exit 2, not a failed verification)."""
    if isinstance(require, int) and require > len(keys):
        raise CliError(
            f"--require {require}: require={require} is more than the {len(keys)} verifier "
            "key(s) given",
            "pass more keys or a smaller count",
        )


REQUIRE_HELP = (
    "which given verifier keys must have signed the checkpoint: all (default), any, or a count k"
)


# --- entry lines -----------------------------------------------------------------------------

LINE_RULES = (
    "One entry per line. The line ending (\\n or \\r\\n) is not part of the entry; a blank "
    "(empty or whitespace-only) line is refused with its line number, and nothing is appended "
    "unless every line is good."
)


def strip_line_ending(line: bytes) -> bytes:
    """``line`` without one trailing ``\\n`` or ``\\r\\n``: how an entry line is stored, and
    how ``ledger verify --entry`` reads its file."""
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


def read_lines(paths: Sequence[str], fmt: str) -> Iterator[tuple[str, int, bytes]]:
    """``(file name, line number, line)`` of every line of ``paths`` (``-`` or none: stdin),
    line endings removed. ``fmt`` is ``lines`` (any bytes) or ``jsonl`` (each line one JSON
    value).

    :raises CliError: a blank line, or (jsonl) a line that is not JSON, naming file and line.
    """
    for path in paths or ["-"]:
        name = "<stdin>" if path == "-" else path
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        try:
            for number, raw in enumerate(stream, 1):
                line = strip_line_ending(raw)
                if not line.strip():
                    raise CliError(
                        f"{name}:{number}: blank line",
                        "remove it (every line is one entry; blank entries are refused)",
                    )
                if fmt == "jsonl":
                    try:
                        json.loads(line)
                    except ValueError as exc:
                        reason = getattr(exc, "msg", str(exc))
                        raise CliError(
                            f"{name}:{number}: not a JSON value ({reason})",
                            "fix the line, or pass --format lines to store lines as they are",
                        ) from None
                yield name, number, line
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()


# --- --db ------------------------------------------------------------------------------------

_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_db(location: str, *, create: bool) -> None:
    """Refuses a ``--db`` SQLite path that cannot be a ledger before anything is opened: a
    directory, a file that is not SQLite, a missing parent directory, and (``create=False``,
    the read-only commands) a file that does not exist. A DSN is left to the server.

    :raises CliError: naming the path and what to do.
    """
    if is_postgres_dsn(location):
        return
    path = Path(location)
    if path.is_dir():
        raise CliError(
            f"--db {location} is a directory",
            "give a SQLite file path (or a PostgreSQL DSN, postgresql://...)",
        )
    if not path.exists():
        if not create:
            raise CliError(
                f"--db {location} does not exist",
                "check the path (only 'ledger append' and 'receipt issue' create a ledger)",
            )
        parent = path.parent
        if not parent.is_dir():
            raise CliError(
                f"--db {location}: the directory {parent} does not exist",
                f"create it (mkdir -p {parent}) or fix the path",
            )
        return
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if not head and not create:
        raise CliError(f"--db {location} is an empty file, not a ledger", "check the path")
    if head and head != _SQLITE_MAGIC:
        raise CliError(f"--db {location} is not a SQLite database", "check the path")


# --- keys and signers ------------------------------------------------------------------------


PASSPHRASE_ENV = "PQPAY_PASSPHRASE"
"""Where the ledger and receipt commands find the passphrase of encrypted key files (else a
prompt on a terminal)."""


def private_key(path: str, cls: type[Any], what: str) -> Any:
    """Loads a PEM private key of class ``cls``, plain or encrypted (passphrase from
    ``$PQPAY_PASSPHRASE`` or a prompt); ``what`` names it ("an Ed25519")."""
    data = Path(path).read_bytes()
    password = None
    if serialization.private_key_encryption(data) is not None:
        if PASSPHRASE_ENV in os.environ:
            password = os.environ[PASSPHRASE_ENV].encode("utf-8")
        elif sys.stdin.isatty():
            password = getpass.getpass(f"Passphrase for {path}: ").encode("utf-8")
        else:
            raise ValueError(
                f"{path} is encrypted: set {PASSPHRASE_ENV} (no terminal to prompt on)"
            )
    key = serialization.load_pem_private_key(data, password)
    if not isinstance(key, cls):
        raise CliError(
            f"{path}: expected {what} private key, got {type(key).__name__}", "check the key file"
        )
    return key


def public_key(path: str, cls: type[Any], what: str) -> Any:
    """Loads a PEM public key of class ``cls``; ``what`` names it ("an Ed25519")."""
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, cls):
        raise CliError(
            f"{path}: expected {what} public key, got {type(key).__name__}", "check the key file"
        )
    return key


def verifier_keys(texts: Sequence[str] | None) -> list[checkpoint.NoteVerifier]:
    """The ``--vkey`` strings as note verifiers (an empty one is named as such)."""
    keys = []
    for text in texts or []:
        if not text.strip():
            raise CliError(
                "--vkey is empty", "pass a 'verifier key:' line that ledger checkpoint printed"
            )
        keys.append(checkpoint.NoteVerifier.from_vkey(text))
    return keys


def add_note_signer_arguments(parser: argparse.ArgumentParser) -> None:
    """``--key`` / ``--key-name`` (Ed25519) and ``--cosign-key`` / ``--cosigner-name``
    (ML-DSA-44): the checkpoint signers :func:`note_signers` reads."""
    parser.add_argument("--key", help="Ed25519 private key (PEM) for the checkpoint signature")
    parser.add_argument("--key-name", help="the Ed25519 key's name (default: the origin)")
    parser.add_argument("--cosign-key", help="ML-DSA-44 private key (PEM) for the cosignature")
    parser.add_argument("--cosigner-name", help="the cosigner's name (default: the origin)")
    parser.add_argument(
        "--allowed-keys",
        action="append",
        metavar="FILE",
        help="pin the checkpoint keys (repeatable): a public key set (pqpay keyset public) or a "
        "public key PEM; a --key or --cosign-key outside them (or retired) is refused before "
        "anything is signed",
    )


def allowed_keys(args: argparse.Namespace) -> list[signatures.SignaturePublicKey] | None:
    """The keys of every ``--allowed-keys`` file, retired ones left out (None when none is
    given: not pinned)."""
    paths = getattr(args, "allowed_keys", None)
    if not paths:
        return None
    keys: list[signatures.SignaturePublicKey] = []
    for path in paths:
        data = Path(path).read_bytes()
        if data.lstrip().startswith(b"-----BEGIN"):
            keys.append(public_key(path, signatures.SignaturePublicKey, "a signature"))
            continue
        try:
            pinned = KeySet.from_json(data)
        except TypeError:
            raise CliError(
                f"--allowed-keys {path} is a private key set",
                "give its public set (pqpay keyset public)",
            ) from None
        for key in pinned.verification_keys(None):
            if isinstance(key, signatures.SignaturePublicKey) and key not in keys:
                keys.append(key)
    return keys


def note_signers(args: argparse.Namespace) -> list[checkpoint.NoteSigner]:
    """The checkpoint signers of ``--key`` (Ed25519) and ``--cosign-key`` (ML-DSA-44)."""
    signers: list[checkpoint.NoteSigner] = []
    if args.key:
        key = private_key(args.key, signatures.Ed25519PrivateKey, "an Ed25519")
        signers.append(checkpoint.Ed25519NoteSigner(args.key_name or args.origin, key))
    if args.cosign_key:
        key = private_key(args.cosign_key, signatures.MLDSA44PrivateKey, "an ML-DSA-44")
        signers.append(checkpoint.MLDSA44Cosigner(args.cosigner_name or args.origin, key))
    if not signers:
        raise CliError(
            f"'pqpay {args.command_name}' signs a checkpoint and needs a log key",
            "pass --key (Ed25519 PEM) and/or --cosign-key (ML-DSA-44 PEM)",
        )
    return signers


# --- output ----------------------------------------------------------------------------------


def write(path: str | None, data: bytes) -> None:
    """Writes ``data`` to ``path``, or to stdout when it is None or ``-``."""
    if path and path != "-":
        Path(path).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def check_writable(path: str | None) -> None:
    """Refuses an output path that cannot be written, before any work is done (a directory or
    a missing parent directory)."""
    if not path or path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise CliError(f"-o {path} is a directory", "give the path of a file to write")
    if not target.parent.is_dir():
        raise CliError(
            f"-o {path}: the directory {target.parent} does not exist",
            f"create it (mkdir -p {target.parent}) or fix the path",
        )


class Progress:
    """Progress on stderr for long work (appends, audits). On a terminal: one line redrawn with
    ``\\r`` at most five times a second, finished with a newline (nothing when the work ends in
    under a second). Elsewhere (a log file, a pipe): a plain ``what: done/total`` line at most
    every ``interval`` seconds, never ``\\r``, no final line (the summary on stdout has it)."""

    def __init__(self, what: str, quiet: bool, *, interval: float = 10.0) -> None:
        self.what, self.quiet = what, quiet
        self.tty = sys.stderr.isatty()
        self.interval = 0.2 if self.tty else interval
        self.start = self.last = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        of = f"/{total}" if total is not None else ""
        if self.tty:
            if now - self.start < 1.0 or now - self.last < self.interval:
                return
            self.last, self.drawn = now, True
            print(f"\r{self.what}: {done}{of}", end="", file=sys.stderr, flush=True)
        elif now - self.last >= self.interval:
            self.last = now
            print(f"{self.what}: {done}{of}", file=sys.stderr, flush=True)

    def finish(self, done: int) -> None:
        """Ends a redrawn terminal line (its final count and a newline)."""
        if self.drawn:
            print(f"\r{self.what}: {done}/{done}", file=sys.stderr, flush=True)
            self.drawn = False


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 entry``, ``2 entries``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def timed(fn: Callable[[], _T], repeat: int = 50) -> tuple[_T, float]:
    """Runs ``fn`` once to warm up, then ``repeat`` times; returns the last result and the best
    time in microseconds (``repeat=0``: the one cold call's time)."""
    start = time.perf_counter()
    result = fn()
    best = time.perf_counter() - start
    if repeat:
        best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best * 1e6
