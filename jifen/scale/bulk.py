"""Writing millions of rows quickly: COPY on PostgreSQL, executemany elsewhere.

The caller chooses every id itself (reserved from max(id) + 1, sequences moved afterwards), so a
row can reference another one that is not written yet without a round trip. Rows are buffered
per table and written in a fixed order (referenced tables first), so memory stays bounded
whatever the size of the load.

On PostgreSQL the rows arrive already as COPY text (see CopyText): formatting them is most of the
client's work, and doing it while generating is cheaper than through a general adapter. A
background thread runs the COPY statements, so that the server stores one batch while the next
is being generated (a cursor is never used by both threads: the generator only queues).
"""

import datetime as dt
import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.core.management.color import no_style
from django.db import models

FLUSH_ROWS = 50_000


class PythonValues:
    """Row values as Python objects (executemany)."""

    null = None
    true, false = True, False

    @staticmethod
    def int(value: int) -> int:
        return value

    @staticmethod
    def text(value: str) -> str:
        return value

    @staticmethod
    def date(value: dt.date) -> dt.date:
        return value

    @staticmethod
    def stamp(value: dt.datetime) -> dt.datetime:
        return value

    @staticmethod
    def decimal(value: Decimal) -> Decimal:
        return value


class CopyText:
    """Row values as fields of COPY's text format, ready to be joined by tabs."""

    null = "\\N"
    true, false = "t", "f"
    int = str

    @staticmethod
    def text(value: str) -> str:
        if any(c in value for c in "\\\t\n\r"):
            value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                     .replace("\r", "\\r"))
        return value

    @staticmethod
    def date(value: dt.date) -> str:
        return value.isoformat()

    @staticmethod
    def stamp(value: dt.datetime) -> str:
        return value.isoformat(sep=" ")

    decimal = str


class Table:
    """One table written in bulk: its model and the fields of each row, in row order."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *,
                 freeze: bool = False):
        self.model = model
        self.name = model._meta.db_table
        self.columns = [model._meta.get_field(f).column for f in fields]
        self.rows: list = []
        self.written = 0
        self.freeze = freeze  # worth it for the biggest table only: see BulkWriter.loading
        self.copy_options = ""

    def first_free_id(self, connection) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(self.name)}")
            return (cursor.fetchone()[0] or 0) + 1


class BulkWriter:
    """Buffers rows of several tables and writes them in the order the tables were given.

    Use inside `loading()`; call `sync()` before any other query on the connection.
    """

    def __init__(self, connection, tables: Sequence[Table], flush_rows: int = FLUSH_ROWS):
        self.connection = connection
        self.tables = list(tables)
        self.flush_rows = flush_rows
        self.pending = 0
        self.postgres = connection.vendor == "postgresql"
        self.values = CopyText if self.postgres else PythonValues
        self._jobs: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, table: Table, row: tuple) -> None:
        table.rows.append("\t".join(row) if self.postgres else row)
        self.pending += 1

    def maybe_flush(self) -> None:
        """Called between branches, never in the middle of one: a branch's rows (its window
        and the entries pointing at it) are then always written together."""
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        for table in self.tables:
            if table.rows:
                if self.postgres:
                    self._queue_copy(table)
                else:
                    self._insert(table)
                table.written += len(table.rows)
                table.rows = []
        self.pending = 0

    def sync(self) -> None:
        """Write everything buffered and wait until the server has it."""
        self.flush()
        if self._jobs is not None:
            self._jobs.join()
        self._raise_copy_error()

    # -- PostgreSQL --

    def _queue_copy(self, table: Table) -> None:
        self._raise_copy_error()
        quote = self.connection.ops.quote_name
        sql = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) "
               f"FROM STDIN{table.copy_options}")
        payload = ("\n".join(table.rows) + "\n").encode()
        self._jobs.put((sql, payload))  # blocks while two batches wait: memory stays bounded

    def _copy_loop(self, raw_connection) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if self._error is None:  # after a failure, only drain the queue
                    sql, payload = job
                    with raw_connection.cursor() as cursor, cursor.copy(sql) as copy:
                        copy.write(payload)
            except BaseException as e:  # re-raised in the generating thread
                self._error = e
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def _raise_copy_error(self) -> None:
        if self._error is not None:
            raise self._error

    @contextmanager
    def _copy_thread(self) -> Iterator[None]:
        self.connection.ensure_connection()
        self._jobs = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._copy_loop, name="jifen-copy",
                                        args=(self.connection.connection,), daemon=True)
        self._thread.start()
        try:
            yield
            self.sync()
        finally:
            self._jobs.put(None)
            self._thread.join()
            self._jobs = self._thread = None

    # -- other databases --

    def _insert(self, table: Table) -> None:
        quote = self.connection.ops.quote_name
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) "
               f"VALUES ({', '.join(['%s'] * len(table.columns))})")
        adapt = self.connection.ops.adapt_datetimefield_value
        rows = [tuple(_plain(value, adapt) for value in row) for row in table.rows]
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    # -- around the load --

    @contextmanager
    def loading(self) -> Iterator[None]:
        """The bulk load. On PostgreSQL, the tables' plain indexes and foreign keys are dropped
        for its duration and recreated from their own definitions afterwards: one sort per index
        and one join per foreign key instead of a B-tree insertion and a trigger per row.
        Primary keys and unique indexes stay, so a duplicate still fails at once. DDL is
        transactional there, so a failed load leaves the schema as it was.

        A table marked `freeze` (empty, as it must be) is also truncated, which is what allows
        COPY FREEZE: its rows are written frozen and its pages all-visible, so that checking its
        foreign keys can read the small indexes instead of the whole table, and no vacuum has to
        revisit twenty million rows later (in the middle of a benchmark). Truncating needs the
        foreign keys that point at it from other tables out of the way for a moment.
        """
        if not self.postgres:
            yield
            self.sync()
            return
        with self.connection.cursor() as cursor:
            # Rows inserted earlier in this transaction may have deferred foreign-key checks
            # queued; PostgreSQL refuses to ALTER a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            frozen = [t for t in self.tables if t.freeze and _is_empty(cursor, t.name)]
            indexes = _plain_indexes(cursor, [t.name for t in self.tables])
            foreign_keys = _foreign_keys(cursor, [t.name for t in self.tables],
                                         [t.name for t in frozen])
            for table, name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for table in frozen:
                cursor.execute(f'TRUNCATE "{table.name}"')
                table.copy_options = " (FREEZE)"
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        with self._copy_thread():
            yield
        with self.connection.cursor() as cursor:
            # One-off settings for this transaction: the server's defaults are small.
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            self._analyze(cursor)  # the foreign-key checks below are planned with statistics
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for table in frozen:
            table.copy_options = ""

    def reset_sequences(self) -> None:
        """Move each id sequence past the ids reserved by hand (nothing to do on SQLite)."""
        statements = self.connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in self.tables])
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _analyze(self, cursor) -> None:
        """Fresh planner statistics: the tables went from empty to millions of rows."""
        for table in self.tables:
            cursor.execute(f'ANALYZE "{table.name}"')


def _plain_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid)
             FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid)
              AND NOT x.indisprimary AND NOT x.indisunique
            ORDER BY i.relname""", [tables])
    return cursor.fetchall()


def _foreign_keys(cursor, tables: list[str], targets: list[str]) -> list[tuple[str, str, str]]:
    """Foreign keys from the tables, and those pointing at the targets from anywhere."""
    cursor.execute(
        """SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
             FROM pg_constraint c
             JOIN pg_class t ON t.oid = c.conrelid
             JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND pg_table_is_visible(t.oid)
              AND (t.relname = ANY(%s) OR r.relname = ANY(%s))
            ORDER BY t.relname, c.conname""", [tables, targets])
    return cursor.fetchall()


def _is_empty(cursor, table: str) -> bool:
    cursor.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")')
    return cursor.fetchone()[0]


def _plain(value, adapt_datetime):
    """A value as the ORM would hand it to SQLite (aware datetimes become naive UTC text)."""
    if isinstance(value, dt.datetime):
        return adapt_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
