"""The JSON-like values that cross between Python and the platform SDKs."""

from __future__ import annotations

from typing import TypeAlias

Json: TypeAlias = "bool | int | float | str | list[Json] | dict[str, Json] | None"
"""A value that survives a JSON round trip: what every bridge call takes and returns."""

JsonObject: TypeAlias = "dict[str, Json]"
