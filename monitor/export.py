"""Export the analyst views as Parquet files, for pandas, Polars and BI tools."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from monitor import db
from monitor.errors import StoreError

LOGGER = logging.getLogger(__name__)


def export_parquet(
    con: duckdb.DuckDBPyConnection, out_dir: str | Path, views: list[str] | None = None
) -> list[Path]:
    """Write each view (default: every view in the database) to OUT_DIR/<view>.parquet."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    available = [row[0] for row in db.query(con, "export_views")]
    names = available if views is None else views
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise StoreError(
            f"cannot export {', '.join(unknown)}: no such view (have {', '.join(available)})"
        )
    written = []
    for name in names:
        path = out_dir / f"{name}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        try:
            # The relation API names the view as an identifier, so no SQL text is assembled here.
            con.table(name).write_parquet(str(tmp), compression="zstd")
        except duckdb.Error as e:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"export of view {name} to {path} failed: {e}") from e
        tmp.replace(path)
        LOGGER.info("exported %s to %s", name, path)
        written.append(path)
    return written
