"""`python -m local.stack` (what `make run` starts): the whole system in one process.

moto server → restore state → provision (infra/resources.json) → seed → chalice local
(stage `local`, no autoreload) + SQS pumps + scheduler + outbox printer + static web.
Ctrl-C / SIGTERM stops everything, saves the state and exits 0. See docs/local-stack.md.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any

from local import config, totp
from local.web import send_answer, static_answer

log = logging.getLogger("local.stack")
SENDER_EMAIL = "no-reply@awaaz.example.pk"
POLL_INTERVAL = 0.2  # how often the HTTP servers look for a shutdown request


def _tame_request_logging(server: Any, web_dir: Path, config_js: bytes, security: dict[str, str] | None = None) -> None:
    """chalice local logs each request line: keep the path, drop the query (it may hold citizen text).

    A client that hangs up before its answer is written is not worth a traceback either.
    GETs outside the API's paths answer with the web page's files, so the page is served
    on the API's own port (in AWS, S3 and CloudFront serve them), compressed, with ETags and
    Cache-Control and security headers exactly as on WEB_PORT (local/web.py's `static_answer`).
    """
    default_handle_error = server.server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            return
        default_handle_error(request, client_address)

    server.server.handle_error = handle_error
    handler_factory = server.server.RequestHandlerClass
    base = handler_factory.func

    class Handler(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            answer = static_answer(web_dir, self.path, config_js, dict(self.headers.items()), security)
            if answer is None:
                super().do_GET()
                return
            send_answer(self, answer)

        def do_HEAD(self) -> None:
            answer = static_answer(web_dir, self.path, config_js, dict(self.headers.items()), security)
            if answer is None:
                super().do_HEAD()
                return
            send_answer(self, answer)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            path = self.path.split("?", 1)[0]
            BaseHTTPRequestHandler.log_message(self, '"%s %s" %s', self.command, path, str(code))

    server.server.RequestHandlerClass = type(handler_factory)(
        Handler, *handler_factory.args, **handler_factory.keywords
    )


def _check_ports(settings: config.StackSettings) -> None:
    """Fail at once, naming the variable, if a port is taken (before anything is started)."""
    import socket

    for variable, port in (("PORT", settings.port), ("MOTO_PORT", settings.moto_port), ("WEB_PORT", settings.web_port)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((settings.host, port))
            except OSError:
                raise SystemExit(
                    f"{variable}={port}: {settings.host}:{port} is already in use; "
                    f"stop what uses it or choose another, e.g. make run {variable}={port + 1}"
                ) from None


def _write_runtime(settings: config.StackSettings, environment: dict[str, str]) -> Path:
    """Where a second process (`python -m local.scheduler`) finds the running stack."""
    path = settings.state_dir / "runtime.json"
    document = {
        "pid": os.getpid(),
        "project_dir": str(settings.project_dir),
        "stage": settings.stage,
        "region": settings.region,
        "account_id": settings.account_id,
        "api_url": settings.api_url,
        "web_url": settings.web_url,
        "moto_url": settings.endpoint_url,
        "environment": environment,
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
    os.replace(tmp, path)
    return path


class Stack:
    def __init__(self, settings: config.StackSettings) -> None:
        self.settings = settings
        self.stop_requested = threading.Event()
        self._stoppers: list[tuple[str, Any]] = []  # started components, stopped in reverse order

    def _clients(self, service: str) -> Any:
        from chalicelib import aws

        return aws.client(service)

    def start(self) -> None:
        s = self.settings
        started = time.monotonic()
        _check_ports(s)
        s.state_dir.mkdir(parents=True, exist_ok=True)
        config.apply_environment(s, os.environ)

        from local import state
        from local.motoserver import LoopbackMotoServer, patch_moto

        patch_moto()
        restored = state.restore(s.state_dir)
        log.info("state: %s", f"restored from {s.state_dir / state.STATE_FILE}" if restored else "starting empty")

        moto_server = LoopbackMotoServer(s.host, s.moto_port, state.MOTO_LOCK, POLL_INTERVAL)
        moto_server.start()
        if os.environ.get("LOCAL_MOTO_OVER_HTTP", "") in ("", "0"):
            from local import inprocess

            # Before any client exists: this process's calls to moto skip loopback HTTP (local/inprocess.py).
            inprocess.install(moto_server.app, s.endpoint_url)
        self._stoppers.append(("moto", moto_server.stop))
        self._stoppers.append(("state", lambda: state.save(s.state_dir)))

        from local.provision import provision

        provisioned = provision(
            s.resources_path,
            self._clients,
            stack_name=s.stack_name,
            region=s.region,
            account_id=s.account_id,
            parameters={"SenderEmail": SENDER_EMAIL, "AlarmEmail": ""},
            functions_path=s.functions_path,
            # The keyring's one key is the one this state directory has always used (state/pii.key)
            secret_strings={"PiiSecret": config.local_keyring(s.state_dir)},
        )
        os.environ.update(provisioned.environment)
        os.environ.setdefault("SENDER_EMAIL", SENDER_EMAIL)
        self._clients("ses").verify_email_identity(EmailAddress=os.environ["SENDER_EMAIL"])
        log.info(
            "provisioned from %s: %d created, %d found, %d skipped",
            s.resources_path.relative_to(config.REPO_DIR),
            len(provisioned.created),
            len(provisioned.found),
            len(provisioned.skipped),
        )

        from local import seed

        pools = {"citizens": os.environ["USER_POOL_ID"], "staff": os.environ["STAFF_POOL_ID"]}
        self.accounts = seed.seed(
            s.seed_path,
            os.environ["TABLE_NAME"],
            pools,
            os.environ["STAFF_POOL_CLIENT_ID"],
            s.state_dir,
            s.accounts_path,
        )
        from chalicelib.insights.shipped import publish_shipped
        from chalicelib.integrations.models import S3ModelStore

        models = publish_shipped(S3ModelStore(lambda: self._clients("s3"), os.environ["MODELS_BUCKET"]))
        log.info("classifier models: %s", ", ".join(f"{name} {what}" for name, what in models.items()))
        state.save(s.state_dir)

        from chalice.cli.factory import CLIFactory

        from local import gateway
        from local.web import WebServer, config_script, security_headers

        gateway.install()  # an authorizer's 401 answers as API Gateway's UNAUTHORIZED response does
        factory = CLIFactory(str(s.project_dir), environ=os.environ)
        server = gateway.create_api_server(factory, s.host, s.port, s.stage)
        page_config = {"apiBaseUrl": s.api_url, "stage": s.stage}
        # A tile server for the filing form's map (none by default: this machine reaches none; the map then
        # shows the district outlines alone), e.g. TILE_URL=https://tile.openstreetmap.org/{z}/{x}/{y}.png
        tiles = {"tileUrl": "TILE_URL", "tileAttribution": "TILE_ATTRIBUTION"}
        page_config.update({key: os.environ[name] for key, name in tiles.items() if os.environ.get(name)})
        # Presigned upload and download URLs point at moto (AWS_ENDPOINT_URL): the page's CSP allows it.
        _tame_request_logging(
            server, s.web_dir, config_script(page_config), security_headers(page_config, [s.endpoint_url])
        )
        app = server.app_object
        function_prefix = f"{app.app_name}-{s.stage}"

        from local.outbox import Outbox
        from local.pumps import Pumps
        from local.scheduler import Scheduler, set_active

        outbox = Outbox()
        outbox.start()
        self._stoppers.append(("outbox", outbox.stop))

        pumps = Pumps(
            app, self._clients("sqs"), stack_name=s.stack_name, region=s.region, function_prefix=function_prefix
        )
        pumps.start()
        self._stoppers.append(("pumps-signal", pumps.signal_stop))
        self._stoppers.append(("pumps", pumps.stop))

        scheduler = Scheduler(app, stage=s.stage, region=s.region, account_id=s.account_id)
        scheduler.start()
        set_active(scheduler)
        self._stoppers.append(("scheduler", scheduler.stop))

        web = WebServer(s.web_dir, s.host, s.web_port, page_config, [s.endpoint_url])
        web.start()
        self._stoppers.append(("web", web.stop))

        api_thread = threading.Thread(
            target=lambda: server.server.serve_forever(poll_interval=POLL_INTERVAL), name="chalice-local", daemon=True
        )
        api_thread.start()

        def stop_api() -> None:
            server.shutdown()
            server.server.server_close()
            api_thread.join(5)

        self._stoppers.append(("api", stop_api))

        saver = state.PeriodicSaver(s.state_dir, s.save_interval)
        saver.start()
        self._stoppers.append(("saver", saver.stop))
        runtime = _write_runtime(s, {k: os.environ[k] for k in _RUNTIME_ENV if k in os.environ})
        self._stoppers.append(("runtime", lambda: runtime.unlink(missing_ok=True)))

        elapsed = time.monotonic() - started
        lines = [
            "",
            f"Awaaz local stack is up ({elapsed:.1f} s), stage {s.stage}, state in {s.state_dir}",
            f"  API   {s.api_url}/v1/health",
            f"  web   {s.api_url}/  (also {s.web_url}/)",
            f"  moto  {s.endpoint_url}",
            "  pumps " + ("; ".join(pumps.describe()) or "none"),
            "  jobs  " + ("; ".join(scheduler.describe()) or "none") + "  (python -m local.scheduler NAME [AT])",
            "",
            "Demo accounts (" + str(s.accounts_path) + "):",
            seed.accounts_table(self.accounts),
            "Officers and admins also type an authenticator code: `make totp` shows it"
            f" (or add the key {totp.MOTO_TOTP_SECRET.upper()} to any authenticator app).",
            "",
            "Ctrl-C stops everything.",
        ]
        print("\n".join(lines), flush=True)

    def stop(self) -> None:
        from local.scheduler import set_active

        set_active(None)
        # Stop what produces work first (API, scheduler, pumps), save, then moto.
        order = ["saver", "pumps-signal", "scheduler", "web", "api", "pumps", "outbox", "runtime", "state", "moto"]
        stoppers = dict(self._stoppers)
        for name in order:
            stop = stoppers.get(name)
            if stop is None:
                continue
            began = time.monotonic()
            try:
                stop()
            except Exception as exc:
                log.warning("stopping %s failed: %s", name, exc)
            log.debug("stopped %s in %.2f s", name, time.monotonic() - began)


_RUNTIME_ENV = (
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ENDPOINT_URL",
    "AWS_EC2_METADATA_DISABLED",
    "STAGE",
    "PII_SECRET_ARN",
    "SENDER_EMAIL",
    "TABLE_NAME",
    "INTAKE_QUEUE_URL",
    "NOTIFICATIONS_QUEUE_URL",
    "DUE_QUEUE_URL",
    "ATTACHMENTS_BUCKET",
    "ARCHIVE_BUCKET",
    "USER_POOL_ID",
    "USER_POOL_CLIENT_ID",
    "STAFF_POOL_ID",
    "STAFF_POOL_CLIENT_ID",
)


def main() -> int:
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    config.setup_logging()
    settings = config.settings_from(os.environ)
    stack = Stack(settings)
    signals = {"count": 0}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        signals["count"] += 1
        if signals["count"] > 1:
            print("second signal: exiting without saving", file=sys.stderr, flush=True)
            os._exit(130)
        stack.stop_requested.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
    except BaseException as exc:
        if not isinstance(exc, SystemExit):
            log.error("start-up failed: %s: %s", type(exc).__name__, exc)
        stack.stop()
        if isinstance(exc, SystemExit) and isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 1
        if isinstance(exc, SystemExit):
            return exc.code if isinstance(exc.code, int) else 1
        if os.environ.get("LOCAL_STACK_DEBUG"):
            raise
        return 1
    while not stack.stop_requested.wait(3600):
        pass
    log.info("stopping…")
    started = time.monotonic()
    stack.stop()
    leftover = [t.name for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive()]
    log.info(
        "stopped in %.1f s; state saved%s",
        time.monotonic() - started,
        f" (still alive: {', '.join(leftover)})" if leftover else "",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
