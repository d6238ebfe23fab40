"""CSV and XLSX rosters: reading an upload into batch rows (with file line numbers and column
names for every problem) and writing a subtree's roster out. Pure: bytes in, rows out."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from app.domain.errors import FieldError, InvalidInput
from app.domain.sync.rows import Field

CSV_TYPES = frozenset({"text/csv", "application/csv"})
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
UPLOAD_MAX_ROWS = 200_000

EXPORT_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "national_id",
    "phone",
    "masked",
    "ethnicity",
    "education",
    "specialty",
    "join_date",
    "full_member_date",
    "status",
    "org_id",
    "employer_enterprise_id",
)


def _bad_file(code: str, **params: Any) -> InvalidInput:
    return InvalidInput(code, params=params, fields=[FieldError(code, pointer="", params=params)])


def _check_header(header: list[str], fields: Iterable[Field]) -> list[str]:
    names = [h.strip() for h in header]
    known = {f.name for f in fields}
    unknown = [n for n in names if n not in known]
    missing = [f.name for f in fields if f.required and f.name not in names]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if unknown or missing or dupes:
        raise _bad_file(
            "sync.columns_invalid",
            unknown=", ".join(unknown) or "-",
            missing=", ".join(missing) or "-",
            duplicate=", ".join(dupes) or "-",
        )
    return names


def read_csv(data: bytes, fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    """Rows of a UTF-8 CSV (a BOM is fine) whose first line names the columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad_file("sync.file_unreadable", expected="UTF-8 CSV") from None
    if "\x00" in text:
        raise _bad_file("sync.file_unreadable", expected="UTF-8 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise _bad_file("sync.file_unreadable", expected="UTF-8 CSV") from None
    names = _check_header(header, fields)
    rows: list[dict[str, Any]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            rows.append(_row(names, cells))
            if len(rows) > UPLOAD_MAX_ROWS:
                raise _bad_file("sync.file_too_large", max=UPLOAD_MAX_ROWS)
    except csv.Error:
        raise _bad_file("sync.file_unreadable", expected="UTF-8 CSV") from None
    return rows


def read_xlsx(data: bytes, fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    """Rows of the first sheet of an XLSX workbook whose first row names the columns."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values)
    except Exception:  # a damaged or foreign file: openpyxl raises many kinds
        raise _bad_file("sync.file_unreadable", expected="XLSX") from None
    names = _check_header(["" if h is None else str(h) for h in header], fields)
    rows: list[dict[str, Any]] = []
    try:
        for cells in values:
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            rows.append(_row(names, [_cell(c) for c in cells]))
            if len(rows) > UPLOAD_MAX_ROWS:
                raise _bad_file("sync.file_too_large", max=UPLOAD_MAX_ROWS)
    except InvalidInput:
        raise
    except Exception:  # a sheet damaged further down
        raise _bad_file("sync.file_unreadable", expected="XLSX") from None
    return rows


def _cell(value: Any) -> Any:
    """Spreadsheets type their cells: numbers (an id or phone number typed as a number, a
    whole number read back as a float) become text as written; dates stay dates."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _row(names: list[str], cells: list[Any]) -> dict[str, Any]:
    return {n: (cells[i] if i < len(cells) else None) for i, n in enumerate(names)}


def line_and_column(pointer: str) -> tuple[int, str]:
    """``/rows/17/national_id`` → (19, "national_id"): file line (header is line 1) and column."""
    parts = pointer.split("/")
    index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
    column = parts[3] if len(parts) > 3 else ""
    return index + 2, column


def csv_lines(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    """CSV text in pieces: the header, then one piece per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()  # a BOM, so spreadsheet programs read UTF-8
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
        yield buffer.getvalue()
