"""The supervision flags (SPEC §9): signs that a branch's ledger needs a closer look.

A flag is a prompt for the org department or the general branch to go and ask (Doc A §五(三):
"现场指导并跟踪督促纠正"), never a verdict. The thresholds, and why:

- PUBLICITY_MAX_DAYS = 90. Doc A asks for publicity every quarter ("每季度按时公开"); a branch
  whose last window started more than 90 days ago has let a quarter pass. A branch that never
  publicized counts from the day it was set up, so a new branch is not flagged on its first day.
  A branch without members has nothing to publicize and is never flagged.
- REVIEW_MAX_DAYS = 7. Entries waiting in `submitted` (待初评) longer than a week: Doc B has
  the committee review monthly declarations promptly; a week is the spec's figure (§9).
- UNIFORM_MIN_MEMBERS = 8, UNIFORM_MAX_SPREAD = 1. Every scored member within one point of each
  other looks like points shared out evenly (人情分, 大锅饭) or not recorded at all, rather than a
  record of what people did. In a branch of three or five members identical totals happen
  honestly (nobody did anything notable); from eight members on, an honest ledger of bonuses
  and deductions of 1–5 points spreads the totals further than that. The points compared are
  each member's record for the year (the stored score's components less the base): for a
  yearly scheme exactly the total less the base; for a monthly scheme (Doc B) the year's points
  themselves, because its annual total is a mean over twelve months in which the months still
  to come count at the base, and in February a whole branch sits within a point of 60.
- BONUS_MIN_ENTRIES = 10 for both bonus flags: below ten bonus entries a share says little (two
  entries already make 50 %).
- BONUS_BARE_SHARE = 0.5: more than half of the bonus points (categories with sign "+") carry no
  evidence file ("杜绝人情分、虚假分").
- RECORDER_SHARE = 0.5: one person created more than half of the branch's bonus entries.

Bonus entries are the year's entries in a "+" category of the branch's scheme, neither drafts,
nor rejected, nor reversals (冲正): what the branch has given or is about to give.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from jifen.supervision.queries import BranchMetrics

PUBLICITY_MAX_DAYS = 90
REVIEW_MAX_DAYS = 7
UNIFORM_MIN_MEMBERS = 8
UNIFORM_MAX_SPREAD = Decimal(1)
BONUS_MIN_ENTRIES = 10
BONUS_BARE_SHARE = Decimal("0.5")
RECORDER_SHARE = Decimal("0.5")

TITLES = {
    "publicity_overdue": "超过一个季度未公示",
    "reviews_overdue": "初评超期",
    "uniform_scores": "积分过于集中",
    "bonus_without_evidence": "加分多无证明材料",
    "one_recorder": "加分多由一人录入",
}


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str

    @property
    def title(self) -> str:
        return TITLES[self.code]


def thresholds() -> dict:
    return {"publicity_max_days": PUBLICITY_MAX_DAYS, "review_max_days": REVIEW_MAX_DAYS,
            "uniform_min_members": UNIFORM_MIN_MEMBERS,
            "uniform_max_spread": str(UNIFORM_MAX_SPREAD),
            "bonus_min_entries": BONUS_MIN_ENTRIES, "bonus_bare_share": str(BONUS_BARE_SHARE),
            "recorder_share": str(RECORDER_SHARE)}


def flags_for(m: "BranchMetrics", today: "dt.date") -> list[Flag]:
    found = [_publicity(m, today), _reviews(m), _uniform(m), _bare_bonus(m), _one_recorder(m)]
    return [f for f in found if f is not None]


def _publicity(m: "BranchMetrics", today: "dt.date") -> Flag | None:
    if not m.members:
        return None
    days = m.days_since_publicity(today)
    if days <= PUBLICITY_MAX_DAYS:
        return None
    if m.last_publicity is None:
        return Flag("publicity_overdue", f"支部设立 {days} 天以来从未公示")
    return Flag("publicity_overdue",
                f"最近一次公示始于 {m.last_publicity:%Y-%m-%d}，已 {days} 天未公示")


def _reviews(m: "BranchMetrics") -> Flag | None:
    if not m.overdue_reviews:
        return None
    return Flag("reviews_overdue",
                f"{m.overdue_reviews} 条记录待初评超过 {REVIEW_MAX_DAYS} 天")


def _uniform(m: "BranchMetrics") -> Flag | None:
    spread = m.record_spread
    if m.scored < UNIFORM_MIN_MEMBERS or spread is None or spread > UNIFORM_MAX_SPREAD:
        return None
    return Flag("uniform_scores",
                f"全部 {m.scored} 名党员本年加减分在 {m.record_low:+.1f} 至 {m.record_high:+.1f} "
                f"之间（积分 {m.low}–{m.high}），相差不超过 {UNIFORM_MAX_SPREAD} 分")


def _bare_bonus(m: "BranchMetrics") -> Flag | None:
    if m.bonus_entries < BONUS_MIN_ENTRIES or not m.bonus_points:
        return None
    if m.bonus_points_bare <= m.bonus_points * BONUS_BARE_SHARE:
        return None
    return Flag("bonus_without_evidence",
                f"加分共 {m.bonus_points} 分，其中 {m.bonus_points_bare} 分"
                f"（{m.bonus_bare_percent}%）没有证明材料")


def _one_recorder(m: "BranchMetrics") -> Flag | None:
    top = m.top_recorder
    if m.bonus_entries < BONUS_MIN_ENTRIES or top is None:
        return None
    if top.entries <= m.bonus_entries * RECORDER_SHARE:
        return None
    return Flag("one_recorder", f"{m.bonus_entries} 条加分记录中 {top.entries} 条"
                                f"（{top.percent}%）由 {top.name} 录入")
