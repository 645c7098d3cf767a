"""Identifier types: database keys are bigint, so ids outside 1..2^63-1 are a 422 at the edge."""

from typing import Annotated

from fastapi import Path
from pydantic import Field

INT64_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
PathId = Annotated[int, Path(ge=1, le=INT64_MAX)]
