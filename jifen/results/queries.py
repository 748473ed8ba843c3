"""Reads for the year-end pages."""

from dataclasses import dataclass

from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.results.models import Appraisal, Disposal, Talk
from jifen.schemes.queries import effective_scheme
from jifen.scoring.models import Score
from jifen.scoring.standing import FLAG_TITLES, grade_titles

EXCELLENT = ("excellent_candidate", "good")


@dataclass
class Row:
    score: Score
    grade_title: str
    flag_titles: list[str]
    appraisal: Appraisal | None
    talks: list[Talk]
    disposal: Disposal | None

    @property
    def final_grade(self) -> str:
        return self.appraisal.grade if self.appraisal else ""


def branch_rows(branch: Organization, year: int) -> tuple[list[Row], list[Row], dict]:
    """(ranked members, exempt members, grade titles) with each member's year-end records."""
    scheme = effective_scheme(branch, year)
    titles = grade_titles(scheme)
    scores = list(Score.objects.filter(branch=branch, year=year).select_related("member")
                  .order_by("rank", "member__name"))
    members = [s.member_id for s in scores]
    appraisals = {a.member_id: a for a in Appraisal.objects.filter(member_id__in=members,
                                                                   year=year)}
    disposals = {d.member_id: d for d in Disposal.objects.filter(member_id__in=members,
                                                                 year=year)}
    talks: dict[int, list[Talk]] = {}
    for talk in Talk.objects.filter(member_id__in=members, year=year):
        talks.setdefault(talk.member_id, []).append(talk)
    rows = [Row(s, titles.get(s.grade, s.grade), [FLAG_TITLES.get(f, f) for f in s.flags],
                appraisals.get(s.member_id), talks.get(s.member_id, []),
                disposals.get(s.member_id)) for s in scores]
    return ([r for r in rows if r.score.grade != "exempt"],
            [r for r in rows if r.score.grade == "exempt"], titles)


def lists_for(org: Organization, year: int) -> dict[str, list[Score]]:
    """The regulations' lists across a subtree: 优秀候选, 诫勉谈话, 取消评先评优, 不合格."""
    branches = Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
    scores = list(Score.objects.filter(branch__in=branches, year=year)
                  .select_related("member", "branch").order_by("branch__path", "rank"))
    finals = dict(Appraisal.objects.filter(member__in=[s.member_id for s in scores], year=year)
                  .values_list("member_id", "grade"))
    return {
        "excellent": [s for s in scores if finals.get(s.member_id, s.grade) in EXCELLENT],
        "admonish": [s for s in scores if "admonish" in s.flags],
        "no_award": [s for s in scores if "no_award" in s.flags],
        "unqualified": [s for s in scores if "unqualified" in s.flags
                        or finals.get(s.member_id) == "unqualified"],
    }
