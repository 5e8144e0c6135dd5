"""The yardstick of `make bench`'s import ratio: a bare Chalice app that uses boto3 and pydantic, nothing else."""

import boto3
from chalice.app import Chalice
from pydantic import BaseModel

app = Chalice(app_name="bare")


class Answer(BaseModel):
    ok: bool


@app.route("/")
def index() -> dict[str, bool]:
    boto3.session.Session()
    return Answer(ok=True).model_dump()
