"""The scoring engine: rules in, entries in, scores out. Pure Python, standard library only.

Nothing here imports Django: the web application, the API, the exports and bulk recomputation
all call this package, and anyone can check a scheme's arithmetic with `jifen compute CASE.json`.
"""

from .case import Case, parse_case, result_to_dict
from .compute import compute, input_problems
from .errors import EngineError
from .presets import PRESET_KEYS, load_preset, preset_dicts
from .records import Entry, Member, MemberResult, Result
from .refine import check_refinement
from .scheme import Category, FlagRule, GradeRule, Item, RankShare, Scheme, scheme_to_dict
from .scheme_build import scheme_from_dict
from .vocab import FLAG_TITLES, MEMBER_CATEGORIES, STATUSES

__all__ = [
    "PRESET_KEYS",
    "Case",
    "Category",
    "EngineError",
    "Entry",
    "FLAG_TITLES",
    "FlagRule",
    "GradeRule",
    "Item",
    "MEMBER_CATEGORIES",
    "Member",
    "MemberResult",
    "RankShare",
    "Result",
    "STATUSES",
    "Scheme",
    "check_refinement",
    "compute",
    "input_problems",
    "load_preset",
    "parse_case",
    "preset_dicts",
    "result_to_dict",
    "scheme_from_dict",
    "scheme_to_dict",
]
