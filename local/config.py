"""Settings of the local stack (ports, paths) and the process environment it runs in."""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
REGION = "ap-south-1"
ACCOUNT_ID = "123456789012"
STACK_NAME = "awaaz-local"
STAGE = "local"
HOST = "127.0.0.1"
PII_KEY_FILE = "pii.key"

log = logging.getLogger("local")


@dataclass(frozen=True)
class StackSettings:
    project_dir: Path
    state_dir: Path
    accounts_path: Path
    seed_path: Path
    resources_path: Path
    functions_path: Path
    web_dir: Path
    port: int
    moto_port: int
    web_port: int
    save_interval: float = 30.0
    host: str = HOST
    region: str = REGION
    account_id: str = ACCOUNT_ID
    stack_name: str = STACK_NAME
    stage: str = STAGE

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < value < 65536:
        raise SystemExit(f"{name} must be between 1 and 65535, got {value}")
    return value


def settings_from(env: Mapping[str, str]) -> StackSettings:
    project_dir = Path(env.get("AWAAZ_PROJECT_DIR") or REPO_DIR).resolve()
    return StackSettings(
        project_dir=project_dir,
        state_dir=Path(env.get("LOCAL_STATE_DIR") or REPO_DIR / ".local").resolve(),
        accounts_path=Path(env.get("DEMO_ACCOUNTS_PATH") or REPO_DIR / "local" / "demo-accounts.json").resolve(),
        seed_path=Path(env.get("AWAAZ_SEED_PATH") or REPO_DIR / "infra" / "seed" / "directory.json").resolve(),
        resources_path=REPO_DIR / "infra" / "resources.json",
        functions_path=REPO_DIR / "infra" / "functions.json",
        web_dir=REPO_DIR / "web",
        port=_port(env, "PORT", 8000),
        moto_port=_port(env, "MOTO_PORT", 5000),
        web_port=_port(env, "WEB_PORT", 8080),
        save_interval=float(env.get("LOCAL_SAVE_INTERVAL") or 30.0),
    )


def pii_key(state_dir: Path) -> str:
    """The stack's PII key (32 random bytes, base64), made once and kept in the state directory."""
    path = state_dir / PII_KEY_FILE
    if path.exists():
        key = path.read_text().strip()
        if len(base64.b64decode(key)) != 32:
            raise SystemExit(f"{path} does not hold 32 base64-encoded bytes; delete it (and the state) to start over")
        return key
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    os.replace(tmp, path)
    return key


def local_keyring(state_dir: Path) -> str:
    """The PII keyring the local stack's secret holds: one version, the state directory's key."""
    return json.dumps({"current": "1", "hash": "1", "1": pii_key(state_dir)})


def apply_environment(settings: StackSettings, environ: MutableMapping[str, str]) -> None:
    """Point every AWS client of this process at the embedded moto server, never at AWS."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN"):
        environ.pop(name, None)
    environ.update(
        {
            "AWS_DEFAULT_REGION": settings.region,
            "AWS_REGION": settings.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": settings.endpoint_url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "STAGE": settings.stage,
            "MOTO_ACCOUNT_ID": settings.account_id,
            # moto checks staff authenticator codes for real (one fixed key: local/totp.py).
            "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
        }
    )


def setup_logging() -> None:
    """One plain line per event on stdout; `LOCAL_STACK_DEBUG=1` adds the debug lines."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(name)-15s %(message)s", "%H:%M:%S"))
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG if os.environ.get("LOCAL_STACK_DEBUG") else logging.INFO)
    # The moto server logs every request (paths may carry ids and keys): keep it quiet.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
