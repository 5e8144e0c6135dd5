"""The API's route table, filled one module at a time: a cold start imports only what its request needs.

One Lambda function answers every route, and API Gateway tells it which (`resourcePath`).
Importing every route module up front made each cold start pay for all of them (the admin
directory editor, Open311, the OpenAPI document, insights…) to answer one. `LazyRoutes`
is `app.routes`: looking up a path imports the modules that declare it (`route_table.PATHS`)
and registers their blueprints then; anything that reads the whole table (`chalice local`,
`chalice package`, the OpenAPI document, the tests) imports every module first, so they see
exactly the table an eager app had. `tests/unit/test_route_table.py` keeps `PATHS` true.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from chalicelib.api.route_table import MODULES, PATHS

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

    from chalice.app import Chalice, RouteEntry


class LazyRoutes(defaultdict[str, dict[str, "RouteEntry"]]):
    """`Chalice.routes` whose blueprints are registered when a path of theirs is first looked up."""

    def __init__(
        self,
        app: Chalice,
        modules: dict[str, str] | None = None,
        paths: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__(dict)
        self._app = app
        # module → its Blueprint's name, for the modules not registered yet
        self._pending = dict(MODULES if modules is None else modules)
        self._paths = PATHS if paths is None else paths

    @property
    def pending(self) -> frozenset[str]:
        """The route modules not imported yet."""
        return frozenset(self._pending)

    def load(self, modules: Iterable[str]) -> None:
        for module in modules:
            name = self._pending.pop(module, None)
            if name is None:
                continue  # registered already, or being registered (a path two modules share)
            self._app.register_blueprint(getattr(importlib.import_module(module), name))

    def load_all(self) -> None:
        self.load(list(self._pending))

    # One path: only its modules.
    def __getitem__(self, path: str) -> dict[str, RouteEntry]:
        if self._pending:
            self.load(self._paths.get(path, ()))
        return super().__getitem__(path)

    def get(self, path: str, default: Any = None) -> Any:
        if self._pending:
            self.load(self._paths.get(path, ()))
        return super().get(path, default)

    def __contains__(self, path: object) -> bool:
        if self._pending and isinstance(path, str):
            self.load(self._paths.get(path, ()))
        return super().__contains__(path)

    # The whole table: every module.
    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return super().__iter__()

    def __len__(self) -> int:
        self.load_all()
        return super().__len__()

    def keys(self) -> dict_keys[str, dict[str, RouteEntry]]:
        self.load_all()
        return super().keys()

    def values(self) -> dict_values[str, dict[str, RouteEntry]]:
        self.load_all()
        return super().values()

    def items(self) -> dict_items[str, dict[str, RouteEntry]]:
        self.load_all()
        return super().items()

    def copy(self) -> defaultdict[str, dict[str, RouteEntry]]:  # type: ignore[override]  # a plain table
        self.load_all()
        return defaultdict(dict, super().items())

    def __repr__(self) -> str:
        self.load_all()
        return super().__repr__()
