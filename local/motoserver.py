"""The embedded moto server, and what it takes for moto to serve a long-running stack.

moto is a test double; a few of its behaviours matter once it runs for hours under
concurrent requests (all measured with moto 5.2.5 and the seeded directory, ~2,700 items):

1. Its backends are not thread-safe. DynamoDB TransactWriteItems deep-copies the table
   to roll back; a write from another thread meanwhile fails the copy ("dictionary
   changed size during iteration" → HTTP 500, the API answered 503) or is undone by the
   rollback. The API and the pumps write concurrently, so every request except SQS's is
   serialised (`SerialisedMoto`). SQS is left out: its long polls would block everything,
   and moto guards each queue with its own condition lock.
2. TransactWriteItems deep-copies the whole table once *per item* of the transaction
   (a nine-item transaction made nine copies: 0.4–1 s) to put it back if the transaction
   is cancelled. Even one copy per transaction was 45% of moto's time with 16 clients
   filing at once (the whole table, every filing and every routing). A transaction changes
   only the items it names, and moto runs one request at a time here (below): a copy of
   those items, put back on cancellation, is the same rollback (`_ItemJournal`,
   `patch_moto`).
3. Every model object moto creates is appended to a class-level list for its dashboard
   and never freed; with the table copies above the process grew 195 MB → 850 MB over
   20 complaints. The stack does not use the dashboard: tracking is switched off.
4. Every Query reads every item of the table, base table and indexes alike: with 10,000
   published complaints one Query took ~0.45 s, so a public list took seconds where
   DynamoDB reads one partition. A Query here looks only at the items of its partition:
   the base table's from moto's own map, an index's from a map rebuilt after any write
   (`_partition_candidates`; every DynamoDB request but a read bumps `_writes`).
5. A refresh token Cognito never issued makes moto raise a KeyError (HTTP 500, the API
   answered 503) where AWS answers NotAuthorized: `patch_cognito` answers as AWS does.
6. moto ignores a pool's AllowAdminCreateUserOnly (SignUp works) and a client's
   ExplicitAuthFlows (USER_PASSWORD_AUTH works): anyone with the client id could sign up
   and guess passwords around the API locally. `patch_cognito` refuses both, as AWS does.
7. moto's server finds the backend of every request by listing its own package directory
   (`list_of_moto_modules`: ~200 `isdir` calls a request, a quarter of moto's time under
   load). The list does not change while the process runs: it is read once.
8. moto answers every request by walking the operation's output shape member by member
   (`moto.core.serialize`): for a Query of 160 whole cases that walk was 85 % of the
   request's time (~1.5 s for the Open311 list of two services at its deepest page, with
   10,000 published complaints). A read's items are already in DynamoDB's wire form, so
   Query, GetItem and BatchGetItem answers are written with one `json.dumps`; an
   answer holding what JSON cannot (a binary value, a date) takes moto's own way
   (`_serialise_reads_as_json`; tests/unit/test_moto_reads.py compares both).
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_PATCHED = False


class _OneCopyPerTransaction:
    """Stands in for the `copy` module inside moto.dynamodb.models: no table copy inside a journaled transaction.

    Inside `journaled()` a table's "copy" is the table itself (moto's rollback then puts back
    the same object: nothing), and `_ItemJournal` restores the items instead. Inside
    `transaction()` (a transaction whose items could not be named) one real copy per table.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, obj: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if not isinstance(obj, Table):
            return copy.deepcopy(obj, memo)
        if getattr(self._local, "journaled", False):
            return obj
        cache: dict[int, tuple[Any, Any]] | None = getattr(self._local, "tables", None)
        if cache is None:
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

    @contextmanager
    def journaled(self) -> Iterator[None]:
        self._local.journaled = True
        try:
            yield
        finally:
            self._local.journaled = False


class _ItemJournal:
    """A copy of each item a transaction names (or that it is absent), to put back if it is cancelled."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        self._saved: list[tuple[Any, Any, Any, Any]] = []  # (table, hash value, range value, item copy or None)
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            if op_type == "Put":
                attrs = op["Item"]
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            hash_value, range_value = backend.get_keys_value(table, key)
            current = table.get_item(hash_value, range_value)
            self._saved.append((table, hash_value, range_value, copy.deepcopy(current)))

    def restore(self) -> None:
        for table, hash_value, range_value, item in reversed(self._saved):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items[hash_value].pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item


def patch_cognito() -> None:
    """Cognito as AWS enforces it where moto 5.2.5 does not (see the module doc, 5 and 6)."""
    import moto.cognitoidp.models as cognito_models
    from moto.cognitoidp.exceptions import NotAuthorizedError

    pool_class = cognito_models.CognitoIdpUserPool
    backend_class = cognito_models.CognitoIdpBackend
    if getattr(pool_class, "_awaaz_patched", False):
        return
    refresh = pool_class.create_tokens_from_refresh_token
    sign_up = backend_class.sign_up
    initiate_auth = backend_class.initiate_auth

    def create_tokens_from_refresh_token(self: Any, refresh_token: str) -> tuple[str, str, int]:
        if refresh_token not in self.refresh_tokens:
            raise NotAuthorizedError(refresh_token)
        return refresh(self, refresh_token)

    def pool_and_client(backend: Any, client_id: str) -> tuple[Any, Any]:
        for pool in backend.user_pools.values():
            if client_id in pool.clients:
                return pool, pool.clients[client_id]
        return None, None

    def guarded_sign_up(self: Any, client_id: str, *args: Any, **kwargs: Any) -> Any:
        pool, _ = pool_and_client(self, client_id)
        if pool is not None and pool.extended_config.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly"):
            raise NotAuthorizedError("SignUp is not permitted for this user pool")
        return sign_up(self, client_id, *args, **kwargs)

    def guarded_initiate_auth(self: Any, client_id: str, auth_flow: str, *args: Any, **kwargs: Any) -> Any:
        _, client = pool_and_client(self, client_id)
        allowed = (client.extended_config.get("ExplicitAuthFlows") if client is not None else None) or []
        if allowed and f"ALLOW_{auth_flow.removesuffix('_AUTH')}_AUTH" not in allowed:
            raise NotAuthorizedError(f"{auth_flow} flow not enabled for this client")
        return initiate_auth(self, client_id, auth_flow, *args, **kwargs)

    pool_class.create_tokens_from_refresh_token = create_tokens_from_refresh_token  # type: ignore[method-assign]
    backend_class.sign_up = guarded_sign_up  # type: ignore[method-assign]
    backend_class.initiate_auth = guarded_initiate_auth  # type: ignore[method-assign]
    pool_class._awaaz_patched = True  # type: ignore[attr-defined]


def patch_moto() -> None:
    """Switch off instance tracking; one table copy per transaction; refresh tokens as AWS (see the module doc)."""
    global _PATCHED
    patch_cognito()
    if _PATCHED:
        return
    import moto.dynamodb.models as dynamodb_models
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import reset_model_data

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]
    reset_model_data()

    import moto.backends

    modules = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules

    copier = _OneCopyPerTransaction()
    dynamodb_models.copy = copier  # type: ignore[attr-defined, assignment]
    backend = dynamodb_models.DynamoDBBackend
    original = backend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        try:
            journal = _ItemJournal(self, transact_items)
        except Exception:  # a malformed transaction: moto's own way, which also says what is wrong
            with copier.transaction():
                original(self, transact_items)
            return
        with copier.journaled():
            try:
                original(self, transact_items)
            except BaseException:
                journal.restore()
                raise

    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _query_one_partition()
    _serialise_reads_as_json()
    _PATCHED = True


# DynamoDB requests that change nothing; any other bumps the write count the index maps follow.
_READS = frozenset(
    f"DynamoDB_20120810.{name}"
    for name in ("GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable", "ListTables", "DescribeTimeToLive")
)
_writes = [0]
_maps: dict[tuple[int, str], tuple[int, dict[Any, list[Any]]]] = {}


def _index_map(table: Any, index: Any) -> dict[Any, list[Any]]:
    """Items of `table` by their value of `index`'s hash key, rebuilt when anything was written since."""
    cached = _maps.get((id(table), index.name))
    if cached is not None and cached[0] == _writes[0]:
        return cached[1]
    [hash_key] = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    found: dict[Any, list[Any]] = {}
    for item in table.all_items():
        value = item.attrs.get(hash_key)
        if value is not None:
            found.setdefault(value, []).append(item)
    _maps[(id(table), index.name)] = (_writes[0], found)
    return found


def _partition_candidates(table: Any, hash_key: Any, index_name: str | None, conditions: Any) -> list[Any] | None:
    """The items a Query of this partition may return, or None when it must read them all (as moto does)."""
    if hash_key is None or len(conditions or []) > 1:
        return None  # a key of several attributes: moto's own way
    if index_name is None:
        return list(table.items.get(hash_key, {}).values())
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    hashes = [k for k in index.schema if k["KeyType"] == "HASH"] if index is not None else []
    if len(hashes) != 1:
        return None
    return list(_index_map(table, index).get(hash_key, []))


_ORIGINAL_QUERY: list[Any] = []


def _query_one_partition() -> None:
    from moto.dynamodb.models.table import Table

    if _ORIGINAL_QUERY:
        return
    original = Table.query
    _ORIGINAL_QUERY.append(original)

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        candidates = _partition_candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions"))
        if candidates is None:
            return original(self, hash_key, *args, **kwargs)
        self.all_items = lambda: candidates
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]


# The DynamoDB reads whose answer is items: the ones the serialiser's walk makes slow (module doc, 8).
_ITEM_READS = frozenset(("Query", "GetItem", "BatchGetItem"))
_ORIGINAL_EXECUTE: list[Any] = []


def _plain(value: Any) -> Any:
    """`value` without None members (the serialiser leaves them out); TypeError on what JSON cannot hold."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(type(value).__name__)  # bytes (a B value), a datetime: the serialiser's own way


def _serialise_reads_as_json() -> None:
    """A read's items, already DynamoDB's wire form ({"S": ...}), written with one `json.dumps`."""
    from moto.dynamodb.responses import DynamoResult

    if _ORIGINAL_EXECUTE:
        return
    _ORIGINAL_EXECUTE.append(DynamoResult.execute_result)

    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name in _ITEM_READS and isinstance(self.result, dict):
            try:
                body = json.dumps(_plain(self.result), separators=(",", ":"))
            except TypeError:
                return _ORIGINAL_EXECUTE[0](self, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return _ORIGINAL_EXECUTE[0](self, context)

    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]


class SerialisedMoto:
    """WSGI wrapper: one moto request at a time, except SQS's (see the module doc)."""

    def __init__(self, app: Any, lock: Any) -> None:
        self._app = app
        self._lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("AmazonSQS."):
            return self._app(environ, start_response)
        with self._lock:
            if target.startswith("DynamoDB_") and target not in _READS:
                _writes[0] += 1
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
        self.app = app  # the stack's own clients call it in-process (local/inprocess.py)
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
