"""The client's address, in one place: REMOTE_ADDR becomes the real client behind trusted proxies.

A reverse proxy (nginx) connects to the app itself, so REMOTE_ADDR is the proxy's address and
the client's is in X-Forwarded-For, which the proxy appends to. That header is also the
client's to forge, so it is read only when the direct peer is a trusted proxy:

- ``TRUSTED_PROXY_ADDRESSES`` (IPs or CIDRs): the peer must be one of them; walking the
  header from its right end, every trusted address is skipped and the first other one is
  the client;
- ``TRUSTED_PROXY_COUNT`` (N): there are exactly N proxies in front of the app, the peer
  being the last; the client is the address the N-th proxy saw (N entries from the right).
  With addresses too, the peer must also be one of them.

Neither set (the default): the header is ignored and REMOTE_ADDR stays the peer. Everything
that reads the client's address (rate limits, the security log, sign-in lockout) reads
REMOTE_ADDR after this middleware and needs no header logic of its own.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(addresses: tuple[str, ...]):
    return tuple(ipaddress.ip_network(a.strip(), strict=False) for a in addresses if a.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: str, *, count: int, addresses) -> str:
    """The client's address for a request from ``peer`` carrying ``forwarded_for``."""
    networks = _networks(tuple(addresses))
    if not forwarded_for or (count <= 0 and not networks):
        return peer

    def trusted(value) -> bool:
        address = _address(value)
        return address is not None and any(address in net for net in networks)

    if networks and not trusted(peer):
        return peer
    chain = [part.strip() for part in forwarded_for.split(",")] + [peer]
    if count > 0:
        if len(chain) <= count:
            return peer
        candidate = chain[-(count + 1)]
    else:
        rest = list(chain)
        while rest and trusted(rest[-1]):
            rest.pop()
        if not rest:
            return peer
        candidate = rest[-1]
    address = _address(candidate)
    return str(address) if address is not None else peer


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta["REMOTE_ADDR"] = client_address(
            peer,
            meta.get("HTTP_X_FORWARDED_FOR", ""),
            count=settings.TRUSTED_PROXY_COUNT,
            addresses=settings.TRUSTED_PROXY_ADDRESSES,
        )
        return self.get_response(request)
