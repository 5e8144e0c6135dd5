"""The artefacts shipped in the repository (chalicelib/data/insights/models/, `make insights-models`) → the models bucket.

Called by the local stack's start (`make run`), by `make seed-aws … MODELS=<bucket>` and by the tests.
The moderation model is never retrained in the running system, so the shipped one replaces a
different stored one; the category model is published only where there is none yet, so the
weekly retraining's newer model is not undone.
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.logic.ports import ModelStore

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "insights" / "models"
# Model name → whether the shipped artefact replaces a different stored one.
REPLACES = {"category": False, "moderation": True}


def publish_shipped(store: ModelStore, *, force: bool = False) -> dict[str, str]:
    """Publish each shipped artefact where needed; what was done with each ("published", "kept", "absent")."""
    done: dict[str, str] = {}
    for name, replaces in REPLACES.items():
        path = SHIPPED / f"{name}.bin"
        if not path.is_file():
            done[name] = "absent"
            continue
        data = path.read_bytes()
        stored = store.fetch(name)
        if stored is None or ((force or replaces) and stored.data != data):
            store.publish(name, data)
            done[name] = "published"
        else:
            done[name] = "kept"
    return done
