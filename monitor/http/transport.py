"""The httpx client: connections only to guarded addresses, socket calls bounded by the deadline."""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpcore
import httpx

from monitor.http.deadline import resolver_within_deadline, within_deadline
from monitor.http.guard import Resolver, check_host, resolve_host
from monitor.settings import FetchSettings


def make_client(
    settings: FetchSettings,
    *,
    resolve: Resolver | None = None,
    verify: ssl.SSLContext | None = None,
) -> httpx.Client:
    """An httpx client whose every connection goes through the network guard; no auto-redirects."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        pool=settings.connect_timeout_s,
    )
    context = verify or _ssl_context()
    limits = httpx.Limits(max_connections=settings.global_limit * 2)
    transport = httpx.HTTPTransport(verify=context, limits=limits, trust_env=False)
    # The guard sits where the socket is opened: the host name is resolved once, every address
    # is checked, and only a checked address is connected to, so DNS cannot change in between
    # (rebinding). The URL keeps its host name, so Host, TLS SNI and certificate checks are
    # the normal ones, and pooled connections are never shared between host names.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(settings, resolve or resolve_host),
    )
    # trust_env=False: an environment proxy would resolve hosts itself and bypass the guard.
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the network guard allows."""

    def __init__(self, settings: FetchSettings, resolve: Resolver) -> None:
        self._settings = settings
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if self._settings.allow_private_networks:
            stream = super().connect_tcp(
                host,
                port,
                within_deadline(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            )
            return _DeadlineStream(stream)
        resolve = resolver_within_deadline(self._resolve)
        addresses = check_host(host, port, self._settings, resolve, f"{host}:{port}")
        error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address,
                    port,
                    within_deadline(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
        assert error is not None
        raise error


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the fetch's deadline.

    httpx's read timeout applies to each socket read, so a server sending one byte a second
    would never trip it; here each call gets at most the time left before the deadline.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~0.1 s; build it once, not once per client.
    return httpx.create_ssl_context()
