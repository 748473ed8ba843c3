"""The two ready-made schemes shipped with the engine (SPEC §3.2, §3.3), read from presets.json."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from .errors import EngineError
from .scheme import Scheme, scheme_to_dict
from .scheme_build import scheme_from_dict

PRESET_KEYS: tuple[str, ...] = ("jining-2017", "chuxiong-2019")


@cache
def _preset_schemes() -> dict[str, Scheme]:
    """Read and check presets.json once; a broken packaged preset is a bug, so it raises."""
    text = resources.files(__package__).joinpath("presets.json").read_text(encoding="utf-8")
    data = json.loads(text, parse_float=Decimal)
    return {p["key"]: scheme_from_dict(p) for p in data["presets"]}


def load_preset(key: str) -> Scheme:
    """Return the preset scheme called `key` (one of PRESET_KEYS)."""
    schemes = _preset_schemes()
    if key not in schemes:
        raise EngineError(f'未知的预设方案 "{key}"（可用：{"、".join(PRESET_KEYS)}）')
    return schemes[key]


def preset_dicts() -> list[dict[str, Any]]:
    """Return every preset in its JSON form, e.g. to seed the application's scheme table."""
    return [scheme_to_dict(load_preset(key)) for key in PRESET_KEYS]
