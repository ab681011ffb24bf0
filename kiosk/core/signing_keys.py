"""A device's Ed25519 signing key: made once, kept in the device's own file."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def new_signing_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_hex(signing_key: bytes) -> str:
    return Ed25519PrivateKey.from_private_bytes(signing_key).public_key().public_bytes_raw().hex()
