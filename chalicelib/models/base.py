"""The base of every pydantic model in Awaaz: its validator is built on first use, not at import.

A Lambda cold start imports every module of the app (one handler serves every route), and building
~190 validators up front was a third of `import app` (`make bench`'s import ratio). With
`defer_build` a model's fields are still read at class creation, so mistakes in annotations still
fail at import; the validator and serializer are built the first time the model validates, dumps
or gives its JSON schema, and only for the models a request touches.
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
