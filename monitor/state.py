"""The pipeline's process-lifetime state: every cache that outlives one stage call, in one object.

The cycle (flows/cycle.py) owns one `PipelineState` per process and passes it to each stage. A
stage called without one starts from empty caches for that call, so the state only saves work:
the verdicts, links and stored rows are the same warm or cold.

| part | holds | bound | invalidated when |
| --- | --- | --- | --- |
| `claims.ledgers` | each story's claim ledger (its claims prepared and indexed) | 100,000 claims (`LEDGER_CACHE_CLAIMS_MAX`), least recently used story out first | another database file or other claim settings; a story's claim fingerprint (count, min, max, sum of ids) differs from the one last read or written: a merge, a split, a write by another process |
| `claims.prepared` | article versions the extraction workers segmented and prepared, waiting to be judged | 2,000 versions (`PREPARED_VERSIONS_MAX`), oldest out first | taken when judged; other claim settings |
| `stories.terms` | the salient terms of recent (title, text) pairs | 20,000 texts (`TERM_CACHE_ITEMS`), least recently used out first | other linking settings |
| `stories.df` | the document frequency of every term looked up | 200,000 terms (`DF_CACHE_TERMS`), emptied when full | the DF log's state (`stories_term_df_state`) differs from the one last read or written |
| `extraction` | the extraction worker processes (fork-server workers with a deadline per page) | `[scale] extraction_processes` | another process count (a worker that dies or overruns `extract_timeout_s` is replaced at once) |
| `db` connection plumbing | database files already migrated; one in-memory DuckDB per DuckLake catalog | one entry per file or catalog | a file's inode or the views change; never for the lakes |

`reset()` empties all of it and stops the workers; call it between cycles, never during one.
The db plumbing stays in `monitor.db`, because every `db.open_db` needs it, stage or not;
`reset()` clears it through `db.reset_connections()`. The connections `db.hold_open` keeps are
not state across calls: a cycle's block opens and closes them.

Under `monitor serve`, Prefect runs each scheduled cycle in a fresh subprocess, so the state
lives for one cycle: ledgers and DF carry from batch to batch, prepared versions and terms from
the workers to the stages. A process that runs several cycles (the benchmark's steady cycles, a
Python session calling `flows.cycle.run_cycle`) keeps it across them.
"""

from __future__ import annotations

from monitor import db
from monitor.articles import ExtractionPool
from monitor.claims import ClaimCaches
from monitor.stories import StoryCaches

# Modules the extraction workers' fork server imports once: the `analyze` hook lives there.
WORKER_PRELOAD = ("monitor.analysis",)


class PipelineState:
    """The caches and worker pool one process's cycles share (see the module docstring)."""

    # Not a dataclass: Prefect walks a flow's dataclass parameters and JSON-encodes them field
    # by field (copying every ledger); an object with slots it records as "<PipelineState>".
    __slots__ = ("claims", "extraction", "stories")

    def __init__(self) -> None:
        self.claims = ClaimCaches()
        self.stories = StoryCaches()
        self.extraction = ExtractionPool(preload=WORKER_PRELOAD)

    def __reduce__(self) -> tuple[type[PipelineState], tuple[()]]:
        # Process state never crosses a process: a copy unpickled elsewhere (Prefect sends the
        # flow run's parameters with each Dask task) is that process's own, empty state.
        return PipelineState, ()

    def reset(self) -> None:
        """Empty every cache, stop the extraction workers and drop the db connection plumbing."""
        self.claims.clear()
        self.stories.clear()
        self.extraction.shutdown(wait=True)
        db.reset_connections()
