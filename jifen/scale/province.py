"""A synthetic province for benchmarks and demos (`jifen gen_data`).

Several committees (one scheme each, the two presets alternating), general branches and branches
of 20–80 members, teachers and students, and a year of ledger entries in every state of the
workflow. Rows are generated in plain Python from one seeded random stream per committee and
written in bulk with ids chosen here (see bulk.py), so a million members take minutes.

Nothing goes through the services and nothing is audited: this is test data, not history. The
arithmetic still is the application's own: organization paths as org.services builds them, items
copied from the stored scheme, points in half points inside each item's range, dates inside each
member's months in scope.

Every value is encoded once, where it is first known (`self.v`: COPY text on PostgreSQL, Python
objects elsewhere): an entry row is then mostly a tuple of ready-made strings.
"""

import datetime as dt
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from jifen import engine
from jifen.core.demo import DEMO_PASSWORD, random_name
from jifen.org.enums import Gender, MemberCategory, MemberStatus, OrgKind, RankingVisibility, Role
from jifen.org.models import Member, Organization, Placement, RoleAssignment
from jifen.publicity.models import Objection, ObjectionState, Window, WindowKind, new_board_token
from jifen.scale.bulk import BulkWriter, Table
from jifen.schemes.models import Scheme
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry

MIN_BRANCH, MAX_BRANCH = 20, 80
MEMBERS_PER_ROOT = 200_000
# Even committees use Doc A's yearly preset, odd ones Doc B's monthly one: both are exercised.
PRESETS = ("jining-2017", "chuxiong-2019")

ROOT_NAMES = (
    "中共省委教育工委", "中共济南市委教育工委", "中共青岛市委教育工委", "中共淄博市委教育工委",
    "中共枣庄市委教育工委", "中共东营市委教育工委", "中共烟台市委教育工委", "中共潍坊市委教育工委",
    "中共济宁市委教育工委", "中共泰安市委教育工委", "中共威海市委教育工委", "中共日照市委教育工委",
)
UNITS = (
    "文学院", "历史文化学院", "外国语学院", "马克思主义学院", "教育学院", "数学与统计学院",
    "物理与电子工程学院", "化学化工学院", "生命科学学院", "计算机学院", "信息工程学院",
    "机电工程学院", "建筑工程学院", "经济管理学院", "法学院", "体育学院", "音乐学院", "美术学院",
    "医学院", "护理学院", "农学院", "资源环境学院", "新闻传播学院", "继续教育学院",
)
NUMERALS = "一二三四五六七八九十"

# Share of members with a special year (checked in this order; the rest are ordinary).
STAR_SHARE = 0.03        # many bonus entries, high total
VETO_SHARE = 0.005       # one confirmed 一票否决 entry
REVERSAL_SHARE = 0.002   # one confirmed entry and its confirmed 冲正
JOINED_THIS_YEAR = 0.05  # scored from the month they joined
# Bonuses among an ordinary member's entries (the rest are deductions), by scheme period, so
# that most totals end near the base: a monthly scheme (Doc B) averages its months, and a
# member whose months dip below the base even slightly is graded 不合格; real branches record
# 履职分 every month.
PLUS_SHARE = {"year": 0.5, "month": 0.8}
STAR_PLUS_SHARE = 0.9

# A workflow state per entry, out of 100: three in four are confirmed, the rest on their way.
STATE_WEIGHTS = {
    EntryState.CONFIRMED: 75, EntryState.SUBMITTED: 8, EntryState.REVIEWED: 5,
    EntryState.PUBLICIZED: 4, EntryState.REJECTED: 3, EntryState.DRAFT: 2,
    EntryState.APPROVED: 2, EntryState.DISPUTED: 1,
}
# The first branch of every committee shows each pending state at least once (demos, tests).
SHOWCASE_STATES = (EntryState.DRAFT, EntryState.SUBMITTED, EntryState.REVIEWED,
                   EntryState.REJECTED, EntryState.APPROVED, EntryState.PUBLICIZED,
                   EntryState.DISPUTED)
REVIEWED_STATES = frozenset({EntryState.REVIEWED, EntryState.REJECTED, EntryState.APPROVED,
                             EntryState.PUBLICIZED, EntryState.DISPUTED, EntryState.CONFIRMED})
APPROVED_STATES = frozenset({EntryState.APPROVED, EntryState.PUBLICIZED, EntryState.DISPUTED,
                             EntryState.CONFIRMED})
IN_WINDOW = frozenset({EntryState.PUBLICIZED, EntryState.DISPUTED})
RECENT_DAYS = 40  # entries still in the workflow happened in the last weeks of the year
# Short, as branches write them: the item's title is stored beside the reason anyway, and a
# narrow row is what makes twenty million of them quick to load and index.
REASONS = {
    "+": ("经支部核实，予以加分", "表现突出，群众认可", "本人申报，材料齐全", "支委会认定"),
    "-": ("经支部核实", "支委会认定", "经提醒后仍未改正", "情况属实"),
    "veto": ("经上级党组织认定",),
}
REJECTION_NOTE = "经核实情况不符，不予记分"
OBJECTION_REASON = "对该记分有不同意见，请支部复核。"


class Refused(Exception):
    """The database or the arguments do not allow a run; the message is for the user."""


@dataclass(frozen=True)
class Spec:
    members: int
    entries_per_member: int
    year: int
    seed: int = 1


@dataclass
class Summary:
    counts: dict[str, int]
    seconds: float


# --- tables --------------------------------------------------------------------------------

ENTRY_FIELDS = (
    "id", "member", "branch", "root", "scheme", "year", "item_code", "item_title",
    "item_category", "item_min", "item_max", "points", "occurred_on", "reason", "source",
    "state", "reverses", "created_by", "created_at", "reviewed_by", "reviewed_at",
    "review_note", "approved_by", "approved_at", "approval_note", "needs_approval",
    "evidence_required", "window", "confirmed_at",
)


def _tables() -> dict[str, Table]:
    """The bulk tables, referenced ones first (the writer flushes them in this order)."""
    return {
        "orgs": Table(Organization, ("id", "name", "kind", "parent", "root", "path", "depth",
                                     "ranking_visibility", "created_at")),
        "members": Table(Member, ("id", "name", "gender", "category", "status", "joined_on",
                                  "staff_no", "branch", "root", "phone_cipher", "phone_index",
                                  "id_number_cipher", "id_number_index", "user", "created_at")),
        "placements": Table(Placement, ("id", "member", "branch", "start", "end")),
        "windows": Table(Window, ("id", "branch", "title", "kind", "year", "starts_on",
                                  "ends_on", "opened_by", "opened_at", "closed_at", "closed_by",
                                  "board_token")),
        "entries": Table(Entry, ENTRY_FIELDS, freeze=True),
        "objections": Table(Objection, ("id", "entry", "window", "subject", "raised_by",
                                        "reason", "state", "raised_at", "reply", "answered_by",
                                        "answered_at", "escalation_reason", "escalated_at",
                                        "ruling", "ruled_by", "ruled_at")),
    }


class Ids:
    """The next free id of each bulk table, reserved up front (see bulk.py)."""

    def __init__(self, tables: dict[str, Table]):
        self.next = {key: table.first_free_id(connection) for key, table in tables.items()}

    def take(self, key: str, count: int = 1) -> int:
        first = self.next[key]
        self.next[key] = first + count
        return first


# --- the calendar of the year ---------------------------------------------------------------

class Calendar:
    """Dates and timestamps of year Y by day index (0 = 1 January), encoded once."""

    def __init__(self, year: int, v):
        self.year = year
        self.jan1 = dt.date(year, 1, 1)
        self.days = (dt.date(year, 12, 31) - self.jan1).days + 1
        self.last = self.days - 1
        self.dates = [v.date(self.jan1 + dt.timedelta(days=d)) for d in range(self.days)]
        start = dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        # Decisions come days after the fact, a reversal weeks after: room beyond 31 December.
        extent = range(self.days + 60)
        self.morning = [v.stamp(start + dt.timedelta(days=d, hours=9)) for d in extent]
        self.afternoon = [v.stamp(start + dt.timedelta(days=d, hours=15)) for d in extent]
        # The open windows: the last five days of the year.
        self.window_start = self.last - 4
        self.recent = self.last - RECENT_DAYS

    def index(self, date: dt.date) -> int:
        return (date - self.jan1).days


# --- schemes, items and states -------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ItemInfo:
    """What an entry copies from its scheme's item (encoded), and the points it may carry."""

    code: str
    title: str
    category: str
    min: object
    max: object
    needs_approval: bool
    evidence_required: bool
    declarable: bool
    needs_v: object
    evidence_v: object
    points: tuple  # every half point from min to max, encoded
    reasons: tuple
    reversal_reason: object


@dataclass
class ItemPool:
    """Items of one scheme that apply to one member category, by sign. Lists repeat an item by
    its weight, so that a uniform choice is a weighted one."""

    plus: list[ItemInfo] = field(default_factory=list)
    minus: list[ItemInfo] = field(default_factory=list)
    veto: list[ItemInfo] = field(default_factory=list)

    def distinct(self) -> list[ItemInfo]:
        return list(dict.fromkeys(self.plus + self.minus))


def _item_info(item: dict, sign: str, v) -> ItemInfo:
    low, high = Decimal(item["min"]), Decimal(item["max"])
    title = item["title"]
    return ItemInfo(
        code=v.text(item["code"]), title=v.text(title), category=v.text(item["category"]),
        min=v.decimal(low), max=v.decimal(high),
        needs_approval=item["needs_general_branch_approval"],
        evidence_required=item["evidence_required"], declarable=item["declarable"],
        needs_v=v.true if item["needs_general_branch_approval"] else v.false,
        evidence_v=v.true if item["evidence_required"] else v.false,
        points=tuple(v.decimal(low + Decimal(k) / 2) for k in range(int((high - low) * 2) + 1)),
        reasons=tuple(v.text(reason) for reason in REASONS[sign]),
        reversal_reason=v.text(f"冲正：{title}记分有误"),
    )


def item_pools(definition: dict, v) -> dict[str, ItemPool]:
    """Per member category. Commendations (they need the general branch's approval) and the
    "did not display identity" item (it alone flags 诫勉谈话) are twenty times rarer than the
    others: drawn as often, half the members of a yearly scheme would be flagged."""
    signs = {c["key"]: c["sign"] for c in definition["categories"]}
    pools = {category: ItemPool() for category in MemberCategory.values}
    for item in definition["items"]:
        sign = signs[item["category"]]
        info = _item_info(item, sign, v)
        weight = 1 if info.needs_approval or item["marks_no_identity"] else 20
        target = {"+": "plus", "-": "minus", "veto": "veto"}[sign]
        for category in item["applies_to"]:
            getattr(pools[category], target).extend([info] * weight)
    return pools


@dataclass(frozen=True, eq=False)
class StateInfo:
    """A workflow state and what it implies for an entry's other fields."""

    state: str
    value: object  # encoded
    reviewed: bool
    approved: bool  # if the item needs the general branch's approval
    confirmed: bool
    in_window: bool
    note: object  # the review note, encoded


def state_infos(v) -> dict[str, StateInfo]:
    return {state: StateInfo(
        state=state, value=v.text(state), reviewed=state in REVIEWED_STATES,
        approved=state in APPROVED_STATES, confirmed=state == EntryState.CONFIRMED,
        in_window=state in IN_WINDOW,
        note=v.text(REJECTION_NOTE if state == EntryState.REJECTED else ""),
    ) for state in EntryState.values}


# --- the skeleton: users, committees, schemes ----------------------------------------------

@dataclass
class Users:
    admin: int
    secretary: int
    member: int
    recorders: list[int]
    reviewers: list[int]


def _create_users(roots: int) -> Users:
    """The three personas share the demo password (hashed once: Argon2 is slow on purpose);
    each committee's recorder and reviewer only author history and cannot log in."""
    User = get_user_model()
    hashed = make_password(DEMO_PASSWORD)
    now = timezone.now()

    def persona(username: str, name: str) -> int:
        return User.objects.create(username=username, name=name, password=hashed,
                                   password_changed_at=now).pk

    def author(username: str, name: str) -> int:
        return User.objects.create(username=username, name=name,
                                   password=make_password(None)).pk

    return Users(
        admin=persona("province_admin", "省级组织部管理员"),
        secretary=persona("province_secretary", "示范支部书记"),
        member=persona("province_member", "示范支部党员"),
        recorders=[author(f"province_recorder_{k + 1}", f"记分员{k + 1}") for k in range(roots)],
        reviewers=[author(f"province_reviewer_{k + 1}", f"审核人{k + 1}") for k in range(roots)],
    )


def _create_scheme(root_id: int, year: int, preset: str) -> Scheme:
    """As schemes.services.create_from_preset stores it, already locked: it has entries."""
    definition = engine.scheme_to_dict(engine.load_preset(preset))
    return Scheme.objects.create(org_id=root_id, year=year, preset=preset, definition=definition,
                                 arithmetic_locked_at=timezone.now())


def root_count(members: int) -> int:
    """One committee per 200,000 members, at least two (both presets) when there are enough
    members for two committees of one branch each."""
    return 1 if members < 2 * MIN_BRANCH else max(2, members // MEMBERS_PER_ROOT)


def branch_sizes(rng: random.Random, total: int) -> list[int]:
    """Split `total` (≥ 20) into branch sizes of 20–80 that add up exactly: every draw leaves
    at least 20 for the rest, and the last branch takes what is left (20–80)."""
    sizes = []
    while total > MAX_BRANCH:
        size = rng.randint(MIN_BRANCH, min(MAX_BRANCH, total - MIN_BRANCH))
        sizes.append(size)
        total -= size
    sizes.append(total)
    return sizes


def layout(rng: random.Random, branches: int) -> list[list[int]]:
    """Group branch indexes under general branches (2–8 each); a few branches (about one in
    twelve, the last ones) sit directly under the committee, returned as the last group with
    a leading -1."""
    direct = max(1, branches // 12) if branches >= 3 else 0
    grouped = list(range(branches - direct))
    groups = []
    while grouped:
        take = min(len(grouped), rng.randint(2, 8))
        groups.append(grouped[:take])
        grouped = grouped[take:]
    if direct:
        groups.append([-1, *range(branches - direct, branches)])
    return groups


def _kind(rng: random.Random, showcase_index: int | None) -> str:
    """What sort of year a member has. In a showcase branch the first two members (the
    personas' records) are ordinary and the next four are one of each special case."""
    if showcase_index is not None and showcase_index < 6:
        return ("ordinary", "ordinary", "veto", "reversal", "star", "showcase")[showcase_index]
    draw = rng.random()
    if draw < STAR_SHARE:
        return "star"
    if draw < STAR_SHARE + VETO_SHARE:
        return "veto"
    if draw < STAR_SHARE + VETO_SHARE + REVERSAL_SHARE:
        return "reversal"
    return "ordinary"


def _branch_name(unit: str, position: int, teachers: bool) -> str:
    if unit == "机关":
        return f"机关第{_numeral(position + 1)}党支部"
    if teachers:
        return f"{unit}教工党支部"
    return f"{unit}学生第{_numeral(position)}党支部"


def _numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= len(NUMERALS) else str(n)


# --- the generator -------------------------------------------------------------------------

@dataclass
class Root:
    """One committee being generated; `*_v` are encoded ids."""

    index: int
    id: int
    path: str
    pools: dict[str, ItemPool]
    plus_share: float
    rng: random.Random
    id_v: object
    scheme_v: object
    recorder_v: object
    reviewer_v: object
    staff_seq: int = 0


@dataclass
class Branch:
    """One branch being generated: its window is created when its first entry needs one."""

    id: int
    root: Root
    first_member: int
    size: int
    showcase: bool
    id_v: object
    window: int | None = None
    window_v: object = None


@dataclass
class Person:
    """The member whose entries are being generated."""

    id: int
    id_v: object
    first_day: int  # index of the first day in scope


class Province:
    """Generates and writes the province: committee by committee, branch by branch, each
    member's entries as the member is written (nothing bigger than a batch is held)."""

    def __init__(self, spec: Spec, log: Callable[[str], None]):
        self.spec = spec
        self.log = log
        self.tables = _tables()
        self.writer = BulkWriter(connection, list(self.tables.values()))
        self.v = v = self.writer.values
        self.cal = Calendar(spec.year, v)
        self.states = state_infos(v)
        self.state_bag = [self.states[s] for s, n in STATE_WEIGHTS.items() for _ in range(n)]
        self.now = v.stamp(timezone.now())
        self.year_v = v.int(spec.year)
        self.fixed = {key: v.text(value) for key, value in (
            ("recorded", Source.RECORDED), ("declared", Source.DECLARED), ("", ""),
            ("objection", OBJECTION_REASON), ("open", ObjectionState.OPEN))}
        self.started = time.monotonic()
        self.members_done = 0
        self.next_report = 100_000
        self.root_ids: list[int] = []
        self.first_branch: int | None = None
        self.first_window: int | None = None

    # -- driver --

    def build(self) -> dict[str, int]:
        roots = root_count(self.spec.members)
        self.users = _create_users(roots)
        self.ids = Ids(self.tables)
        shares = [self.spec.members // roots + (k < self.spec.members % roots)
                  for k in range(roots)]
        # Millions of small tuples and no cycles: the cyclic collector would only rescan them.
        gc.disable()
        try:
            with self.writer.loading():
                for k, share in enumerate(shares):
                    self._root(k, share)
                    self._progress(f"第 {k + 1}/{roots} 个党委已生成")
                if self.writer.postgres:
                    self._progress("数据已写入，正在重建索引和外键")
        finally:
            gc.enable()
        self.writer.reset_sequences()
        self._finish_personas()
        return self._counts()

    def _progress(self, what: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f}s] {what}：党员 {self.members_done:,}，"
                 f"台账 {self.tables['entries'].written + len(self.tables['entries'].rows):,}")

    def _counts(self) -> dict[str, int]:
        counts = {key: table.written for key, table in self.tables.items()}
        counts["users"] = get_user_model().objects.filter(username__startswith="province_").count()
        counts["schemes"] = Scheme.objects.filter(org__parent__isnull=True).count()
        counts["roles"] = RoleAssignment.objects.count()
        return counts

    def _finish_personas(self) -> None:
        RoleAssignment.objects.create(user_id=self.users.admin, role=Role.ORG_ADMIN,
                                      org_id=self.root_ids[0])
        RoleAssignment.objects.create(user_id=self.users.secretary, role=Role.SECRETARY,
                                      org_id=self.first_branch)
        if self.first_window is not None:
            Window.objects.filter(pk=self.first_window).update(board_token=new_board_token())

    # -- organizations --

    def _org(self, name: str, kind: str, parent: tuple[int, str] | None, root_id: int | None,
             visibility: str = RankingVisibility.FULL) -> tuple[int, str]:
        """Write one organization; return its id and path (zero-padded, as org.services)."""
        v = self.v
        org_id = self.ids.take("orgs")
        path = f"{parent[1] if parent else '/'}{org_id:010d}/"
        self.writer.add(self.tables["orgs"], (
            v.int(org_id), v.text(name), v.text(kind), v.int(parent[0]) if parent else v.null,
            v.int(root_id or org_id), v.text(path), v.int(path.count("/") - 2),
            v.text(visibility), self.now))
        return org_id, path

    def _root(self, k: int, share: int) -> None:
        v = self.v
        rng = random.Random(f"jifen-province:{self.spec.seed}:{k}")
        name = ROOT_NAMES[k] if k < len(ROOT_NAMES) else f"中共第{k + 1}市委教育工委"
        root_id, path = self._org(name, OrgKind.COMMITTEE, None, None)
        self.writer.sync()  # the scheme below references it, through the ORM
        self.root_ids.append(root_id)
        scheme = _create_scheme(root_id, self.spec.year, PRESETS[k % 2])
        root = Root(k, root_id, path, item_pools(scheme.definition, v),
                    PLUS_SHARE[scheme.definition["period"]], rng, v.int(root_id),
                    v.int(scheme.pk), v.int(self.users.recorders[k]),
                    v.int(self.users.reviewers[k]))
        sizes = branch_sizes(rng, share)
        for g, group in enumerate(layout(rng, len(sizes))):
            self._group(root, g, group, sizes)

    def _group(self, root: Root, g: int, group: list[int], sizes: list[int]) -> None:
        if group[0] == -1:  # branches directly under the committee
            parent, unit = (root.id, root.path), "机关"
            group = group[1:]
        else:
            unit = UNITS[g % len(UNITS)]
            if g >= len(UNITS):
                unit = f"第{g // len(UNITS) + 1}校区{unit}"
            parent = self._org(f"{unit}党总支", OrgKind.GENERAL_BRANCH, (root.id, root.path),
                               root.id)
        for position, b in enumerate(group):
            teachers = position == 0 or unit == "机关"
            self._branch(root, parent, _branch_name(unit, position, teachers), teachers,
                         sizes[b], showcase=b == 0)

    def _branch(self, root: Root, parent: tuple[int, str], name: str, teachers: bool,
                size: int, showcase: bool) -> None:
        rng = root.rng
        first_of_all = showcase and root.index == 0
        visibility = (RankingVisibility.FULL if first_of_all or rng.random() < 0.8
                      else RankingVisibility.OWN if rng.random() < 0.75
                      else RankingVisibility.HIDDEN)
        branch_id, _ = self._org(name, OrgKind.BRANCH, parent, root.id, visibility)
        if first_of_all:
            self.first_branch = branch_id
        branch = Branch(branch_id, root, self.ids.take("members", size), size, showcase,
                        self.v.int(branch_id))
        for i in range(size):
            self._member(branch, i, teachers, first_of_all)
        if branch.window is not None:
            self._window(branch, first_of_all)
        self.members_done += size
        if self.members_done >= self.next_report:
            self.next_report += 100_000
            self._progress("进度")
        self.writer.maybe_flush()

    # -- members --

    def _member(self, branch: Branch, i: int, teachers: bool, first_of_all: bool) -> None:
        v, root, rng, cal = self.v, branch.root, branch.root.rng, self.cal
        member_id = branch.first_member + i
        teacher = teachers or rng.random() < 0.05  # student branches have a few 辅导员
        category = MemberCategory.TEACHER if teacher else MemberCategory.STUDENT
        joined = self._joined_on(rng, teacher)
        root.staff_seq += 1
        user = v.null
        if first_of_all and i < 2:  # the personas' own records
            user = v.int((self.users.member, self.users.secretary)[i])
        probationary = joined >= dt.date(cal.year - 1, 7, 1)
        person = Person(member_id, v.int(member_id),
                        cal.index(joined) if joined.year == cal.year else 0)
        self.writer.add(self.tables["members"], (
            person.id_v, v.text(random_name(rng)),
            v.text(Gender.MALE if rng.random() < 0.5 else Gender.FEMALE), v.text(category),
            v.text(MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL),
            v.date(joined), v.text(f"{'JG' if teacher else 'XS'}{root.staff_seq:07d}"),
            branch.id_v, root.id_v, v.null, v.null, v.null, v.null, user, self.now))
        self.writer.add(self.tables["placements"], (
            v.int(self.ids.take("placements")), person.id_v, branch.id_v,
            cal.dates[person.first_day], v.null))
        self._entries(branch, person, root.pools[category],
                      _kind(rng, i if branch.showcase else None))

    def _joined_on(self, rng: random.Random, teacher: bool) -> dt.date:
        year = self.cal.year
        if rng.random() < JOINED_THIS_YEAR:  # from January to October, so months remain
            return dt.date(year, 1 + int(rng.random() * 10), 1 + int(rng.random() * 28))
        back = 1 + int(rng.random() * (35 if teacher else 3))
        return dt.date(year - back, 1, 1) + dt.timedelta(days=int(rng.random() * 365))

    # -- entries --

    def _entries(self, branch: Branch, person: Person, pool: ItemPool, kind: str) -> None:
        """A member's year: about M entries, more (and mostly bonuses) for a star, plus a veto
        entry, a reversal pair or the showcase of pending states (see _kind)."""
        rng, m = branch.root.rng, self.spec.entries_per_member
        spread = m // 3
        count = 2 * m if kind == "star" else m + int(rng.random() * (2 * spread + 1)) - spread
        self._random_entries(branch, person, pool, count, star=kind == "star")
        if kind == "veto" and pool.veto:
            item = pool.veto[int(rng.random() * len(pool.veto))]
            self._entry(branch, person, item, item.points[0],
                        self._day(rng, person.first_day, self.cal.last),
                        self.states[EntryState.CONFIRMED])
        elif kind == "reversal":
            self._reversal_pair(branch, person, pool)
        elif kind == "showcase":
            self._showcase(branch, person, pool)

    def _random_entries(self, branch: Branch, person: Person, pool: ItemPool, count: int, *,
                        star: bool) -> None:
        """The hot loop (twenty million times for a big province): kept flat on purpose."""
        random = branch.root.rng.random
        plus, minus, bag, states = pool.plus, pool.minus, self.state_bag, self.states
        plus_share = STAR_PLUS_SHARE if star else branch.root.plus_share
        for _ in range(count):
            items = plus if random() < plus_share else minus
            item = items[int(random() * len(items))]
            info = bag[int(random() * len(bag))]
            if info.state == EntryState.DRAFT and not item.evidence_required:
                info = states[EntryState.SUBMITTED]  # only a missing proof keeps a draft
            elif info.state == EntryState.APPROVED and not item.needs_approval:
                info = states[EntryState.REVIEWED]  # only some items go to the general branch
            points = item.points
            if star:  # the upper half of the range
                half = len(points) // 2
                value = points[half + int(random() * (len(points) - half))]
            elif random() < 0.7:  # usually the minimum, else a little more
                value = points[0]
            else:
                value = points[int(random() * min(len(points), 5))]
            self._entry(branch, person, item, value,
                        self._state_day(random, info, person.first_day), info)

    def _day(self, rng: random.Random, low: int, high: int) -> int:
        return low + int(rng.random() * (high - low + 1))

    def _state_day(self, random, info: StateInfo, first_day: int) -> int:
        """Confirmed entries happened any time; pending ones recently; entries in a window
        before it opened."""
        cal = self.cal
        if info.confirmed:
            return first_day + int(random() * (cal.last - first_day + 1))
        low = max(first_day, cal.recent)
        high = cal.window_start - 1 if info.in_window else cal.last
        return low + int(random() * (high - low + 1))

    def _entry(self, branch: Branch, person: Person, item: ItemInfo, points, day: int,
               info: StateInfo, *, reverses: int | None = None) -> int:
        """Write one entry with the fields its state implies; return its id."""
        v, root, cal = self.v, branch.root, self.cal
        entry_id = self.ids.next["entries"]
        self.ids.next["entries"] = entry_id + 1
        null = v.null
        approved = item.needs_approval and info.approved
        if reverses is None:
            declared = item.declarable and root.rng.random() < 0.3
            reason = item.reasons[int(root.rng.random() * len(item.reasons))]
            stamp, reverses_v, evidence = day, null, item.evidence_v
        else:  # recorded after its target was confirmed; reverse_entry asks no evidence
            declared, reason, stamp = False, item.reversal_reason, day + 14
            reverses_v, evidence = v.int(reverses), v.false
        self.writer.add(self.tables["entries"], (
            v.int(entry_id), person.id_v, branch.id_v, root.id_v, root.scheme_v, self.year_v,
            item.code, item.title, item.category, item.min, item.max, points, cal.dates[day],
            reason, self.fixed["declared" if declared else "recorded"], info.value, reverses_v,
            root.recorder_v, cal.morning[stamp + 1],
            root.reviewer_v if info.reviewed else null,
            cal.afternoon[stamp + 3] if info.reviewed else null, info.note,
            root.reviewer_v if approved else null, cal.afternoon[stamp + 5] if approved else null,
            self.fixed[""], item.needs_v, evidence,
            self._window_v(branch) if info.in_window else null,
            cal.afternoon[stamp + 12] if info.confirmed else null))
        if info.state == EntryState.DISPUTED:
            self._objection(branch, person, entry_id)
        return entry_id

    def _reversal_pair(self, branch: Branch, person: Person, pool: ItemPool) -> None:
        """A confirmed entry and its confirmed 冲正: same item, points and date."""
        rng = branch.root.rng
        item = pool.minus[int(rng.random() * len(pool.minus))]
        day = self._day(rng, person.first_day, self.cal.last)
        confirmed = self.states[EntryState.CONFIRMED]
        target = self._entry(branch, person, item, item.points[0], day, confirmed)
        self._entry(branch, person, item, item.points[0], day, confirmed, reverses=target)

    def _showcase(self, branch: Branch, person: Person, pool: ItemPool) -> None:
        """One entry in each pending state, on an item that allows it (a draft waits for a
        proof, only some items go to the general branch for approval)."""
        rng = branch.root.rng
        for state in SHOWCASE_STATES:
            fitting = [i for i in pool.distinct()
                       if (state != EntryState.DRAFT or i.evidence_required)
                       and (state != EntryState.APPROVED or i.needs_approval)]
            if fitting:
                item = fitting[int(rng.random() * len(fitting))]
                info = self.states[state]
                self._entry(branch, person, item, item.points[0],
                            self._state_day(rng.random, info, person.first_day), info)

    # -- publicity --

    def _window_v(self, branch: Branch):
        if branch.window is None:
            branch.window = self.ids.take("windows")
            branch.window_v = self.v.int(branch.window)
        return branch.window_v

    def _window(self, branch: Branch, first_of_all: bool) -> None:
        """The branch's open window (公示) over its publicized and disputed entries."""
        v, cal = self.v, self.cal
        if first_of_all:
            self.first_window = branch.window
        self.writer.add(self.tables["windows"], (
            branch.window_v, branch.id_v, v.text(f"{cal.year}年12月积分公示"),
            v.text(WindowKind.ENTRIES), v.null, cal.dates[cal.window_start], cal.dates[cal.last],
            branch.root.reviewer_v, cal.morning[cal.window_start], v.null, v.null,
            self.fixed[""]))

    def _objection(self, branch: Branch, person: Person, entry_id: int) -> None:
        """A disputed entry has an open objection by another member of its branch."""
        v, fixed = self.v, self.fixed
        other = int(branch.root.rng.random() * branch.size)
        if branch.first_member + other == person.id:
            other = (other + 1) % branch.size
        self.writer.add(self.tables["objections"], (
            v.int(self.ids.take("objections")), v.int(entry_id), v.null, v.null,
            v.int(branch.first_member + other), fixed["objection"], fixed["open"],
            self.cal.afternoon[self.cal.window_start + 1], fixed[""], v.null, v.null, fixed[""],
            v.null, fixed[""], v.null, v.null))


# --- entry point ---------------------------------------------------------------------------

def check_can_run(spec: Spec) -> None:
    if spec.members < MIN_BRANCH:
        raise Refused(f"党员人数至少为 {MIN_BRANCH}（每个支部 {MIN_BRANCH}–{MAX_BRANCH} 人）。")
    if spec.entries_per_member < 0:
        raise Refused("每名党员的台账记录数不能为负数。")
    if not 2000 <= spec.year <= 2100:
        raise Refused("年度应在 2000–2100 之间。")
    if Organization.objects.exists():
        raise Refused("数据库中已有党组织：gen_data 只能在空数据库上运行"
                      "（请先新建一个数据库并执行 jifen migrate）。")
    if get_user_model().objects.filter(username__startswith="province_").exists():
        raise Refused("数据库中已有 province_ 开头的账号：请在空数据库上运行。")


def build_province(spec: Spec, log: Callable[[str], None] = lambda _line: None) -> Summary:
    """Generate the whole province in one transaction (all or nothing)."""
    check_can_run(spec)
    started = time.monotonic()
    province = Province(spec, log)
    with transaction.atomic():
        counts = province.build()
    return Summary(counts, time.monotonic() - started)
