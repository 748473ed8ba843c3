"""Business code reads the date from `jifen.core.clock` only.

A rule that read the wall clock directly would escape both the demo's `clock.as_of` and the
suite's fixed day, and would pass or fail depending on the month CI runs in. Security times
(sessions, tokens, lockouts, the audit log's own timestamps, pending imports' expiry, the
backup's creation time, recompute's write stamp) stay on the real clock, in these files only.
"""

import re
from pathlib import Path

JIFEN = Path(__file__).resolve().parents[2] / "jifen"
DATE_READS = re.compile(r"timezone\.localdate\(\s*\)|\bdate\.today\(|datetime\.now\(|"
                        r"datetime\.today\(")
REAL_TIME_FILES = {
    "core/clock.py", "audit/services.py", "accounts/models.py", "accounts/passwords.py",
    "accounts/permissions.py", "accounts/services.py", "accounts/twofactor.py",
    "imports/services.py", "imports/views.py", "core/backup.py", "scoring/bulk.py",
    "scale/province.py", "org/services.py",
}


def sources():
    for path in sorted(JIFEN.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(JIFEN).as_posix(), path.read_text(encoding="utf-8")


def test_no_business_code_reads_the_wall_clocks_date():
    offenders = [f"{name}: {match.group(0)}" for name, text in sources()
                 if name != "core/clock.py" for match in DATE_READS.finditer(text)]
    assert offenders == []


def test_real_time_stays_in_the_files_that_record_when_something_happened():
    readers = {name for name, text in sources() if "timezone.now()" in text}
    assert readers <= REAL_TIME_FILES, sorted(readers - REAL_TIME_FILES)
