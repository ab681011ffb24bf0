"""Enrolment tokens and device keys: random secrets, of which the hub keeps only hashes.

Both are 128+ bits from ``secrets``, so a plain SHA-256 is the right hash: slow password
hashes exist to protect guessable passwords, and these are not guessable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass

from kiosk.core.refusal import Refusal

TOKEN_PREFIX = "kiosk:"


class BadToken(ValueError, Refusal):
    """The text is not an enrolment token (mistyped, cut short, or something else)."""


@dataclass(frozen=True)
class EnrolToken:
    """What a desk needs to join: where the hub is, its certificate, and a one-off secret."""

    url: str
    fingerprint: str  # SHA-256 of the hub's certificate, hex; '' for a plain-HTTP hub
    secret: str

    def text(self) -> str:
        body = json.dumps({"u": self.url, "f": self.fingerprint, "t": self.secret},
                          separators=(",", ":")).encode()
        return TOKEN_PREFIX + base64.urlsafe_b64encode(body).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> EnrolToken:
        text = "".join(text.split())
        if not text.startswith(TOKEN_PREFIX):
            raise BadToken("That is not a hub token: it should start with “kiosk:”. "
                           "Copy the whole token shown by `kiosk hub-enrol`.")
        body = text[len(TOKEN_PREFIX):]
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            return cls(str(data["u"]), str(data["f"]), str(data["t"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise BadToken("That hub token is damaged or cut short. Copy it again, in full."
                           ) from exc


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_token_secret() -> str:
    return secrets.token_urlsafe(16)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
