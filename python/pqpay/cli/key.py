"""``pqpay key``: make and inspect key files from the shell.

- ``generate ALG -o FILE.pem [--encrypt]``: a fresh PKCS#8 private key, written atomically
  (temporary file in the same directory, then rename) with mode 0600; ``--encrypt`` writes
  encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) that OpenSSL and pyca read.
- ``public IN [-o OUT]``: the SubjectPublicKeyInfo PEM of a private (or public) key file.
- ``vkey IN --name ORIGIN``: the C2SP signed-note verifier key of an Ed25519 or ML-DSA-44 key
  (as :mod:`pqpay.checkpoint` makes them), on stdout.
- ``info FILE``: algorithm, form, sizes, fingerprints; never secret bytes.

Passphrases come from a prompt (twice on ``generate``), ``--passphrase-file F`` (its first
line) or ``--passphrase-env VAR``, never from the command line. Exit codes: 0 done, 2 usage or
input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from pqpay import _files, checkpoint, jose, kem, serialization, signatures
from pqpay.cli._common import CliError
from pqpay.exceptions import EncodingError, UnsupportedAlgorithm
from pqpay.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

__all__ = ["add_passphrase_options", "read_passphrase", "register", "write_atomically"]

ALGORITHMS: dict[str, type[Any]] = {**kem.PRIVATE_KEY_CLASSES, **signatures.PRIVATE_KEY_CLASSES}
"""Every private-key class by algorithm name (the three OID-less KEM hybrids have no PKCS#8
form and are refused with that reason)."""


def read_passphrase(args: argparse.Namespace, *, confirm: bool) -> bytes:
    """The passphrase from ``--passphrase-file``, ``--passphrase-env`` or the terminal."""
    if args.passphrase_file is not None:
        lines = Path(args.passphrase_file).read_text(encoding="utf-8").splitlines()
        text = lines[0] if lines else ""
    elif args.passphrase_env is not None:
        if args.passphrase_env not in os.environ:
            raise ValueError(f"environment variable {args.passphrase_env} is not set")
        text = os.environ[args.passphrase_env]
    else:
        if not sys.stdin.isatty():
            raise ValueError(
                "a passphrase is needed: no terminal to prompt on; "
                "use --passphrase-file F or --passphrase-env VAR"
            )
        text = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Passphrase again: ") != text:
            raise ValueError("the two passphrases differ")
    if not text:
        raise ValueError("the passphrase is empty")
    return text.encode("utf-8")


def write_atomically(path: str, data: bytes, mode: int, *, force: bool) -> None:
    """:func:`pqpay._files.write_atomically`, an existing file a usage error."""
    try:
        _files.write_atomically(path, data, mode, force=force)
    except FileExistsError:
        raise CliError(f"{path} exists", "pass --force to replace it") from None


def _load_key(path: str, args: argparse.Namespace) -> tuple[Any, str]:
    """The key in a PEM or DER file (private, possibly encrypted, or public) and its form."""
    data = Path(path).read_bytes()
    pem = data.lstrip().startswith(b"-----BEGIN")
    outer = "PEM" if pem else "DER"
    if pem and b"-----BEGIN PUBLIC KEY-----" in data:
        return serialization.load_pem_public_key(data), f"SubjectPublicKeyInfo public key ({outer})"
    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    encryption = serialization.private_key_encryption(data)
    if encryption is not None:
        key = load(data, read_passphrase(args, confirm=False))
        return key, f"PKCS#8 private key ({outer}, encrypted: {encryption})"
    try:
        return load(data), f"PKCS#8 private key ({outer}, not encrypted)"
    except EncodingError:
        if pem:
            raise
        try:  # a DER file may hold a public key
            public = serialization.load_der_public_key(data)
        except EncodingError:
            raise ValueError(
                f"{path}: neither a PKCS#8 private key nor an SPKI public key"
            ) from None
        return public, "SubjectPublicKeyInfo public key (DER)"


def _public_of(key: Any) -> Any:
    return key.public_key() if hasattr(key, "public_key") else key


def _generate(args: argparse.Namespace) -> int:
    cls = ALGORITHMS[args.algorithm]
    key = cls.generate()
    encryption: Any = NoEncryption()
    if args.encrypt:
        encryption = BestAvailableEncryption(read_passphrase(args, confirm=True))
    try:
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
    except UnsupportedAlgorithm:
        raise ValueError(
            f"{args.algorithm} has no PKCS#8 form (no assigned OID); store its seed instead"
        ) from None
    write_atomically(args.output, pem, 0o600, force=args.force)
    state = "encrypted" if args.encrypt else "not encrypted"
    print(f"wrote {args.algorithm} private key to {args.output} ({state}, mode 0600)")
    return 0


def _public(args: argparse.Namespace) -> int:
    key, _ = _load_key(args.input, args)
    pem = _public_of(key).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    if args.output is None:
        sys.stdout.write(pem.decode("ascii"))
    else:
        write_atomically(args.output, pem, 0o644, force=args.force)
    return 0


def _vkey(args: argparse.Namespace) -> int:
    key, _ = _load_key(args.input, args)
    try:
        verifier = checkpoint.NoteVerifier.from_public_key(args.name, _public_of(key))
    except TypeError:
        raise ValueError(
            f"{args.input}: a note verifier key needs an Ed25519 or ML-DSA-44 key, "
            f"not {type(key).__name__}"
        ) from None
    print(verifier.vkey)
    return 0


def _info(args: argparse.Namespace) -> int:
    key, form = _load_key(args.file, args)
    pub = _public_of(key)
    spki = pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    lines = [
        ("algorithm", pub.ALGORITHM),
        ("form", form),
        ("public key", f"{len(pub.public_bytes_raw())} bytes (SPKI DER {len(spki)} bytes)"),
    ]
    for attr, what in (
        ("SIGNATURE_SIZE", "signature"),
        ("CIPHERTEXT_SIZE", "ciphertext"),
        ("SHARED_SECRET_SIZE", "shared secret"),
    ):
        if hasattr(pub, attr):
            lines.append((what, f"{getattr(pub, attr)} bytes"))
    lines.append(("SHA-256 of SPKI", hashlib.sha256(spki).hexdigest()))
    if isinstance(pub, signatures.SignaturePublicKey):
        # Only the algorithms with a JWK form (AKP, OKP) have a thumbprint.
        with contextlib.suppress(UnsupportedAlgorithm, TypeError, ValueError):
            lines.append(("RFC 7638 thumbprint", jose.jwk_thumbprint(pub)))
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"{name + ':':<{width + 1}} {value}")
    return 0


def add_passphrase_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-file", metavar="F", help="read the passphrase from F")
    group.add_argument(
        "--passphrase-env", metavar="VAR", help="read the passphrase from environment variable VAR"
    )


def register(subparsers: Any) -> None:
    """Adds ``key {generate,public,vkey,info}`` to the ``pqpay`` command."""
    parser = subparsers.add_parser("key", help="make and inspect key files")
    sub = parser.add_subparsers(dest="key_command", required=True)

    gen = sub.add_parser("generate", help="a new PKCS#8 private key (mode 0600)")
    gen.add_argument("algorithm", metavar="ALG", choices=sorted(ALGORITHMS))
    gen.add_argument("-o", "--output", required=True, metavar="FILE.pem")
    gen.add_argument("--encrypt", action="store_true", help="encrypt with a passphrase")
    gen.add_argument("--force", action="store_true", help="replace an existing file")
    add_passphrase_options(gen)
    gen.set_defaults(func=_generate)

    pub = sub.add_parser("public", help="the SubjectPublicKeyInfo PEM of a key")
    pub.add_argument("input", metavar="IN")
    pub.add_argument("-o", "--output", metavar="OUT", help="default: stdout")
    pub.add_argument("--force", action="store_true", help="replace an existing file")
    add_passphrase_options(pub)
    pub.set_defaults(func=_public)

    vkey = sub.add_parser("vkey", help="the C2SP note verifier key (Ed25519, ML-DSA-44)")
    vkey.add_argument("input", metavar="IN")
    vkey.add_argument("--name", required=True, metavar="ORIGIN", help="the key name (log origin)")
    add_passphrase_options(vkey)
    vkey.set_defaults(func=_vkey)

    info = sub.add_parser("info", help="algorithm, form, sizes and fingerprints of a key file")
    info.add_argument("file", metavar="FILE")
    add_passphrase_options(info)
    info.set_defaults(func=_info)
