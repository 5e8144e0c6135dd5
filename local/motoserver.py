"""The embedded moto server, and what it takes for moto to serve a long-running stack.

moto is a test double; three of its behaviours matter once it runs for hours under
concurrent requests (all measured with moto 5.2.5 and the seeded directory, ~2,700 items):

1. Its backends are not thread-safe. DynamoDB TransactWriteItems deep-copies the table
   to roll back; a write from another thread meanwhile fails the copy ("dictionary
   changed size during iteration" → HTTP 500, the API answered 503) or is undone by the
   rollback. The API and the pumps write concurrently, so every request except SQS's is
   serialised (`SerialisedMoto`). SQS is left out: its long polls would block everything,
   and moto guards each queue with its own condition lock.
2. TransactWriteItems deep-copies the whole table once *per item* of the transaction
   (a nine-item transaction made nine copies: 0.4–1 s). Only the last copy is ever used
   and all are taken before the first write, so one copy per table per transaction is
   the same rollback (`patch_moto`).
3. Every model object moto creates is appended to a class-level list for its dashboard
   and never freed; with the table copies above the process grew 195 MB → 850 MB over
   20 complaints. The stack does not use the dashboard: tracking is switched off.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_PATCHED = False


class _OneCopyPerTransaction:
    """Stands in for the `copy` module inside moto.dynamodb.models."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, obj: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        cache: dict[int, tuple[Any, Any]] | None = getattr(self._local, "tables", None)
        if cache is None or not isinstance(obj, Table):
            return copy.deepcopy(obj, memo)
        if id(obj) not in cache:
            cache[id(obj)] = (obj, copy.deepcopy(obj))  # the original is kept so its id stays unique
        return cache[id(obj)][1]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._local.tables = {}
        try:
            yield
        finally:
            self._local.tables = None


def patch_moto() -> None:
    """Switch off instance tracking; one table copy per transaction (see the module doc)."""
    global _PATCHED
    if _PATCHED:
        return
    import moto.dynamodb.models as dynamodb_models
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import reset_model_data

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]
    reset_model_data()

    copier = _OneCopyPerTransaction()
    dynamodb_models.copy = copier  # type: ignore[attr-defined, assignment]
    backend = dynamodb_models.DynamoDBBackend
    original = backend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with copier.transaction():
            original(self, transact_items)

    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _PATCHED = True


class SerialisedMoto:
    """WSGI wrapper: one moto request at a time, except SQS's (see the module doc)."""

    def __init__(self, app: Any, lock: Any) -> None:
        self._app = app
        self._lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("AmazonSQS."):
            return self._app(environ, start_response)
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class LoopbackMotoServer:
    """moto's ThreadedMotoServer, with the port bound before `start` returns.

    ThreadedMotoServer binds inside its thread: a busy port kills that thread and
    `start()` waits forever. Binding here turns that into an immediate OSError.
    """

    def __init__(self, host: str, port: int, lock: Any, poll_interval: float = 0.2) -> None:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        self._moto = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        app = SerialisedMoto(DomainDispatcherApplication(create_backend_app), lock)
        server = make_server(host, port, app, True, request_handler=MotoRequestHandler)
        self._moto._server = server
        self._moto._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=poll_interval), name="moto", daemon=True
        )

    def start(self) -> None:
        assert self._moto._thread is not None
        self._moto._thread.start()
        self._moto._server_ready_event.set()

    def stop(self) -> None:
        self._moto.stop()
        if self._moto._server is not None:
            self._moto._server.server_close()
