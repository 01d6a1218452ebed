"""URL canonical form (tracking parameters dropped) and the host a request counts against."""

from __future__ import annotations

import urllib.parse

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track the reader; they never change what a page shows.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "ocid",
        "igshid",
        "_ga",
        "_gl",
        "cmpid",
        "s_cid",
        "smid",
        "smtyp",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "wt_mc",
        "wt.mc_id",
        "ncid",
        "cid_source",
        "taid",
        "share",
        "trk",
        "trkcampaign",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")


def host_key(url: str) -> str:
    """The host a URL's requests count against for the per-host limit."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Absolute URL without fragment, default port or tracking parameters; query sorted."""
    url = url.strip()
    if base:
        url = urllib.parse.urljoin(base, url)
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if parts.hostname is not None:
        host = parts.hostname.lower()
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
        netloc = (userinfo + "@" if userinfo else "") + host
        if port is not None and port != DEFAULT_PORTS.get(scheme):
            netloc += f":{port}"
    path = parts.path or ("/" if scheme in DEFAULT_PORTS else "")
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = sorted(
        (k, v)
        for k, v in query
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    return urllib.parse.urlunsplit((scheme, netloc, path, urllib.parse.urlencode(kept), ""))
