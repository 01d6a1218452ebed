"""Hold a read-write DuckDB connection, like a running cycle, until a line arrives on stdin."""

import sys
from pathlib import Path

import duckdb

con = duckdb.connect(sys.argv[1])
con.execute((Path(__file__).parent / "held_write.sql").read_text())
print("holding", flush=True)
sys.stdin.readline()
con.close()
print("released", flush=True)
