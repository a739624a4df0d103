"""OpenTimestamps proofs: anchoring a checkpoint root in Bitcoin, verified offline.

An ``.ots`` file (a *detached timestamp*) commits to a digest through a tree of operations
(append, prepend, hashes) whose leaves are *attestations*: "pending at calendar X", or "this
message is the Merkle root of Bitcoin block N". This module writes, parses and verifies them
without touching the network::

    proof = pending_proof(checkpoint.root, "https://a.pool.opentimestamps.org")
    request = calendar_requests(proof)[0]        # POST request.body to request.url yourself
    proof = merge_calendar_response(proof, request.calendar_uri, reply_body)
    ...                                          # later, the upgraded (completed) proof:
    anchor = verify_checkpoint_anchor(proof, checkpoint, block_header_at_that_height)
    anchor.height, anchor.time

Verification needs only the proof and an 80-byte block header from a source the caller trusts
(its own node or header store): the proof's final message must equal the header's
``hashMerkleRoot``; the header's double SHA-256 must meet its own ``nBits`` target and, when
given, equal the expected block hash. Any failure raises the opaque
:class:`~pqpay.exceptions.InvalidProof`; a malformed file raises
:class:`~pqpay.exceptions.EncodingError`. Parsing enforces the format's limits: messages and
operation results of at most 4096 bytes, attestation payloads of at most 8192, calendar URIs of
at most 1000 characters from ``[A-Za-z0-9-._/:]``, nesting depth 256 and files of at most
:data:`MAX_PROOF_SIZE` bytes.

Size and depth do not bound the *work* a proof asks for (a 256 KiB file can hold 21,000
Keccak-256 branches, minutes of pure-Python hashing), so every proof also has a work budget,
counted over the whole tree before anything is hashed and again while walking it:
at most :data:`MAX_OPERATIONS` operations, :data:`MAX_OPERATION_BYTES` bytes read by them in
total and :data:`MAX_KECCAK_BLOCKS` Keccak-f permutations (Keccak-256 runs in pure Python here;
the other hashes are hashlib's). A proof over budget raises
:class:`~pqpay.exceptions.EncodingError` (a ``ValueError``) from :func:`parse_ots`,
:class:`OtsProof`, :func:`merge_calendar_response` and :meth:`Timestamp.walk`. Functions that
take a proof raise ``TypeError`` for anything but an :class:`OtsProof` (``parse_ots`` reads one
from bytes).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pqpay._bytes import as_bytes
from pqpay.checkpoint import Checkpoint
from pqpay.exceptions import EncodingError, InvalidProof, UnsupportedAlgorithm

__all__ = [
    "HEADER_MAGIC",
    "MAX_KECCAK_BLOCKS",
    "MAX_OPERATIONS",
    "MAX_OPERATION_BYTES",
    "MAX_PROOF_SIZE",
    "Attestation",
    "BitcoinAnchor",
    "BitcoinBlockHeaderAttestation",
    "CalendarRequest",
    "EthereumBlockHeaderAttestation",
    "LitecoinBlockHeaderAttestation",
    "Op",
    "Operation",
    "OtsProof",
    "PendingAttestation",
    "Timestamp",
    "UnknownAttestation",
    "anchor_checkpoint",
    "calendar_requests",
    "keccak256",
    "merge_calendar_response",
    "parse_ots",
    "pending_proof",
    "upgrade_requests",
    "verify_bitcoin",
    "verify_checkpoint_anchor",
]

HEADER_MAGIC = b"\x00OpenTimestamps\x00\x00Proof\x00\xbf\x89\xe2\xe8\x84\xe8\x92\x94"
"""The first 31 bytes of every detached ``.ots`` file."""

MAJOR_VERSION = 1
MAX_MESSAGE_LENGTH = 4096
"""The longest message an operation may take or produce (and the longest append/prepend)."""

MAX_PAYLOAD_SIZE = 8192
MAX_URI_LENGTH = 1000
MAX_DEPTH = 256
MAX_PROOF_SIZE = 256 * 1024
"""The largest ``.ots`` file parsed (real proofs are a few kilobytes)."""

MAX_OPERATIONS = 16_384
"""Most operations one proof may apply, counted over its whole tree (real proofs: a few
dozen per calendar)."""
MAX_OPERATION_BYTES = 4 * 1024 * 1024
"""Most message bytes the operations of one proof may read in total."""
MAX_KECCAK_BLOCKS = 64
"""Most Keccak-f[1600] permutations one proof may ask for (one per 136 bytes hashed, rounded
up): Keccak-256 is pure Python here, about 1 ms a permutation on the 2-core development box."""

_T = TypeVar("_T")
_URI_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/:")
_ACCEPT = "application/vnd.opentimestamps.v1"


# ------------------------------------------------------------------------------------------------
# Hashes


def _keccak_constants() -> tuple[list[int], list[int]]:
    # Round constants from the degree-8 LFSR and rho offsets from the (x, y) walk (FIPS 202 §3.2).
    bits = []
    r = 1
    for _ in range(255):
        bits.append(r & 1)
        r <<= 1
        if r & 0x100:
            r ^= 0x171
    rc = [sum(bits[(j + 7 * i) % 255] << ((1 << j) - 1) for j in range(7)) for i in range(24)]
    rho = [0] * 25
    x, y = 1, 0
    for t in range(24):
        rho[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rc, rho


_KECCAK_RC, _KECCAK_RHO = _keccak_constants()
_M64 = (1 << 64) - 1


def _keccak_f(a: list[int]) -> list[int]:
    for rc in _KECCAK_RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [
            c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & _M64)
            for x in range(5)
        ]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                v = a[x + 5 * y] ^ d[x]
                n = _KECCAK_RHO[x + 5 * y]
                b[y + 5 * ((2 * x + 3 * y) % 5)] = ((v << n) | (v >> (64 - n))) & _M64 if n else v
        a = [b[i] ^ (~b[(i + 1) % 5 + i - i % 5] & b[(i + 2) % 5 + i - i % 5]) for i in range(25)]
        a[0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    """Keccak-256 (the original padding, as Ethereum uses; not SHA3-256)."""
    rate = 136
    padded = bytearray(data) + b"\x01" + bytes(-(len(data) + 1) % rate)
    padded[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(padded), rate):
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(padded[off + 8 * i : off + 8 * i + 8], "little")
        state = _keccak_f(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def _hashlib(name: str) -> Callable[[bytes], bytes]:
    def digest(data: bytes) -> bytes:
        try:
            return hashlib.new(name, data).digest()
        except ValueError:  # e.g. OpenSSL 3 without its legacy provider
            raise UnsupportedAlgorithm(
                f"{name} is not available in this Python's hashlib"
            ) from None

    return digest


# ------------------------------------------------------------------------------------------------
# Operations and attestations


class Op(enum.IntEnum):
    """Operation tags (python-opentimestamps ``core/op.py``)."""

    SHA1 = 0x02
    RIPEMD160 = 0x03
    SHA256 = 0x08
    KECCAK256 = 0x67
    APPEND = 0xF0
    PREPEND = 0xF1
    REVERSE = 0xF2
    HEXLIFY = 0xF3


_DIGESTS: dict[Op, tuple[int, Callable[[bytes], bytes]]] = {
    Op.SHA1: (20, _hashlib("sha1")),
    Op.RIPEMD160: (20, _hashlib("ripemd160")),
    Op.SHA256: (32, lambda m: hashlib.sha256(m).digest()),
    Op.KECCAK256: (32, keccak256),
}
_BINARY = (Op.APPEND, Op.PREPEND)
_KECCAK_RATE = 136


class _Work:
    """The work budget of one proof (see the module notes): charged per operation, before it
    runs, with the length of the message it reads."""

    __slots__ = ("bytes", "keccak", "ops")

    def __init__(self) -> None:
        self.ops = self.bytes = self.keccak = 0

    def charge(self, op: Op, length: int) -> None:
        self.ops += 1
        self.bytes += length
        if op is Op.KECCAK256:
            self.keccak += length // _KECCAK_RATE + 1
        if self.ops > MAX_OPERATIONS:
            raise EncodingError(f"a proof applies at most {MAX_OPERATIONS} operations")
        if self.bytes > MAX_OPERATION_BYTES:
            raise EncodingError(
                f"the operations of a proof read at most {MAX_OPERATION_BYTES} bytes in total"
            )
        if self.keccak > MAX_KECCAK_BLOCKS:
            raise EncodingError(
                f"a proof asks for at most {MAX_KECCAK_BLOCKS} Keccak-f permutations "
                "(Keccak-256 runs in pure Python)"
            )


@dataclass(frozen=True)
class Operation:
    """One edge of the proof tree: ``op`` and, for append/prepend, its 1..4096-byte ``argument``.

    :raises ValueError: an argument on a unary op, or a missing or over-long one on a binary op.
    """

    op: Op
    argument: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", Op(self.op))
        arg = as_bytes(self.argument, "argument")
        object.__setattr__(self, "argument", arg)
        if self.op in _BINARY:
            if not 1 <= len(arg) <= MAX_MESSAGE_LENGTH:
                raise ValueError(f"{self.op.name.lower()} takes a 1..4096-byte argument")
        elif arg:
            raise ValueError(f"{self.op.name.lower()} takes no argument")

    def result_length(self, length: int) -> int:
        """The length of the result on a message of ``length`` bytes.

        :raises ValueError: the message or the result would break the 4096-byte limit.
        """
        if length > MAX_MESSAGE_LENGTH or length < 1:
            raise ValueError(f"messages are 1..{MAX_MESSAGE_LENGTH} bytes, got {length}")
        if self.op in _DIGESTS:
            return _DIGESTS[self.op][0]
        if self.op in _BINARY:
            out = length + len(self.argument)
        elif self.op is Op.HEXLIFY:
            out = 2 * length
        else:
            out = length
        if out > MAX_MESSAGE_LENGTH:
            raise ValueError(f"{self.op.name.lower()} would give {out} bytes, over 4096")
        return out

    def apply(self, message: bytes) -> bytes:
        """The operation's result on ``message``.

        :raises ValueError: a limit is broken (see :meth:`result_length`).
        :raises UnsupportedAlgorithm: RIPEMD-160 is missing from this Python's hashlib.
        """
        self.result_length(len(message))
        if self.op in _DIGESTS:
            return _DIGESTS[self.op][1](message)
        if self.op is Op.APPEND:
            return message + self.argument
        if self.op is Op.PREPEND:
            return self.argument + message
        if self.op is Op.REVERSE:
            return message[::-1]
        return message.hex().encode()


@dataclass(frozen=True)
class PendingAttestation:
    """Submitted to the calendar at ``uri``; upgrade later from ``<uri>/timestamp/<hex msg>``."""

    uri: str
    TAG = bytes.fromhex("83dfe30d2ef90c8e")

    def __post_init__(self) -> None:
        if not isinstance(self.uri, str):
            raise TypeError(f"a calendar URI must be a str, not {type(self.uri).__name__}")
        raw = self.uri.encode()
        if len(raw) > MAX_URI_LENGTH or not set(raw) <= _URI_CHARS:
            raise ValueError(
                "a calendar URI is at most 1000 characters from [A-Za-z0-9-._/:], "
                f"got {self.uri[:80]!r}"
            )


@dataclass(frozen=True)
class BitcoinBlockHeaderAttestation:
    """The message is the Merkle root of the Bitcoin block at ``height``."""

    height: int
    TAG = bytes.fromhex("0588960d73d71901")


@dataclass(frozen=True)
class LitecoinBlockHeaderAttestation:
    """The message is the Merkle root of the Litecoin block at ``height``."""

    height: int
    TAG = bytes.fromhex("06869a0d73d71b45")


@dataclass(frozen=True)
class EthereumBlockHeaderAttestation:
    """Ethereum block at ``height`` (python-opentimestamps calls it "dubious"); parsed only."""

    height: int
    TAG = bytes.fromhex("30fe8087b5c7ead7")


@dataclass(frozen=True)
class UnknownAttestation:
    """An attestation with a tag this module does not know, kept byte for byte."""

    tag: bytes
    payload: bytes

    def __post_init__(self) -> None:
        if len(self.tag) != 8 or len(self.payload) > MAX_PAYLOAD_SIZE:
            raise ValueError("an attestation has an 8-byte tag and at most 8192 payload bytes")


Attestation = (
    PendingAttestation
    | BitcoinBlockHeaderAttestation
    | LitecoinBlockHeaderAttestation
    | EthereumBlockHeaderAttestation
    | UnknownAttestation
)
"""Any attestation a proof can hold."""
_HEIGHT_KINDS: dict[
    bytes,
    type[
        BitcoinBlockHeaderAttestation
        | LitecoinBlockHeaderAttestation
        | EthereumBlockHeaderAttestation
    ],
] = {
    BitcoinBlockHeaderAttestation.TAG: BitcoinBlockHeaderAttestation,
    LitecoinBlockHeaderAttestation.TAG: LitecoinBlockHeaderAttestation,
    EthereumBlockHeaderAttestation.TAG: EthereumBlockHeaderAttestation,
}


@dataclass(frozen=True)
class Timestamp:
    """A node of the proof tree: ``attestations`` on its message and ``ops`` to child nodes.

    The message itself is not stored: it follows from the digest and the operations above.
    """

    attestations: tuple[Attestation, ...] = ()
    ops: tuple[tuple[Operation, Timestamp], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attestations", tuple(self.attestations))
        object.__setattr__(self, "ops", tuple((op, ts) for op, ts in self.ops))
        if not self.attestations and not self.ops:
            raise ValueError("a timestamp node needs an attestation or an operation")

    def walk(self, message: bytes) -> Iterator[tuple[bytes, Attestation]]:
        """Every ``(message, attestation)`` leaf below this node, computing the messages.

        :raises EncodingError: the walk goes over the work budget (module notes) or deeper
            than ``MAX_DEPTH``; a tree inside an :class:`OtsProof` was checked against both
            when the proof was made.
        """
        return self._walk(message, _Work(), 0)

    def _walk(self, message: bytes, work: _Work, depth: int) -> Iterator[tuple[bytes, Attestation]]:
        if depth >= MAX_DEPTH:
            raise EncodingError(f"a proof is at most {MAX_DEPTH} levels deep")
        for attestation in self.attestations:
            yield message, attestation
        for op, child in self.ops:
            work.charge(op.op, len(message))
            yield from child._walk(op.apply(message), work, depth + 1)


@dataclass(frozen=True)
class OtsProof:
    """A detached timestamp: ``digest`` (of the hash ``file_hash``) and its proof ``timestamp``.

    :raises ValueError: the digest length does not match ``file_hash`` or a message limit is
        broken somewhere in the tree.
    """

    digest: bytes
    timestamp: Timestamp
    file_hash: Op = Op.SHA256

    def __post_init__(self) -> None:
        object.__setattr__(self, "file_hash", Op(self.file_hash))
        digest = as_bytes(self.digest, "digest")
        object.__setattr__(self, "digest", digest)
        if self.file_hash not in _DIGESTS:
            raise ValueError("the file hash is sha1, ripemd160, sha256 or keccak256")
        want = _DIGESTS[self.file_hash][0]
        if len(digest) != want:
            raise ValueError(f"a {self.file_hash.name} digest is {want} bytes, got {len(digest)}")
        if not isinstance(self.timestamp, Timestamp):
            raise TypeError(f"timestamp must be a Timestamp, not {type(self.timestamp).__name__}")
        _check_lengths(self.timestamp, len(digest), 0, [MAX_PROOF_SIZE], _Work())

    def to_bytes(self) -> bytes:
        """The ``.ots`` file."""
        out = bytearray(HEADER_MAGIC)
        _write_varuint(out, MAJOR_VERSION)
        out.append(self.file_hash)
        out += self.digest
        _write_timestamp(out, self.timestamp)
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> OtsProof:
        """Parses an ``.ots`` file (see :func:`parse_ots`)."""
        return parse_ots(data)

    def attestations(self) -> list[tuple[bytes, Attestation]]:
        """Every ``(message, attestation)`` in the proof, in file order."""
        return list(self.timestamp.walk(self.digest))


def _check_lengths(
    node: Timestamp, length: int, depth: int, budget: list[int], work: _Work
) -> None:
    if depth >= MAX_DEPTH:
        raise ValueError(f"a proof is at most {MAX_DEPTH} levels deep")
    # Every branch takes at least one byte, so a tree with more branches than a file may hold
    # bytes (a hand-built tree can share nodes, making its expansion exponential) is refused.
    budget[0] -= len(node.attestations) + len(node.ops)
    if budget[0] < 0:
        raise ValueError(f"a proof has at most {MAX_PROOF_SIZE} branches")
    for op, child in node.ops:
        work.charge(op.op, length)
        _check_lengths(child, op.result_length(length), depth + 1, budget, work)


# ------------------------------------------------------------------------------------------------
# Serialization


def _write_varuint(out: bytearray, value: int) -> None:
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def _write_varbytes(out: bytearray, data: bytes) -> None:
    _write_varuint(out, len(data))
    out += data


def _attestation_payload(attestation: Attestation) -> tuple[bytes, bytes]:
    payload = bytearray()
    if isinstance(attestation, PendingAttestation):
        _write_varbytes(payload, attestation.uri.encode())
        return attestation.TAG, bytes(payload)
    if isinstance(attestation, UnknownAttestation):
        return attestation.tag, attestation.payload
    _write_varuint(payload, attestation.height)
    return attestation.TAG, bytes(payload)


def _write_timestamp(out: bytearray, node: Timestamp) -> None:
    branches: list[Attestation | tuple[Operation, Timestamp]] = [*node.attestations, *node.ops]
    for i, branch in enumerate(branches):
        if i < len(branches) - 1:
            out.append(0xFF)
        if isinstance(branch, tuple):
            op, child = branch
            out.append(op.op)
            if op.op in _BINARY:
                _write_varbytes(out, op.argument)
            _write_timestamp(out, child)
        else:
            tag, payload = _attestation_payload(branch)
            out.append(0x00)
            out += tag
            _write_varbytes(out, payload)


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise EncodingError(f"truncated proof: {what} needs {n} bytes at offset {self.pos}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self, what: str) -> int:
        pos = self.pos
        if pos >= len(self.data):
            raise EncodingError(f"truncated proof: {what} needs 1 byte at offset {pos}")
        self.pos = pos + 1
        return self.data[pos]

    def varuint(self, what: str, limit: int) -> int:
        value, shift = 0, 0
        while True:
            b = self.byte(what)
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                # A minimal encoding only, so every accepted file re-serializes byte for byte.
                if b == 0 and shift > 7:
                    raise EncodingError(f"{what}: non-minimal varuint")
                break
            if shift > 63:
                raise EncodingError(f"{what}: varuint longer than 64 bits")
        if value > limit:
            raise EncodingError(f"{what} is {value}, at most {limit}")
        return value

    def varbytes(self, what: str, limit: int) -> bytes:
        return self.read(self.varuint(f"{what} length", limit), what)


def _read_attestation(r: _Reader) -> Attestation:
    tag = r.read(8, "attestation tag")
    payload = r.varbytes("attestation payload", MAX_PAYLOAD_SIZE)
    inner = _Reader(payload)
    attestation: Attestation
    if tag == PendingAttestation.TAG:
        uri = inner.varbytes("calendar URI", MAX_URI_LENGTH)
        if not set(uri) <= _URI_CHARS:
            raise EncodingError("a calendar URI uses only [A-Za-z0-9-._/:]")
        attestation = PendingAttestation(uri.decode("ascii"))
    elif tag in _HEIGHT_KINDS:
        attestation = _HEIGHT_KINDS[tag](inner.varuint("block height", 2**63 - 1))
    else:
        return UnknownAttestation(tag, payload)
    if inner.pos != len(payload):
        raise EncodingError("trailing bytes in an attestation payload")
    return attestation


def _trusted(cls: type[_T], **fields: object) -> _T:
    """Builds a frozen dataclass without re-running checks the parser has just made."""
    obj = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(obj, name, value)
    return obj


_OP_BY_TAG = {int(o): o for o in Op}
_UNARY_OPS = {o: Operation(o) for o in Op if o not in _BINARY}  # immutable, so shared


def _read_timestamp(r: _Reader, length: int, depth: int, work: _Work) -> Timestamp:
    if depth >= MAX_DEPTH:
        raise EncodingError(f"a proof is at most {MAX_DEPTH} levels deep")
    attestations: list[Attestation] = []
    ops: list[tuple[Operation, Timestamp]] = []
    while True:
        tag = r.byte("branch tag")
        more = tag == 0xFF
        if more:
            tag = r.byte("branch tag")
        if tag == 0x00:
            attestations.append(_read_attestation(r))
        else:
            op_tag = _OP_BY_TAG.get(tag)
            if op_tag is None:
                raise EncodingError(f"unknown operation tag 0x{tag:02x}")
            if op_tag in _BINARY:
                arg = r.varbytes("operation argument", MAX_MESSAGE_LENGTH)
                if not arg:
                    raise EncodingError(f"{op_tag.name.lower()} takes a 1..4096-byte argument")
                op = _trusted(Operation, op=op_tag, argument=arg)
            else:
                op = _UNARY_OPS[op_tag]
            try:
                result = op.result_length(length)
            except ValueError as exc:
                raise EncodingError(f"invalid operation: {exc}") from None
            work.charge(op_tag, length)
            ops.append((op, _read_timestamp(r, result, depth + 1, work)))
        if not more:
            return _trusted(Timestamp, attestations=tuple(attestations), ops=tuple(ops))


def parse_ots(data: bytes) -> OtsProof:
    """Parses a detached ``.ots`` file, checking every limit of the format.

    Unknown attestation tags are kept as :class:`UnknownAttestation`.

    :raises EncodingError: bad magic, truncation, trailing bytes, an unknown operation, a
        broken limit (message, argument, payload, URI, depth, file size, work budget) or a
        non-minimal varuint.
    :raises UnsupportedAlgorithm: a major version other than 1.
    """
    data = as_bytes(data, "data")
    if len(data) > MAX_PROOF_SIZE:
        raise EncodingError(f"a proof is at most {MAX_PROOF_SIZE} bytes, got {len(data)}")
    r = _Reader(data)
    if r.read(len(HEADER_MAGIC), "header magic") != HEADER_MAGIC:
        raise EncodingError("not an OpenTimestamps proof (bad header magic)")
    version = r.varuint("major version", 2**64)
    if version != MAJOR_VERSION:
        raise UnsupportedAlgorithm(f"OpenTimestamps major version {version} (only 1 is known)")
    tag = r.byte("file hash op")
    if tag not in _DIGESTS:
        raise EncodingError(f"the file hash op must be a hash, got tag 0x{tag:02x}")
    file_hash = Op(tag)
    digest = r.read(_DIGESTS[file_hash][0], "file digest")
    timestamp = _read_timestamp(r, len(digest), 0, _Work())
    if r.pos != len(data):
        raise EncodingError(f"{len(data) - r.pos} trailing bytes after the proof")
    # Every length and the depth were checked while reading.
    return _trusted(OtsProof, digest=digest, timestamp=timestamp, file_hash=file_hash)


# ------------------------------------------------------------------------------------------------
# Making proofs


@dataclass(frozen=True)
class CalendarRequest:
    """What to send a calendar (this module never sends it): ``method url`` with ``body``."""

    calendar_uri: str
    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Accept", _ACCEPT),)
    method: str = "POST"


def pending_proof(
    digest: bytes, calendar_uris: str | Sequence[str], *, nonce: bytes | None = None
) -> OtsProof:
    """A proof of ``digest`` (32 bytes, SHA-256) pending at each calendar.

    As the ``ots`` client does, the digest is first hidden behind a nonce:
    ``commitment = SHA-256(digest || nonce)`` with 16 random bytes unless ``nonce`` is given
    (``b""`` commits the digest itself). The commitment carries one
    :class:`PendingAttestation` per calendar; :func:`calendar_requests` gives the requests.

    :raises ValueError: the digest is not 32 bytes, no calendar is given, or a URI is invalid.
    """
    digest = as_bytes(digest, "digest")
    if len(digest) != 32:
        raise ValueError(f"the digest must be 32 bytes (SHA-256), got {len(digest)}")
    uris = [calendar_uris] if isinstance(calendar_uris, str) else list(calendar_uris)
    if not uris:
        raise ValueError("at least one calendar URI is needed")
    pending = Timestamp(tuple(PendingAttestation(u) for u in uris))
    nonce = os.urandom(16) if nonce is None else as_bytes(nonce, "nonce")
    if not nonce:
        return OtsProof(digest, pending)
    if len(nonce) > 64:
        raise ValueError(f"the nonce must be at most 64 bytes, got {len(nonce)}")
    committed = Timestamp(ops=((Operation(Op.SHA256), pending),))
    return OtsProof(digest, Timestamp(ops=((Operation(Op.APPEND, nonce), committed),)))


def calendar_requests(proof: OtsProof) -> list[CalendarRequest]:
    """One ``POST <calendar>/digest`` request per pending attestation, body = its commitment.

    :raises TypeError: ``proof`` is not an :class:`OtsProof`.
    """
    _check_proof(proof)
    return [
        CalendarRequest(a.uri, a.uri.rstrip("/") + "/digest", message)
        for message, a in proof.attestations()
        if isinstance(a, PendingAttestation)
    ]


def upgrade_requests(proof: OtsProof) -> list[CalendarRequest]:
    """One ``GET <calendar>/timestamp/<hex commitment>`` request per pending attestation.

    A calendar answers with the timestamp from that commitment onward once its Bitcoin
    transaction is confirmed (give the answer to :func:`merge_calendar_response`), and with
    404 before that.

    :raises TypeError: ``proof`` is not an :class:`OtsProof`.
    """
    _check_proof(proof)
    return [
        CalendarRequest(a.uri, f"{a.uri.rstrip('/')}/timestamp/{message.hex()}", b"", method="GET")
        for message, a in proof.attestations()
        if isinstance(a, PendingAttestation)
    ]


def _check_proof(proof: object) -> None:
    if not isinstance(proof, OtsProof):
        raise TypeError(
            f"proof must be an OtsProof (parse_ots reads one from .ots bytes), "
            f"not {type(proof).__name__}"
        )


def _merge(node: Timestamp, message: bytes, uri: str, reply: Timestamp) -> tuple[Timestamp, int]:
    count = 0
    ops = []
    for op, child in node.ops:
        new_child, n = _merge(child, op.apply(message), uri, reply)
        ops.append((op, new_child))
        count += n
    attestations = list(node.attestations)
    mine = PendingAttestation(uri)
    if mine in attestations:
        attestations = [a for a in attestations if a != mine]
        attestations += reply.attestations
        ops += reply.ops
        count += 1
    return Timestamp(tuple(attestations), tuple(ops)), count


def merge_calendar_response(proof: OtsProof, calendar_uri: str, response: bytes) -> OtsProof:
    """Grafts a calendar's reply in place of the proof's pending attestation for that calendar.

    ``response`` is the body the calendar returned for :func:`calendar_requests`' request (a
    serialized timestamp that starts at the commitment), or for a later
    ``GET <calendar>/timestamp/<hex commitment>`` upgrade.

    :raises TypeError: ``proof`` is not an :class:`OtsProof`.
    :raises ValueError: the proof has no pending attestation for ``calendar_uri``.
    :raises EncodingError: the response is malformed or the merged proof breaks a limit (see
        :func:`parse_ots`; the work budget counts the whole merged tree).
    """
    _check_proof(proof)
    response = as_bytes(response, "response")
    commitments = {m for m, a in proof.attestations() if a == PendingAttestation(calendar_uri)}
    if len(commitments) != 1:
        raise ValueError(f"the proof has no single pending attestation for {calendar_uri!r}")
    (commitment,) = commitments
    if len(response) > MAX_PROOF_SIZE:
        raise EncodingError(f"a response is at most {MAX_PROOF_SIZE} bytes")
    r = _Reader(response)
    reply = _read_timestamp(r, len(commitment), 0, _Work())
    if r.pos != len(response):
        raise EncodingError(f"{len(response) - r.pos} trailing bytes after the response")
    merged, _ = _merge(proof.timestamp, proof.digest, calendar_uri, reply)
    try:
        return OtsProof(proof.digest, merged, proof.file_hash)
    except ValueError as exc:  # the graft made the tree too deep or too long
        raise EncodingError(f"the merged proof breaks a limit: {exc}") from None


def anchor_checkpoint(
    checkpoint: Checkpoint, calendar_uris: str | Sequence[str], *, nonce: bytes | None = None
) -> tuple[OtsProof, list[CalendarRequest]]:
    """The pending proof of a checkpoint's root and the calendar requests to send."""
    proof = pending_proof(checkpoint.root, calendar_uris, nonce=nonce)
    return proof, calendar_requests(proof)


# ------------------------------------------------------------------------------------------------
# Verifying against a Bitcoin block header


@dataclass(frozen=True)
class BitcoinAnchor:
    """A verified Bitcoin attestation: block ``height``, header ``time`` (POSIX seconds),
    ``block_hash`` (display order hex, as explorers show it) and the header's ``merkle_root``."""

    height: int
    time: int
    block_hash: str
    merkle_root: bytes


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _target(bits: int) -> int | None:
    """The target that compact ``nBits`` encodes, or None when it is negative or overflows."""
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    if bits & 0x00800000 and mantissa:
        return None
    target = mantissa >> 8 * (3 - exponent) if exponent <= 3 else mantissa << 8 * (exponent - 3)
    if target == 0 or target >= 1 << 256:
        return None
    return target


def verify_bitcoin(
    proof: OtsProof,
    block_header: bytes,
    *,
    digest: bytes | None = None,
    height: int | None = None,
    block_hash: bytes | str | None = None,
) -> BitcoinAnchor:
    """Verifies a completed proof against a Bitcoin block header supplied by the caller.

    Passes when some :class:`BitcoinBlockHeaderAttestation` in the proof sits on a message equal
    to the header's ``hashMerkleRoot`` (internal byte order), the header's double SHA-256 meets
    its ``nBits`` target, and, when given, the proof's digest equals ``digest``, the attested
    height equals ``height`` and the header's hash equals ``block_hash`` (32 bytes in internal
    order, or display-order hex). The header must come from a source the caller trusts for that
    height: the header alone cannot prove it is on the best chain.

    :raises TypeError: ``proof`` is not an :class:`OtsProof` (``None``, or raw ``.ots`` bytes:
        :func:`parse_ots` them first), or the header is not bytes.
    :raises ValueError: the header is not 80 bytes, or ``block_hash`` is malformed.
    :raises InvalidProof: any check fails (no detail is given).
    """
    _check_proof(proof)
    header = as_bytes(block_header, "block_header")
    if len(header) != 80:
        raise ValueError(f"a Bitcoin block header is 80 bytes, got {len(header)}")
    expected_hash: bytes | None = None
    if isinstance(block_hash, str):
        try:
            expected_hash = bytes.fromhex(block_hash)[::-1]
        except ValueError:
            raise ValueError("block_hash must be 64 hex digits") from None
    elif block_hash is not None:
        expected_hash = as_bytes(block_hash, "block_hash")
    if expected_hash is not None and len(expected_hash) != 32:
        raise ValueError("block_hash must be 32 bytes (or 64 hex digits)")

    header_hash = _sha256d(header)
    merkle_root = header[36:68]
    target = _target(int.from_bytes(header[72:76], "little"))
    ok = target is not None and int.from_bytes(header_hash, "little") <= target
    if expected_hash is not None:
        ok &= hmac.compare_digest(header_hash, expected_hash)
    if digest is not None:
        ok &= hmac.compare_digest(as_bytes(digest, "digest"), proof.digest)
    found = None
    if ok:
        for message, attestation in proof.attestations():
            if (
                isinstance(attestation, BitcoinBlockHeaderAttestation)
                and (height is None or attestation.height == height)
                and hmac.compare_digest(message, merkle_root)
            ):
                found = attestation
                break
    if found is None:
        raise InvalidProof()
    return BitcoinAnchor(
        height=found.height,
        time=int.from_bytes(header[68:72], "little"),
        block_hash=header_hash[::-1].hex(),
        merkle_root=merkle_root,
    )


def verify_checkpoint_anchor(
    proof: OtsProof,
    checkpoint: Checkpoint,
    block_header: bytes,
    *,
    height: int | None = None,
    block_hash: bytes | str | None = None,
) -> BitcoinAnchor:
    """:func:`verify_bitcoin` for a proof that must commit to ``checkpoint.root``.

    :raises TypeError: ``proof`` is not an :class:`OtsProof` or ``checkpoint`` not a
        :class:`~pqpay.checkpoint.Checkpoint`.
    :raises InvalidProof: the proof is for another digest or does not verify.
    """
    _check_proof(proof)
    if not isinstance(checkpoint, Checkpoint):
        raise TypeError(f"checkpoint must be a Checkpoint, not {type(checkpoint).__name__}")
    return verify_bitcoin(
        proof, block_header, digest=checkpoint.root, height=height, block_hash=block_hash
    )
