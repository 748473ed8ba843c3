"""The scale benchmark's database (bench/scale.py): recreate, drop, and the raw SQL it times.

PostgreSQL through psycopg on the server's maintenance database, or a SQLite file (the suite's
tiny run). The name must contain "bench": this database is dropped for every size.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class Database:
    """The bench database: recreate, drop, and the raw SQL the benchmark times."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sqlite = parts.scheme == "sqlite"
        if self.sqlite:
            # django-environ's reading: sqlite:///rel/path, sqlite:////abs/path
            self.path = Path(parts.path[1:]).resolve()
            self.name = self.path.name
            self.url = f"sqlite:///{self.path}"  # absolute, whatever the children's cwd
        elif parts.scheme in ("postgres", "postgresql", "pgsql"):
            self.name = parts.path.lstrip("/")
            self.url = url
            # the maintenance database, to drop and create the bench one
            self.admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        else:
            raise SystemExit(f"--database-url: PostgreSQL or SQLite, not {parts.scheme!r}")
        if "bench" not in self.name:
            raise SystemExit(f"refusing to drop database {self.name!r}: its name must contain "
                             "'bench'")

    def _admin(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def connect(self):
        """A connection closed at the end of the with block (sqlite3's own would stay open)."""
        if self.sqlite:
            return contextlib.closing(sqlite3.connect(self.path))
        import psycopg

        return psycopg.connect(self.url)

    def drop(self) -> None:
        if self.sqlite:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        with self._admin() as admin:  # FORCE: a left-over connection must not block the run
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def recreate(self) -> None:
        self.drop()
        if self.sqlite:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        else:
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')

    def version(self) -> str:
        if self.sqlite:
            return f"SQLite {sqlite3.sqlite_version}"
        with self._admin() as admin:
            return "PostgreSQL " + admin.execute("SHOW server_version").fetchone()[0]

    def _param(self) -> str:
        return "?" if self.sqlite else "%s"

    def aggregate(self, year: int) -> tuple[float, int]:
        """Time one raw GROUP BY of confirmed points per member, every row fetched."""
        sql = ("SELECT member_id, sum(points) FROM scoring_entry "
               f"WHERE state = 'confirmed' AND year = {self._param()} GROUP BY member_id")
        with self.connect() as connection:
            cursor = connection.cursor()
            started = time.perf_counter()
            cursor.execute(sql, (year,))
            rows = cursor.fetchall()
            return time.perf_counter() - started, len(rows)

    def counts(self, year: int) -> dict[str, int]:
        p = self._param()
        queries = {"members": "SELECT count(*) FROM org_member",
                   "entries": "SELECT count(*) FROM scoring_entry",
                   "confirmed_in_year": "SELECT count(*) FROM scoring_entry "
                                        f"WHERE state = 'confirmed' AND year = {p}"}
        with self.connect() as connection:
            cursor = connection.cursor()
            result = {}
            for key, sql in queries.items():
                cursor.execute(sql, (year,) if p in sql else ())
                result[key] = cursor.fetchone()[0]
            return result
