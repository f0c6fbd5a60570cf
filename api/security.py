"""API keys: creation, hashing and lookup. Only SHA-256 digests are stored.

Notes
-----
Keys carry 256 random bits, so a fast hash is enough: there is nothing to
brute-force as there would be with a password, and a lookup by digest is
constant-time in the database index.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.models import ApiKey, Clinic, WebSession, utcnow

KEY_PREFIX = "mq_"
_PREFIX_SHOWN = 10
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` is refreshed at most this often (no database write on every request)."""


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: ``secret`` is shown once and never stored."""

    secret: str
    prefix: str
    clinic: str


def hash_key(secret: str) -> str:
    """SHA-256 hex digest of a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def get_or_create_clinic(session: Session, name: str) -> Clinic:
    """Return the clinic called ``name``, created when missing."""
    clinic = session.scalar(select(Clinic).where(Clinic.name == name))
    if clinic is None:
        clinic = Clinic(name=name)
        session.add(clinic)
        session.flush()
    return clinic


def create_key(session: Session, clinic_name: str, label: str | None = None) -> NewKey:
    """Create an API key for ``clinic_name`` (creating the clinic if needed)."""
    clinic = get_or_create_clinic(session, clinic_name)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[:_PREFIX_SHOWN]
    session.add(ApiKey(clinic_id=clinic.id, prefix=prefix, key_hash=hash_key(secret), label=label))
    session.flush()
    return NewKey(secret, prefix, clinic.name)


def clinic_for_key(session: Session, secret: str) -> Clinic | None:
    """Return the clinic a valid, unrevoked key belongs to, or ``None``."""
    key = active_key(session, secret)
    return None if key is None else key.clinic


def active_key(session: Session, secret: str) -> ApiKey | None:
    """Return the unrevoked key ``secret`` is (its last use noted), or ``None``."""
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret), ApiKey.revoked_at.is_(None)))
    if key is None:
        return None
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        key.last_used_at = now
    return key


def open_web_session(session: Session, key: ApiKey, lifetime: timedelta) -> str:
    """Start a browser sign-in for ``key``; return the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))  # sign-ins long over
    session.add(WebSession(token_hash=hash_key(token), api_key_id=key.id, created_at=now, expires_at=now + lifetime))
    return token


def clinic_for_web_session(session: Session, token: str) -> Clinic | None:
    """Return the clinic of a live sign-in: not expired, not signed out, its key not revoked; else ``None``."""
    found = session.scalar(
        select(WebSession)
        .join(ApiKey, WebSession.api_key_id == ApiKey.id)
        .where(
            WebSession.token_hash == hash_key(token),
            WebSession.expires_at > utcnow(),
            ApiKey.revoked_at.is_(None),
        )
    )
    return None if found is None else found.api_key.clinic


def close_web_session(session: Session, token: str) -> None:
    """End a sign-in (sign-out): its token is no longer accepted, wherever a copy of the cookie went."""
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_key(token)))


def revoke_key(session: Session, prefix: str) -> int:
    """Revoke the one active key whose prefix starts with ``prefix``; return how many keys matched.

    Nothing is revoked unless exactly one key matches, so a short or ambiguous
    prefix cannot revoke several clinics' keys at once; ``%`` and ``_`` in the
    prefix are literal characters, not SQL wildcards.
    """
    match = ApiKey.prefix.startswith(prefix, autoescape=True)
    keys = session.scalars(select(ApiKey).where(match, ApiKey.revoked_at.is_(None))).all()
    if len(keys) == 1:
        keys[0].revoked_at = utcnow()
    return len(keys)
