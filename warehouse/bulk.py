"""Bulk reads and writes for the hot paths: each database's fastest load, values bound as
SQLAlchemy would bind them.

SQLAlchemy's executemany builds and processes a parameter dict per row; on a large
delivery that bookkeeping costs more than the database's own work (and an ORM bulk
update far more). Here every value goes through its column type's bind processor (JSON,
SQLite's dates) in one tight loop, so the stored values are the same, and the driver gets
plain rows: PostgreSQL loads inserts with COPY, everything else is one executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (mappings with the same keys, all column keys) in the caller's transaction."""
    if not rows:
        return
    connection = session.connection()
    keys = tuple(rows[0])
    if any(c.default is not None and c.key not in keys for c in table.columns):
        connection.execute(insert(table), list(rows))  # SQLAlchemy fills in Python defaults
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, keys, rows)
        return
    _executemany(connection, insert(table), table, keys, rows, columns=keys)


def fetch_tuples(session: Session, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """All rows of a query as the driver returns them (plain tuples, no result processing:
    select columns that need none, e.g. cast to text). At a million rows SQLAlchemy's
    Row objects cost almost as much as the database's read."""
    connection = session.connection()
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup or ())
        if compiled.positional
        else params
    )
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection in the caller's transaction
    cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def update_rows(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *, key: str = "id"
) -> None:
    """Update rows by primary key `key`: each mapping holds it and the columns to set."""
    if not rows:
        return
    keys = tuple(rows[0])
    statement = (
        update(table)
        .where(table.c[key] == bindparam(f"{key}_"))
        .values({column: bindparam(column) for column in keys if column != key})
    )
    _executemany(session.connection(), statement, table, keys, rows, rename={f"{key}_": key})


def _copy(
    connection: Connection, table: Table, keys: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    quote = connection.dialect.identifier_preparer
    names = ", ".join(quote.quote(table.c[key].name) for key in keys)
    sql = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    processors = _processors(connection, table, keys)
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection in the caller's transaction
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(_bound(row, keys, processors))


def _executemany(
    connection: Connection,
    statement: UpdateBase,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> None:
    """`columns`: an insert's columns; `rename`: bind names that differ from their column."""
    compiled = statement.compile(
        dialect=connection.dialect, column_keys=None if columns is None else list(columns)
    )
    names = compiled.positiontup if compiled.positional else list(compiled.binds)
    if names is None:
        raise ValueError(f"cannot bind {statement}")
    # the statement's parameters in its order, each the column it belongs to
    order = [(rename or {}).get(name, name) for name in names]
    processors = _processors(connection, table, order)
    bound = [_bound(row, order, processors) for row in rows]
    if compiled.positional:
        connection.exec_driver_sql(str(compiled), bound)
    else:
        connection.exec_driver_sql(str(compiled), [dict(zip(names, v, strict=True)) for v in bound])


_Processors = list[tuple[int, Callable[[Any], Any]]]


def _processors(connection: Connection, table: Table, keys: Sequence[str]) -> _Processors:
    """(position, bind processor) of the columns whose values the driver cannot take as is."""
    dialect = connection.dialect
    found: _Processors = []
    for i, key in enumerate(keys):
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append((i, process))
    return found


def _bound(row: Mapping[str, Any], keys: Sequence[str], processors: _Processors) -> tuple[Any, ...]:
    values = [row[key] for key in keys]
    for i, process in processors:
        values[i] = process(values[i])  # None too: JSON writes it as 'null', like SQLAlchemy
    return tuple(values)
