from jifen.org.models import Organization
from jifen.schemes.models import Scheme


def effective_scheme(org: Organization, year: int) -> Scheme | None:
    """The scheme that applies to an organization: its own, else its nearest ancestor's."""
    candidates = Scheme.objects.filter(org_id__in=org.ancestor_ids(), year=year).select_related(
        "org"
    )
    return max(candidates, key=lambda s: s.org.depth, default=None)


def ancestor_scheme(org: Organization, year: int) -> Scheme | None:
    """The scheme a new scheme of `org` must refine (the nearest strict ancestor's)."""
    return effective_scheme(org.parent, year) if org.parent_id else None


# Keys that are words, not arithmetic: they stay editable after ledger entries exist.
TEXT_KEYS = {"title", "description", "source", "flags"}


def arithmetic_of(definition: dict) -> object:
    """The definition without its texts, for comparing what a change does to the scores."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TEXT_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(definition)
