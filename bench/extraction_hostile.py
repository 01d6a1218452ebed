"""`python -m bench.extraction_hostile`: extraction time of pathological pages at the page-size cap.

Each page goes through `extract_response` (decode + trafilatura + our cleaning), the path a fetched
page takes, in a fresh child process that has already extracted one normal page (so imports and
first-call set-up are not counted). A child that outlives --limit-s is killed and shown as
"> limit". A normal article page is measured in the same run as the baseline. Then the same page
goes to an extraction worker under --deadline-s, as in a cycle: "s on worker" is how long the
cycle waits for its outcome. Prints a table; with --output, writes the rows as JSON as well.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import format_table, machine_info

DEFAULT_LIMIT_S = 180.0
DEFAULT_FRACTIONS = (1.0, 0.1)  # of [fetch] max_page_bytes: at the cap, and a tenth of it
PARAGRAPH = (
    "<p>Port officials in Puerto Lindo said on Tuesday that cargo ship {n} had been held at the "
    "outer anchorage because the harbour wall was damaged in the storm last week.</p>\n"
)


def _paragraphs(count: int) -> str:
    """COUNT distinct paragraphs (trafilatura drops repeated ones)."""
    return "".join(PARAGRAPH.format(n=n) for n in range(count))


NORMAL_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour wall damaged | '
    'Test Courier</title><meta property="og:site_name" content="Test Courier"></head><body>'
    '<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header><main><article>'
    "<h1>Harbour wall damaged</h1>" + _paragraphs(8) + "</article></main><footer>"
    '<a href="/privacy">Privacy</a></footer></body></html>'
)
HEAD = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Hostile page</title>'
    "</head><body>"
)
TAIL = "</body></html>"
ARTICLE = "<article><h1>Harbour wall damaged</h1>" + _paragraphs(4) + "</article>"

Headers = dict[str, str]
Case = Callable[[int], tuple[bytes, Headers]]
HTML: Headers = {"content-type": "text/html; charset=utf-8"}


def _fill(head: str, unit: str, tail: str, size: int) -> str:
    """HEAD, then UNIT repeated as often as fits, then TAIL: at most SIZE bytes."""
    return head + unit * max(0, (size - len(head) - len(tail)) // len(unit)) + tail


def normal(size: int) -> tuple[bytes, Headers]:
    """The baseline: an ordinary article page of 2 KB, whatever SIZE."""
    return NORMAL_PAGE.encode(), HTML


def normal_long(size: int) -> tuple[bytes, Headers]:
    """A legitimate but very long article: paragraphs up to SIZE."""
    head = HEAD + "<article><h1>Harbour wall damaged</h1>"
    tail = "</article>" + TAIL
    # "{n}" in PARAGRAPH becomes at most 6 digits
    paragraphs = _paragraphs(max(1, (size - len(head) - len(tail)) // (len(PARAGRAPH) + 3)))
    return (head + paragraphs + tail).encode(), HTML


def deep_nesting(size: int) -> tuple[bytes, Headers]:
    """Never-closed nested divs as deep as SIZE allows (1M levels at 5 MB), text at the bottom."""
    return _fill(HEAD, "<div>", ARTICLE + TAIL, size).encode(), HTML


def deep_nesting_closed(size: int) -> tuple[bytes, Headers]:
    """50,000 nested divs each with a little text, closed, then the article."""
    depth = min(50_000, size // 40)
    html = HEAD + "<div>x " * depth + ARTICLE + "</div>" * depth + TAIL
    return html.encode(), HTML


def tiny_elements(size: int) -> tuple[bytes, Headers]:
    """Hundreds of thousands of tiny inline elements (`<b>x</b>`, 625k at 5 MB)."""
    return _fill(HEAD + ARTICLE, "<b>x</b>", TAIL, size).encode(), HTML


def tiny_paragraphs(size: int) -> tuple[bytes, Headers]:
    """Hundreds of thousands of one-word paragraphs (`<p>x</p>`)."""
    return _fill(HEAD + ARTICLE, "<p>x</p>", TAIL, size).encode(), HTML


def huge_text_node(size: int) -> tuple[bytes, Headers]:
    """One paragraph holding SIZE bytes of words."""
    return _fill(
        HEAD + "<article><p>", "harbour wall ", "</p></article>" + TAIL, size
    ).encode(), HTML


def huge_attribute(size: int) -> tuple[bytes, Headers]:
    """A normal article whose first div carries one attribute value of almost SIZE bytes."""
    return _fill(HEAD + '<div data-x="', "a", '">' + ARTICLE + "</div>" + TAIL, size).encode(), HTML


def many_attributes(size: int) -> tuple[bytes, Headers]:
    """Paragraphs with hundreds of distinct attributes each."""
    unit = "<p " + " ".join(f"a{i}='v'" for i in range(200)) + ">harbour wall</p>"
    return _fill(HEAD + ARTICLE, unit, TAIL, size).encode(), HTML


def many_tables(size: int) -> tuple[bytes, Headers]:
    """Tens of thousands of small tables (tables are kept by our settings)."""
    unit = "<table><tr><td>1</td><td>harbour</td></tr><tr><td>2</td><td>wall</td></tr></table>"
    return _fill(HEAD + ARTICLE, unit, TAIL, size).encode(), HTML


def huge_table(size: int) -> tuple[bytes, Headers]:
    """One table with as many rows as fit."""
    unit = "<tr><td>1</td><td>harbour</td><td>wall</td></tr>"
    return _fill(HEAD + ARTICLE + "<table>", unit, "</table>" + TAIL, size).encode(), HTML


def huge_script(size: int) -> tuple[bytes, Headers]:
    """A normal article after an inline script of almost SIZE bytes."""
    return _fill(HEAD + "<script>", "var a=1;", "</script>" + ARTICLE + TAIL, size).encode(), HTML


def huge_style(size: int) -> tuple[bytes, Headers]:
    """A normal article after an inline style sheet of almost SIZE bytes."""
    return _fill(HEAD + "<style>", ".a{b:c}", "</style>" + ARTICLE + TAIL, size).encode(), HTML


def unclosed_tags(size: int) -> tuple[bytes, Headers]:
    """Broken markup: nested div, p, span and a opened with text and never closed."""
    return _fill(
        HEAD + ARTICLE, '<div><p><span><a href="/x">harbour wall ', "", size
    ).encode(), HTML


def many_links(size: int) -> tuple[bytes, Headers]:
    """A page of links (100k at 5 MB), the article first."""
    unit = '<a href="/news/harbour-wall-story-n">Harbour wall story n</a> '
    return _fill(HEAD + ARTICLE + "<nav>", unit, "</nav>" + TAIL, size).encode(), HTML


def link_list(size: int) -> tuple[bytes, Headers]:
    """Links in list items, the shape of a sitemap page."""
    unit = '<li><a href="/news/harbour-wall-story-n">Harbour wall story n</a></li>'
    return _fill(HEAD + ARTICLE + "<ul>", unit, "</ul>" + TAIL, size).encode(), HTML


def binary_garbage(size: int) -> tuple[bytes, Headers]:
    """SIZE random bytes labelled text/html."""
    return random.Random(7).randbytes(size), {"content-type": "text/html"}


def lying_charset_utf16(size: int) -> tuple[bytes, Headers]:
    """A UTF-8 article of SIZE bytes whose header claims UTF-16."""
    body, _ = normal_long(size)
    return body, {"content-type": "text/html; charset=utf-16"}


def lying_charset_meta(size: int) -> tuple[bytes, Headers]:
    """Latin-1 bytes of SIZE declaring UTF-8 in the header and an unknown charset in a meta tag."""
    head = HEAD.replace('charset="utf-8"', 'charset="x-no-such-charset"') + "<article><p>"
    unit = "Caf\xe9 \xe0 la plage, \xe9t\xe9 \xfcber alles. "
    return _fill(head, unit, "</p></article>" + TAIL, size).encode("latin-1"), HTML


CASES: dict[str, Case] = {
    "normal page (baseline)": normal,
    "long normal article": normal_long,
    "deep nesting, unclosed": deep_nesting,
    "deep nesting, 50k closed": deep_nesting_closed,
    "tiny elements <b>x</b>": tiny_elements,
    "tiny paragraphs <p>x</p>": tiny_paragraphs,
    "one huge text node": huge_text_node,
    "one huge attribute": huge_attribute,
    "many attributes": many_attributes,
    "many small tables": many_tables,
    "one huge table": huge_table,
    "huge inline script": huge_script,
    "huge inline style": huge_style,
    "unclosed tags": unclosed_tags,
    "page of links": many_links,
    "list of links": link_list,
    "binary garbage as text/html": binary_garbage,
    "charset lies (utf-16 header)": lying_charset_utf16,
    "charset lies (meta, latin-1)": lying_charset_meta,
}


def _measure(name: str, size: int, conn: Any) -> None:
    """In a child: warm up on the normal page, then time one extraction of case NAME at SIZE."""
    from monitor.articles.pool import _exit_with_parent, extract_response
    from monitor.http import FetchResponse

    _exit_with_parent(os.getppid())  # no orphan left burning a core if the bench is stopped

    def response(body: bytes, headers: Headers) -> FetchResponse:
        return FetchResponse("http://hostile.test/page", 200, headers, body, "text/html", 0.0)

    extract_response(response(*normal(0)))
    body, headers = CASES[name](size)
    started = time.perf_counter()
    page = extract_response(response(body, headers))
    seconds = time.perf_counter() - started
    if page.error is not None:
        outcome = f"error: {page.error[:60]}"
    elif page.article is None:
        outcome = "no article"
    else:
        outcome = f"article, {len(page.article.text):,} chars"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send((len(body), seconds, outcome, peak_mb))


def run_case(name: str, size: int, limit_s: float) -> dict[str, Any]:
    """Measure one case in a fresh child process, killed after LIMIT_S seconds."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(name, size, sender), daemon=True)
    child.start()
    sender.close()
    row: dict[str, Any] = {"case": name, "target_bytes": size}
    if multiprocessing.connection.wait([receiver], timeout=limit_s):
        try:
            body_bytes, seconds, outcome, peak_mb = receiver.recv()
            row |= {"bytes": body_bytes, "s": seconds, "outcome": outcome, "peak_mb": peak_mb}
        except EOFError:
            child.join()
            row |= {"s": None, "outcome": f"child died (exit code {child.exitcode})"}
    else:
        row |= {"s": None, "outcome": f"> {limit_s:g} s (killed)"}
    child.kill()
    child.join()
    return row


def run_through_pool(name: str, size: int, deadline_s: float, pool: Any) -> dict[str, Any]:
    """Seconds until the page's outcome on a worker of POOL under DEADLINE_S, as a cycle sees it."""
    from monitor.articles.pool import _collect, extract_response
    from monitor.http import FetchResponse

    workers = pool.isolated()
    url = "http://hostile.test/page"
    warm_up = FetchResponse(url, 200, HTML, normal(0)[0], "text/html", 0.0)
    workers.submit(extract_response, warm_up).result()  # a killed worker's fresh replacement
    body, headers = CASES[name](size)
    response = FetchResponse(url, 200, headers, body, "text/html", 0.0)
    started = time.perf_counter()
    page = _collect(workers.submit_within(deadline_s, extract_response, response), url)
    seconds = time.perf_counter() - started
    return {"deadline_s": seconds, "deadline_outcome": "stopped" if page.error else "done"}


def main(argv: list[str] | None = None) -> int:
    from monitor.articles import ExtractionPool
    from monitor.settings import FetchSettings

    parser = argparse.ArgumentParser(
        prog="python -m bench.extraction_hostile", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--cap-bytes",
        type=int,
        default=FetchSettings().max_page_bytes,
        help="page-size cap the bodies are built against (default: [fetch] max_page_bytes)",
    )
    parser.add_argument(
        "--fractions",
        default=",".join(str(f) for f in DEFAULT_FRACTIONS),
        help="body sizes as fractions of the cap, comma-separated (default: 1.0,0.1)",
    )
    parser.add_argument("--limit-s", type=float, default=DEFAULT_LIMIT_S, help="kill a case after")
    parser.add_argument(
        "--deadline-s",
        type=float,
        default=FetchSettings().extract_timeout_s,
        help="also time each page on an extraction worker under this deadline, as a cycle runs "
        "it (default: [fetch] extract_timeout_s; 0: skip)",
    )
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--output", type=Path, help="also write the rows here as JSON")
    args = parser.parse_args(argv)
    sizes = [int(args.cap_bytes * float(f)) for f in args.fractions.split(",")]
    rows: list[dict[str, Any]] = []
    baseline_s: float | None = None
    print(f"pathological pages against a cap of {args.cap_bytes:,} bytes", flush=True)
    pool = ExtractionPool()
    try:
        for name, case in CASES.items():
            if args.only and args.only not in name and case is not normal:
                continue
            for size in sizes[:1] if case is normal else sizes:
                row = run_case(name, size, args.limit_s)
                if case is normal:
                    baseline_s = row["s"]
                if row["s"] is not None and baseline_s:
                    row["x_baseline"] = row["s"] / baseline_s
                if args.deadline_s > 0:
                    row |= run_through_pool(name, size, args.deadline_s, pool)
                rows.append(row)
                print(f"  {name} at {size:,} bytes: {row['outcome']}", flush=True)
    finally:
        pool.shutdown(wait=True)
    print(
        format_table(
            ["case", "bytes", "s", "x baseline", "peak MB", "outcome", "s on worker", "worker"],
            [
                [
                    r["case"],
                    r.get("bytes", r["target_bytes"]),
                    r["s"],
                    r.get("x_baseline"),
                    r.get("peak_mb"),
                    r["outcome"],
                    r.get("deadline_s"),
                    r.get("deadline_outcome"),
                ]
                for r in rows
            ],
        )
    )
    if args.output:
        args.output.write_text(
            json.dumps({"machine": machine_info(), "rows": rows}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
