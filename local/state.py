"""Saving and restoring moto's in-memory backends, so the local stack survives a restart.

moto keeps everything in plain Python objects. Most pickle as they are; a few hold
things pickle refuses, reduced here to something equivalent:

- thread locks (`_thread.RLock`, `_thread.lock`) become fresh, unlocked locks, and
  conditions (each SQS queue has one) fresh conditions without the old waiters;
- `cryptography` keys (Cognito) become their PEM encoding and are loaded back.

The pickle is written atomically (temporary file, fsync, rename). It is taken under
`MOTO_LOCK`, the lock the stack's moto server holds for every request but SQS's (see
local/stack.py), so a snapshot never holds half a DynamoDB transaction; an SQS change
racing the pickle (a dict changing size) is retried. The final save at shutdown runs
after the API, pumps and scheduler have stopped.
A state written by another moto version is not loaded (pickles of internals do not
survive upgrades): it is moved aside and the stack starts empty.
"""

from __future__ import annotations

import copyreg
import io
import logging
import os
import pickle
import threading
import time
from pathlib import Path
from typing import Any

import moto
import moto.backends
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

log = logging.getLogger("local.state")

# The services the stack uses; only these are saved.
SERVICES = ("dynamodb", "sqs", "s3", "cognitoidp", "sns", "ses", "kms", "secretsmanager")
STATE_FILE = "moto-state.pickle"
FORMAT = 1

# Held by the moto server around every request except SQS's, and by `dumps`.
MOTO_LOCK = threading.RLock()

_PRIVATE_KEYS = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)
_PUBLIC_KEYS = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey)


def _load_private_key(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


def _load_public_key(pem: bytes) -> Any:
    return serialization.load_pem_public_key(pem)


def _fresh_rlock(_: Any) -> tuple[Any, tuple[()]]:
    return threading.RLock, ()


def _fresh_lock(_: Any) -> tuple[Any, tuple[()]]:
    return threading.Lock, ()


def _fresh_condition(condition: threading.Condition) -> tuple[Any, tuple[Any, ...]]:
    # A fresh condition: the threads waiting on the old one do not exist after a restart.
    if isinstance(condition._lock, type(threading.Lock())):  # type: ignore[attr-defined]
        return threading.Condition, (threading.Lock(),)
    return threading.Condition, ()


class _StatePickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[type(threading.RLock())] = _fresh_rlock
    dispatch_table[type(threading.Lock())] = _fresh_lock
    dispatch_table[threading.Condition] = _fresh_condition

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _PRIVATE_KEYS):
            pem = obj.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return _load_private_key, (pem,)
        if isinstance(obj, _PUBLIC_KEYS):
            pem = obj.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            return _load_public_key, (pem,)
        return NotImplemented


def snapshot() -> dict[str, dict[str, dict[str, Any]]]:
    """service → account → region → backend, as plain dicts (the BackendDict wrappers are not saved)."""
    return {
        name: {account: dict(regions) for account, regions in moto.backends.get_backend(name).items()}  # type: ignore[call-overload]
        for name in SERVICES
    }


def dumps() -> bytes:
    for attempt in range(5):
        buffer = io.BytesIO()
        try:
            with MOTO_LOCK:
                _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
                    {"format": FORMAT, "moto": moto.__version__, "services": snapshot()}
                )
            return buffer.getvalue()
        except RuntimeError:  # a dict or set changed size while a request was being served
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("moto's state kept changing while it was being saved")


def save(state_dir: Path) -> int:
    """Write the state atomically; returns its size in bytes."""
    data = dumps()
    path = state_dir / STATE_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return len(data)


def restore(state_dir: Path) -> bool:
    """Load a saved state into moto's backends (before the server starts). False if there was none."""
    path = state_dir / STATE_FILE
    if not path.exists():
        return False
    try:
        data = pickle.loads(path.read_bytes())  # our own file, in our own state directory
        if data.get("format") != FORMAT or data.get("moto") != moto.__version__:
            raise ValueError(f"saved by moto {data.get('moto')}, this is moto {moto.__version__}")
        services: dict[str, dict[str, dict[str, Any]]] = data["services"]
    except Exception as exc:
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        os.replace(path, aside)
        log.warning("could not load the saved state (%s); moved it to %s and starting empty", exc, aside.name)
        return False
    for name, accounts in services.items():
        backend_dict = moto.backends.get_backend(name)  # type: ignore[call-overload]
        for account_id, regions in accounts.items():
            account_backends = backend_dict[account_id]
            for region, backend in regions.items():
                account_backends[region] = backend
    return True


class PeriodicSaver:
    """Saves the state every `interval` seconds in a daemon thread (errors are logged, not fatal)."""

    def __init__(self, state_dir: Path, interval: float) -> None:
        self._state_dir = state_dir
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="state-saver", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                save(self._state_dir)
            except Exception as exc:
                log.warning("periodic save failed: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
