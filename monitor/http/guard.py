"""The network guard: only http(s) URLs whose every address is public (or allowed) are fetched."""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from collections.abc import Callable

from monitor.errors import BlockedURLError, FetchError
from monitor.http.urls import DEFAULT_PORTS
from monitor.settings import FetchSettings

Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})


def resolve_host(host: str, port: int) -> list[str]:
    """Every address a host name resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_address_reason(address: str) -> str | None:
    """Why the guard refuses an IP address (loopback, private, ...), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local/metadata"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


def check_url(url: str, settings: FetchSettings, resolve: Resolver | None = None) -> list[str]:
    """Refuse a URL the guard does not allow; return the addresses that may be connected to."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused {url!r}: scheme {scheme or '(none)'!r} is not http or https", url
        )
    try:
        host = parts.hostname
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as e:
        raise FetchError(f"invalid URL {url!r}: {e}", url) from e
    if not host:
        raise FetchError(f"invalid URL {url!r}: no host", url)
    if settings.allow_private_networks:
        return []
    return check_host(host, port, settings, resolve or resolve_host, url)


def check_host(
    host: str, port: int, settings: FetchSettings, resolve: Resolver, url: str
) -> list[str]:
    """Resolve a host and refuse it if any address is not public; return the addresses."""
    host = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as e:
            raise FetchError(f"cannot resolve host {host!r} of {url}: {e}", url) from e
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r} of {url}: no addresses", url)
    allowed_networks = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in allowed_networks):
            continue
        reason = blocked_address_reason(address)
        if reason:
            raise BlockedURLError(
                f"refused {url}: host {host!r} resolves to {reason} address {address} "
                "(set [fetch] allow_private_networks = true to allow)",
                url,
            )
    return addresses
