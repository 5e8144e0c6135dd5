"""`make seed-aws` loads the directory into a deployed stack's table."""

from __future__ import annotations

import importlib.util

import pytest

from tests.harness import REPO, running_stack


def test_seed_script_replaces_the_directory_in_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("seed_directory", REPO / "infra" / "seed_directory.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    from chalicelib import aws
    from chalicelib.store.directory import read_snapshot
    from chalicelib.store.table import DynamoTable

    with running_stack() as stack:
        table = stack.resources["TABLE_NAME"]
        assert script.main(["--table", table]) == 0
        snapshot = read_snapshot(DynamoTable(table, aws.client("dynamodb")))
        assert snapshot is not None and any(c.id == "electricity-overbilling" for c in snapshot.categories)
        assert "entries" in capsys.readouterr().out
        with pytest.raises(SystemExit):  # no table named: usage, not a traceback
            script.main([])
