"""Branch figures (BranchStat) and their sums over a subtree: the province dashboard's data.

A branch's figures are rewritten with its scores. A dashboard over a whole province then adds up
one row per branch (thousands) rather than one per member (a million), and an organization above
the branches is never a hot row that every confirmation in the province would have to lock.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from jifen.org.models import Organization
from jifen.scoring.models import BranchStat

EXEMPT = "exempt"


@dataclass
class Figures:
    """What a dashboard shows about a set of members."""

    members: int = 0
    ranked: int = 0
    exempt: int = 0
    total_sum: Decimal = Decimal("0")
    grades: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    branches: int = 0

    def add_member(self, total: Decimal | None, grade: str, flags: Iterable[str]) -> None:
        self.members += 1
        if grade == EXEMPT:
            self.exempt += 1
        else:
            self.ranked += 1
            self.total_sum += total or 0
        self.grades[grade] += 1
        self.flags.update(flags)

    def add(self, other: "Figures") -> None:
        self.members += other.members
        self.ranked += other.ranked
        self.exempt += other.exempt
        self.total_sum += other.total_sum
        self.grades.update(other.grades)
        self.flags.update(other.flags)
        self.branches += other.branches or 1

    @property
    def average(self) -> Decimal | None:
        if not self.ranked:
            return None
        return (self.total_sum / self.ranked).quantize(Decimal("0.01"))

    def share(self, grade: str) -> str:
        if not self.members:
            return "—"
        return f"{100 * self.grades.get(grade, 0) / self.members:.1f}%"


def stat_row(branch_id: int, root_id: int, year: int, figures: Figures) -> BranchStat:
    return BranchStat(
        branch_id=branch_id, root_id=root_id, year=year, members=figures.members,
        ranked=figures.ranked, exempt=figures.exempt, total_sum=figures.total_sum,
        grades=dict(figures.grades), flags=dict(figures.flags),
    )


def save_branch_stat(branch: Organization, year: int, figures: Figures) -> None:
    """Replace a branch's figures (inside the caller's transaction)."""
    BranchStat.objects.update_or_create(
        branch=branch, year=year,
        defaults={"root_id": branch.root_id, "members": figures.members,
                  "ranked": figures.ranked, "exempt": figures.exempt,
                  "total_sum": figures.total_sum, "grades": dict(figures.grades),
                  "flags": dict(figures.flags)},
    )


def subtree_figures(org: Organization, year: int) -> tuple[Figures, list[tuple[Organization,
                                                                            Figures]]]:
    """The figures of `org`'s whole subtree, and of each of its direct children's subtrees."""
    children = list(Organization.objects.filter(parent=org).order_by("path"))
    by_prefix = {child.path: Figures() for child in children}
    prefix_len = len(org.path) + 11  # a path segment is ten digits and a slash
    whole = Figures()
    rows = BranchStat.objects.filter(year=year).filter(
        Q(branch__path__startswith=org.path)).values_list(
        "branch__path", "members", "ranked", "exempt", "total_sum", "grades", "flags")
    for path, members, ranked, exempt, total_sum, grades, flags in rows.iterator(chunk_size=5000):
        figures = Figures(members, ranked, exempt, total_sum, Counter(grades), Counter(flags), 1)
        whole.add(figures)
        child = by_prefix.get(path[:prefix_len])
        if child is not None:
            child.add(figures)
    return whole, [(child, by_prefix[child.path]) for child in children]


def overview_grades(org: Organization, year: int, whole: Figures) -> list[tuple[str, str]]:
    """The grade columns of a dashboard, in the order the schemes above `org` list them, then
    any other grade that occurs (a branch's own scheme, pending, exempt)."""
    from jifen.schemes.models import Scheme
    from jifen.scoring.standing import GRADE_TITLES_FALLBACK

    columns: dict[str, str] = {}
    for definition in Scheme.objects.filter(year=year, org_id__in=org.ancestor_ids()).order_by(
            "org__depth").values_list("definition", flat=True):
        for grade in definition.get("grades", []):
            columns.setdefault(grade["key"], grade["title"])
    for key in [*GRADE_TITLES_FALLBACK, *sorted(whole.grades)]:
        if key in whole.grades or key in GRADE_TITLES_FALLBACK:
            columns.setdefault(key, GRADE_TITLES_FALLBACK.get(key, key))
    return list(columns.items())
