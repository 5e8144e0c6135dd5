"""Load the directory seed into a deployed stack's table: `make seed-aws TABLE=<table name>`.

Uses the operator's AWS credentials and region (the usual AWS_PROFILE / AWS_REGION).
The file is validated with the same model the functions read it with; the
directory is replaced whole (one item), and every container picks it up within
a minute (each checks the directory's version every 20 s). Once administrators have
changed the directory through the API, loading the seed again would undo their changes:
it is refused unless `--force` is given. Public holidays (infra/seed/holidays.json) are
written for the years the table does not hold yet, so an admin's corrections stay.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--table", required=True, help="the stack's table (output TableName)")
    parser.add_argument("--seed", type=Path, default=REPO / "infra" / "seed" / "directory.json")
    parser.add_argument("--holidays", type=Path, default=REPO / "infra" / "seed" / "holidays.json")
    parser.add_argument("--force", action="store_true", help="replace a directory administrators have changed")
    parser.add_argument(
        "--models-bucket", help="the stack's models bucket (output ModelsBucketName): upload the shipped classifiers"
    )
    args = parser.parse_args(argv)

    from chalicelib import aws
    from chalicelib.models.directory import DirectorySnapshot
    from chalicelib.models.holidays import HolidaySeed
    from chalicelib.store.directory import EditedSinceSeed, write_snapshot
    from chalicelib.store.holidays import seed_missing_years
    from chalicelib.store.table import DynamoTable

    table = DynamoTable(args.table, aws.client("dynamodb"))
    snapshot = DirectorySnapshot.model_validate_json(args.seed.read_text(encoding="utf-8"))
    try:
        count = write_snapshot(table, snapshot, force=args.force)
    except EditedSinceSeed as kept:
        print(f"not loaded: {kept}; export what you need first, then run again with --force", file=sys.stderr)
        return 1
    print(f"directory written to {args.table}: {count} entries")
    years = seed_missing_years(table, HolidaySeed.model_validate_json(args.holidays.read_text(encoding="utf-8")))
    print(f"public holidays written for {', '.join(map(str, years)) or 'no new year'} (years already held are kept)")
    if args.models_bucket:
        from chalicelib.insights.shipped import publish_shipped
        from chalicelib.integrations.models import S3ModelStore

        done = publish_shipped(S3ModelStore(lambda: aws.client("s3"), args.models_bucket))
        print("classifier models: " + ", ".join(f"{name} {what}" for name, what in done.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
