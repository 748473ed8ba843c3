"""The filed-year lock (审核备案). Every service that changes something of a year asks here first.

It imports only the model, so the ledger, publicity and commitments can use it without cycles.
"""

from jifen.core.errors import ConflictError
from jifen.results.models import YearResult, YearState


def is_year_locked(branch_id: int, year: int) -> bool:
    return YearResult.objects.filter(branch_id=branch_id, year=year,
                                     state=YearState.FILED).exists()


def ensure_year_open(branch, year: int) -> None:
    """Raise ConflictError (409) when the branch's year has been filed."""
    branch_id = getattr(branch, "pk", branch)
    if is_year_locked(branch_id, year):
        name = getattr(branch, "name", "该支部")
        raise ConflictError(f"{name} {year} 年的结果已审核备案，该年度已锁定；"
                            "如需修改，须由组织部说明理由后重新开放。")
