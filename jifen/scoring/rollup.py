"""Organization figures (OrgStat) for dashboards: a branch's own, and every ancestor's subtree sum.

A province's dashboard reads its own row and its children's rows: a few hundred rows at most,
whatever the number of members. The figures move with the scores:
- the per-branch refresh (a confirmation) replaces the branch's row and moves each ancestor's row
  by the difference, in the same transaction, locking the ancestors root first (one order for
  every writer, so two confirmations cannot deadlock);
- `jifen recompute` writes every branch's row, then rebuilds the ancestors' rows from them.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator

from jifen.engine.vocab import EXEMPT_GRADE
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.scoring.models import OrgStat

FIGURE_FIELDS = ("branches", "members", "ranked", "exempt", "total_sum", "grades", "flags")


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

    @classmethod
    def of(cls, stat: OrgStat | None) -> "Figures":
        if stat is None:
            return cls()
        return cls(stat.members, stat.ranked, stat.exempt, Decimal(stat.total_sum),
                   Counter(stat.grades), Counter(stat.flags), stat.branches)

    def add_member(self, total: Decimal | None, grade: str, flags: Iterable[str]) -> None:
        self.members += 1
        if grade == EXEMPT_GRADE:
            self.exempt += 1
        else:
            self.ranked += 1
            self.total_sum += total or 0
        self.grades[grade] += 1
        self.flags.update(flags)

    def add(self, other: "Figures", sign: int = 1) -> None:
        self.members += sign * other.members
        self.ranked += sign * other.ranked
        self.exempt += sign * other.exempt
        self.total_sum += sign * other.total_sum
        self.branches += sign * other.branches
        for mine, theirs in ((self.grades, other.grades), (self.flags, other.flags)):
            for key, count in theirs.items():
                mine[key] += sign * count
                if not mine[key]:
                    del mine[key]

    def values(self) -> dict:
        return {"branches": self.branches, "members": self.members, "ranked": self.ranked,
                "exempt": self.exempt, "total_sum": self.total_sum,
                "grades": dict(self.grades), "flags": dict(self.flags)}

    @property
    def average(self) -> Decimal | None:
        if not self.ranked:
            return None
        return (self.total_sum / self.ranked).quantize(Decimal("0.01"))


def save_branch_stat(branch: Organization, year: int, figures: Figures) -> None:
    """Replace a branch's figures and move its ancestors' by the difference (inside the
    caller's transaction)."""
    figures.branches = 1
    ids = branch.ancestor_ids()  # root first, the branch last
    rows = {s.org_id: s for s in OrgStat.objects.select_for_update().filter(
        org_id__in=ids, year=year).order_by("org__depth")}
    delta = Figures.of(rows.get(branch.pk))
    delta.add(figures, sign=-1)  # delta = old - new, subtracted below
    for org_id in ids:
        current = figures if org_id == branch.pk else Figures.of(rows.get(org_id))
        if org_id != branch.pk:
            current.add(delta, sign=-1)
        OrgStat.objects.update_or_create(org_id=org_id, year=year,
                                         defaults={"root_id": branch.root_id,
                                                   **current.values()})


def rebuild_ancestors(year: int, root_ids: Iterable[int]) -> int:
    """Rebuild the rows of every organization above the branches of these roots from the
    branches' rows; return how many were written."""
    sums: dict[int, Figures] = {}
    for org in Organization.objects.filter(root_id__in=list(root_ids)).exclude(
            kind=OrgKind.BRANCH).values_list("id", flat=True):
        sums[org] = Figures()
    rows = OrgStat.objects.filter(year=year, root_id__in=list(root_ids),
                                  org__kind=OrgKind.BRANCH).values_list(
        "org__path", *FIGURE_FIELDS)
    for path, branches, members, ranked, exempt, total_sum, grades, flags in rows.iterator(
            chunk_size=5000):
        figures = Figures(members, ranked, exempt, total_sum, Counter(grades), Counter(flags),
                          branches)
        for ancestor in (int(part) for part in path.strip("/").split("/")[:-1]):
            sums.setdefault(ancestor, Figures()).add(figures)
    roots = dict(Organization.objects.filter(pk__in=list(sums)).values_list("id", "root_id"))
    upsert_stats([OrgStat(org_id=org_id, root_id=roots[org_id], year=year, **figures.values())
                  for org_id, figures in sums.items()])
    return len(sums)


def upsert_stats(rows: list[OrgStat]) -> None:
    """Write organizations' figures, replacing those of the same organization and year."""
    OrgStat.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=["org", "year"],
        update_fields=[*FIGURE_FIELDS, "root", "computed_at"])


CHILDREN_PER_PAGE = 50  # a committee of a province has hundreds of general branches


def subtree_figures(org: Organization, year: int, page_number=None):
    """The figures of `org`'s whole subtree, and a page of its direct children with theirs:
    (whole, page, [(child, figures)]). Three queries, whatever the size of the subtree."""
    children = Organization.objects.filter(parent=org).order_by("path")
    page = Paginator(children, CHILDREN_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    stats = {s.org_id: s for s in OrgStat.objects.filter(
        org_id__in=[org.pk, *(c.pk for c in shown)], year=year)}
    return Figures.of(stats.get(org.pk)), page, [(c, Figures.of(stats.get(c.pk))) for c in shown]


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
