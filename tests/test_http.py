"""monitor.http against a real loopback server: guard, redirects, caps, timeouts, concurrency."""

from __future__ import annotations

import ssl
import threading
import time
from pathlib import Path

import pytest

from monitor.errors import BlockedURLError, FetchError, HTTPStatusError, TooLargeError
from monitor.http import (
    blocked_address_reason,
    canonicalize_url,
    content_skip_reason,
    decode_html,
    fetch_concurrently,
    fetch_url,
    make_client,
    parse_retry_after,
)
from monitor.localserver import FixtureServer, Request, Response
from monitor.settings import FetchSettings

LOOPBACK_OK = FetchSettings(allow_private_networks=True, connect_timeout_s=2, read_timeout_s=2)


def test_fetch_sends_user_agent_and_reports_media_type(server: FixtureServer) -> None:
    url = server.add("/page", "<p>hi</p>", "text/HTML; charset=utf-8")
    response = fetch_url(url, LOOPBACK_OK, max_bytes=1000)
    assert (response.status, response.body, response.content_type) == (
        200,
        b"<p>hi</p>",
        "text/html",
    )
    assert response.url == url
    assert server.requests[-1].headers["User-Agent"].startswith("story-monitor/")
    assert "etag" in response.headers


def test_conditional_get_with_etag_returns_304(server: FixtureServer) -> None:
    url = server.add("/etagged", "<rss/>", "application/rss+xml")
    first = fetch_url(url, LOOPBACK_OK, max_bytes=1000)
    second = fetch_url(url, LOOPBACK_OK, max_bytes=1000, etag=first.headers["etag"])
    assert (second.status, second.body) == (304, b"")
    assert server.requests[-1].headers["If-None-Match"] == first.headers["etag"]


def test_conditional_get_with_last_modified_returns_304(server: FixtureServer) -> None:
    stamp = "Mon, 03 Apr 2023 01:02:03 GMT"

    def by_date(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(304)
        return Response(200, b"<rss/>", {"Last-Modified": stamp, "Content-Type": "text/xml"})

    url = server.route("/dated", by_date)
    first = fetch_url(url, LOOPBACK_OK, max_bytes=1000)
    second = fetch_url(
        url, LOOPBACK_OK, max_bytes=1000, last_modified=first.headers["last-modified"]
    )
    assert (first.status, second.status) == (200, 304)


@pytest.mark.parametrize("value", ["120", "HTTP-DATE"])
def test_429_raises_with_retry_after_seconds_and_http_date(
    server: FixtureServer, value: str
) -> None:
    if value == "HTTP-DATE":
        value = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 120))
    server.route("/busy", lambda r: Response(429, b"slow down", {"Retry-After": value}))
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(server.url("/busy"), LOOPBACK_OK, max_bytes=1000)
    assert caught.value.status == 429
    assert caught.value.retry_after_s is not None and 100 <= caught.value.retry_after_s <= 120
    assert "429" in str(caught.value) and server.url("/busy") in str(caught.value)


def test_500_raises_status_error_without_retry_after(server: FixtureServer) -> None:
    server.add("/broken", "oops", status=500)
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(server.url("/broken"), LOOPBACK_OK, max_bytes=1000)
    assert (caught.value.status, caught.value.retry_after_s) == (500, None)


def test_slow_response_is_a_read_timeout(server: FixtureServer) -> None:
    server.route("/slow", lambda r: Response(200, b"late", delay_s=6.0))
    settings = FetchSettings(allow_private_networks=True, read_timeout_s=0.5)
    with pytest.raises(FetchError, match="read timeout"):
        fetch_url(server.url("/slow"), settings, max_bytes=1000)


def test_redirect_chain_is_followed_to_the_final_url(server: FixtureServer) -> None:
    final = server.add("/final", "done")
    server.route("/a", lambda r: Response(301, headers={"Location": "/b"}))
    server.route("/b", lambda r: Response(302, headers={"Location": final}))
    response = fetch_url(server.url("/a"), LOOPBACK_OK, max_bytes=1000)
    assert (response.url, response.body) == (final, b"done")


def test_redirect_loop_is_refused(server: FixtureServer) -> None:
    server.route("/x", lambda r: Response(302, headers={"Location": "/y"}))
    server.route("/y", lambda r: Response(302, headers={"Location": "/x"}))
    with pytest.raises(FetchError, match="redirect loop"):
        fetch_url(server.url("/x"), LOOPBACK_OK, max_bytes=1000)
    assert server.hits("/x") == 1 and server.hits("/y") == 1


def test_more_than_five_redirects_are_refused(server: FixtureServer) -> None:
    for hop in range(7):
        server.route(
            f"/hop{hop}", lambda r, n=hop: Response(302, headers={"Location": f"/hop{n + 1}"})
        )
    server.add("/hop5", "five hops is fine")
    assert fetch_url(server.url("/hop0"), LOOPBACK_OK, max_bytes=100).body == b"five hops is fine"
    server.route("/hop5", lambda r: Response(302, headers={"Location": "/hop6"}))
    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(server.url("/hop0"), LOOPBACK_OK, max_bytes=100)
    assert server.hits("/hop6") == 0


def test_oversized_body_is_refused_while_streaming(server: FixtureServer) -> None:
    chunks = [b"x" * 10_000] * 200  # 2 MB, sent slowly enough to see where the client stopped
    server.route("/huge", lambda r: Response(200, chunks=chunks, chunk_delay_s=0.002))
    with pytest.raises(TooLargeError) as caught:
        fetch_url(server.url("/huge"), LOOPBACK_OK, max_bytes=50_000)
    message = str(caught.value)
    stopped_at = int(message.split("stopped reading at ")[1].split(" ")[0])
    # The client gave up a read buffer past the cap, far short of the 2 MB the server offered.
    assert 50_000 < stopped_at <= 50_000 + 65_536


def test_declared_content_length_over_the_cap_is_refused_before_reading(
    server: FixtureServer,
) -> None:
    server.add("/declared-big", b"y" * 5000)
    with pytest.raises(TooLargeError, match="Content-Length 5000"):
        fetch_url(server.url("/declared-big"), LOOPBACK_OK, max_bytes=1000)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/", "javascript:alert(1)"]
)
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="scheme"):
        fetch_url(url, LOOPBACK_OK, max_bytes=100)


def test_loopback_is_refused_unless_private_networks_are_allowed(server: FixtureServer) -> None:
    url = server.add("/guarded", "<rss/>")
    with pytest.raises(BlockedURLError, match="loopback"):
        fetch_url(url, FetchSettings(), max_bytes=100)
    assert server.hits("/guarded") == 0
    assert fetch_url(url, LOOPBACK_OK, max_bytes=100).status == 200


def test_host_names_are_resolved_and_every_address_checked(server: FixtureServer) -> None:
    url = server.add("/named", "<rss/>").replace("127.0.0.1", "feeds.example")
    public_then_metadata = lambda host, port: ["93.184.215.14", "169.254.169.254"]
    with pytest.raises(BlockedURLError, match="169.254.169.254"):
        fetch_url(url, FetchSettings(), max_bytes=100, resolve=public_then_metadata)
    # An exempt network lets the same name through, and the request is pinned to the vetted address.
    exempt = FetchSettings(allowed_networks=["127.0.0.1/32"])
    response = fetch_url(url, exempt, max_bytes=100, resolve=lambda host, port: ["127.0.0.1"])
    assert response.body == b"<rss/>" and response.url == url
    assert server.requests[-1].headers["Host"] == f"feeds.example:{server.port}"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/",
        "http://127.0.0.2:{port}/secret",
        "http://[::1]:{port}/secret",
        "http://internal.example/",
    ],
)
def test_redirect_from_an_allowed_host_to_a_private_one_is_refused(
    server: FixtureServer, target: str
) -> None:
    target = target.format(port=server.port)
    path = f"/go{abs(hash(target))}"
    server.route(path, lambda r: Response(302, headers={"Location": target}))
    settings = FetchSettings(allowed_networks=["127.0.0.1/32"])
    resolver = lambda host, port: ["192.168.1.5"] if host == "internal.example" else ["127.0.0.1"]
    with pytest.raises(BlockedURLError, match="refused"):
        fetch_url(server.url(path), settings, max_bytes=100, resolve=resolver)
    assert server.hits(path) == 1  # the first hop was fetched; the second never left the client


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local/metadata"),
        ("::1", "loopback"),
        ("fe80::1", "link-local/metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("fd00:ec2::254", "private"),
        ("93.184.215.14", None),
        ("2606:4700::6810:85e5", None),
    ],
)
def test_blocked_address_reasons(address: str, reason: str | None) -> None:
    assert blocked_address_reason(address) == reason


def test_per_host_limit_is_respected_server_side(server: FixtureServer) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.1)  # long enough for requests to overlap even on a busy machine
        with lock:
            state["now"] -= 1
        return Response(200, request.path.encode())

    urls = [server.route(f"/p{i}", slow) for i in range(12)]
    settings = FetchSettings(allow_private_networks=True, per_host_limit=2, global_limit=8)
    results = fetch_concurrently(
        urls, lambda u: u, lambda u: fetch_url(u, settings, max_bytes=100).body, settings
    )
    assert results == [f"/p{i}".encode() for i in range(12)]  # input order
    assert state["peak"] == 2
    wider = FetchSettings(allow_private_networks=True, per_host_limit=6, global_limit=8)
    state["peak"] = 0
    fetch_concurrently(urls, lambda u: u, lambda u: fetch_url(u, wider, max_bytes=100), wider)
    assert state["peak"] > 2


def test_fetch_concurrently_returns_monitor_errors_in_place(server: FixtureServer) -> None:
    good = server.add("/ok", "fine")
    server.add("/bad", "no", status=503, headers={"Retry-After": "30"})
    results = fetch_concurrently(
        [good, server.url("/bad"), "file:///x"],
        lambda u: u,
        lambda u: fetch_url(u, LOOPBACK_OK, max_bytes=100),
        LOOPBACK_OK,
    )
    assert results[0].body == b"fine"  # type: ignore[union-attr]
    assert isinstance(results[1], HTTPStatusError) and results[1].retry_after_s == 30
    assert isinstance(results[2], BlockedURLError)


def test_canonicalize_url() -> None:
    assert canonicalize_url(
        "HTTPS://News.Example.COM:443/a/b?utm_source=x&z=1&a=2&fbclid=q#top"
    ) == ("https://news.example.com/a/b?a=2&z=1")
    assert canonicalize_url("../story?ref=rss&id=7", "http://example.org:8080/world/feed.xml") == (
        "http://example.org:8080/story?id=7"
    )
    assert canonicalize_url("http://example.org") == "http://example.org/"
    assert canonicalize_url("http://example.org/?gclid=1&mc_cid=2&mc_eid=3&ocid=4") == (
        "http://example.org/"
    )


def test_decode_html_header_then_meta_then_detection() -> None:
    text = "Café à Zürich – “quoted”"
    cp1252 = f"<html><head><meta charset='windows-1252'></head><p>{text}</p>".encode("cp1252")
    assert text in decode_html(cp1252, {})
    assert text in decode_html(cp1252, {"Content-Type": "text/html; charset=windows-1252"})
    utf8 = f"<p>{text}</p>".encode()
    assert decode_html(utf8, {"content-type": "text/html; charset=utf-8"}) == f"<p>{text}</p>"
    # The header wins over a contradicting meta tag.
    koi = "<meta charset='utf-8'><p>Привет, мир, как дела сегодня</p>".encode("koi8-r")
    assert "Привет" in decode_html(koi, {"content-type": "text/html; charset=koi8-r"})
    undeclared = (
        "<p>Приветствуем вас на нашем новостном сайте, здесь свежие новости дня.</p>" * 5
    ).encode("cp1251")
    assert "новости" in decode_html(undeclared, {})


def test_content_skip_reasons() -> None:
    assert "PDF" in (content_skip_reason("application/pdf") or "")
    assert "image" in (content_skip_reason("image/png; q=1") or "")
    assert content_skip_reason("text/html; charset=utf-8") is None
    assert content_skip_reason("application/rss+xml") is None


def test_parse_retry_after() -> None:
    assert parse_retry_after("90") == 90
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None


def test_gzip_bomb_is_capped_on_decompressed_bytes(server: FixtureServer) -> None:
    import gzip

    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 kB on the wire, 20 MB unpacked
    server.add("/bomb.xml", bomb, "application/xml", headers={"Content-Encoding": "gzip"})
    with pytest.raises(TooLargeError, match="cap of 100000 bytes"):
        fetch_url(server.url("/bomb.xml"), LOOPBACK_OK, max_bytes=100_000)


def test_a_server_dripping_bytes_is_cut_off_by_the_total_timeout(server: FixtureServer) -> None:
    server.route("/drip", lambda r: Response(200, chunks=[b"x"] * 50, chunk_delay_s=0.05))
    settings = FetchSettings(allow_private_networks=True, read_timeout_s=1, total_timeout_s=0.5)
    with pytest.raises(FetchError, match="longer than 0.5s"):
        fetch_url(server.url("/drip"), settings, max_bytes=1000)


def _self_signed(tmp_path: Path, host: str) -> tuple[Path, Path]:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_through_the_guard_keeps_sni_and_certificate_checks(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    cert, key = _self_signed(tmp_path, "feeds.example")
    server = FixtureServer()
    server.add("/tls", "over tls")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,return-value]
    server._server.socket = server_context.wrap_socket(server._server.socket, server_side=True)
    settings = FetchSettings(allowed_networks=["127.0.0.1/32"])
    resolver = lambda host, port: ["127.0.0.1"]
    trusting = ssl.create_default_context(cafile=str(cert))
    with server, make_client(settings, resolve=resolver, verify=trusting) as client:
        url = f"https://feeds.example:{server.port}/tls"
        response = fetch_url(url, settings, max_bytes=100, client=client, resolve=resolver)
        assert (response.body, response.url, names) == (b"over tls", url, ["feeds.example"])
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_url(
                f"https://other.example:{server.port}/tls",
                settings,
                max_bytes=100,
                client=client,
                resolve=resolver,
            )


def test_the_client_itself_refuses_private_addresses_at_connect_time(server: FixtureServer) -> None:
    # A name that resolved to a public address when checked and to loopback when connecting
    # (DNS rebinding) is refused by the client, which checks the address it connects to.
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    url = server.add("/rebind", "secret").replace("127.0.0.1", "rebind.example")
    with pytest.raises(BlockedURLError, match="loopback"):
        fetch_url(url, FetchSettings(), max_bytes=100, resolve=lambda host, port: next(answers))
    assert server.hits("/rebind") == 0


def test_declared_utf8_with_a_stray_byte_keeps_utf8() -> None:
    page = ("<meta charset='utf-8'><p>Grüße aus München, sagte die Sprecherin.</p>" * 40).encode()
    damaged = page[:500] + b"\xe9" + page[500:]
    text = decode_html(damaged, {})
    assert text.count("Grüße") == 40
    assert text.count("\ufffd") == 1


def test_declared_utf8_that_is_really_latin1_falls_back_to_detection() -> None:
    page = "<meta charset='utf-8'><p>Le café était déjà fermé, à côté de la gare.</p>" * 20
    assert "déjà" in decode_html(page.encode("cp1252"), {})


def test_undeclared_central_european_page_keeps_its_code_page() -> None:
    page = "<p>Příliš žluťoučký kůň úpěl ďábelské ódy, řekl včera ministr.</p>" * 20
    assert "žluťoučký" in decode_html(page.encode("cp1250"), {})


# --- the hard deadline: total_timeout_s bounds the whole exchange ---------------------------

DEADLINE_S = 1.5
# Past the deadline, fetch_url may still finish the socket call it is in and build its error.
DEADLINE_MARGIN_S = 1.0
HOSTILE = FetchSettings(
    allow_private_networks=True, connect_timeout_s=30, read_timeout_s=30, total_timeout_s=DEADLINE_S
)


@pytest.mark.parametrize(
    ("mode", "scheme"),
    [
        ("header-drip", "http"),
        ("body-drip", "http"),
        ("silent", "http"),
        ("silent", "https"),
        ("connect-stall", "http"),
    ],
)
def test_a_hostile_server_is_cut_off_at_the_deadline(mode: str, scheme: str) -> None:
    from monitor.errors import DeadlineError
    from monitor.localserver import HostileServer

    # Per-read and connect timeouts (30 s) never fire here: only the whole-exchange deadline can.
    with HostileServer(mode, drip_s=0.2) as hostile:
        started = time.monotonic()
        with pytest.raises(DeadlineError) as caught:
            fetch_url(hostile.url("/story", scheme), HOSTILE, max_bytes=5_000_000)
        elapsed = time.monotonic() - started
    assert hostile.url("/story", scheme) in str(caught.value)
    assert f"{DEADLINE_S:g}s" in str(caught.value)
    assert DEADLINE_S - 0.1 <= elapsed <= DEADLINE_S + DEADLINE_MARGIN_S, elapsed


def test_the_deadline_covers_redirect_hops_together(server: FixtureServer) -> None:
    from monitor.errors import DeadlineError

    # Each hop answers in 0.6 s, well inside the read timeout; four hops outlive 1.5 s.
    for hop in range(4):
        target = f"/hop{hop + 1}" if hop < 3 else "/landed"
        server.route(
            f"/hop{hop}", lambda r, t=target: Response(302, b"", {"Location": t}, delay_s=0.6)
        )
    server.add("/landed", "<p>done</p>", "text/html")
    started = time.monotonic()
    with pytest.raises(DeadlineError):
        fetch_url(server.url("/hop0"), HOSTILE, max_bytes=1000)
    assert time.monotonic() - started <= DEADLINE_S + DEADLINE_MARGIN_S


def test_gzip_bomb_decoding_holds_no_more_than_the_cap(server: FixtureServer) -> None:
    import gzip
    import tracemalloc

    cap = 1_000_000
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 kB on the wire
    server.add("/bomb2.xml", bomb, "application/xml", headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            fetch_url(server.url("/bomb2.xml"), LOOPBACK_OK, max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The kept body (at most the cap) plus one 64 kB decoded slice and the raw chunks; inflating
    # a whole 64 kB network chunk at once would hold about 64 MB.
    assert peak < cap + 3_000_000, peak


@pytest.mark.parametrize("encoding", ["gzip-members", "deflate-zlib", "deflate-raw"])
def test_compressed_bodies_decode_in_slices(server: FixtureServer, encoding: str) -> None:
    import gzip
    import zlib

    text = b"<rss>" + b"story " * 50_000 + b"</rss>"
    if encoding == "gzip-members":
        half = len(text) // 2
        body, header = gzip.compress(text[:half]) + gzip.compress(text[half:]), "gzip"
    elif encoding == "deflate-zlib":
        body, header = zlib.compress(text), "deflate"
    else:
        raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body, header = raw.compress(text) + raw.flush(), "deflate"
    server.add(f"/enc-{encoding}", body, "application/xml", headers={"Content-Encoding": header})
    response = fetch_url(server.url(f"/enc-{encoding}"), LOOPBACK_OK, max_bytes=1_000_000)
    assert response.body == text
