"""Each member's provisional total shown next to a publicity window, from the engine."""

from jifen import engine
from jifen.org.models import Member
from jifen.schemes.queries import effective_scheme
from jifen.scoring.models import Entry, Score
from jifen.scoring.scores import PROVISIONAL, engine_entries, engine_members


def window_totals(window) -> list[dict]:
    """Totals shown with a window: the official annual totals for an annual window; otherwise
    the provisional totals of the members it shows (entries in progress counted)."""
    if window.is_annual:
        return [{"member_id": s.member_id, "name": s.member.name, "total": s.total,
                 "rank": s.rank}
                for s in Score.objects.filter(branch=window.branch_id, year=window.year)
                .select_related("member").order_by("rank", "member__name")]
    member_ids = set(window.entries.values_list("member_id", flat=True))
    if not member_ids:
        return []
    year = window.starts_on.year
    scheme = effective_scheme(window.branch, year)
    members = list(Member.objects.filter(pk__in=member_ids).order_by("name"))
    scored = engine_members(members, year, group=window.branch.name)
    entries = list(Entry.objects.filter(member__in=members, year=year, state__in=PROVISIONAL)
                   .order_by("id"))
    if scheme is None or not scored:
        return []
    result = engine.compute(scheme.engine_scheme, year, scored,
                            engine_entries(entries, provisional=True))
    names = {str(m.pk): m.name for m in members}
    return [{"member_id": int(r.id), "name": names[r.id], "total": r.total, "rank": None}
            for r in result.members]
