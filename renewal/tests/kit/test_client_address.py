"""The client's address behind trusted proxies (renewal/kit/client_address.py)."""

import pytest

from renewal.kit.client_address import client_address

CASES = [
    # (rule, peer, X-Forwarded-For, count, addresses, expected)
    ("no proxy trusted: header ignored", "198.51.100.7", "1.1.1.1", 0, [], "198.51.100.7"),
    ("one proxy by count: its appended entry", "10.0.0.2", "6.6.6.6, 1.1.1.1", 1, [], "1.1.1.1"),
    ("two proxies by count", "10.0.0.2", "6.6.6.6, 1.1.1.1, 10.0.0.3", 2, [], "1.1.1.1"),
    ("count larger than the chain: peer kept", "10.0.0.2", "", 1, [], "10.0.0.2"),
    ("trusted peer by CIDR", "10.9.0.5", "6.6.6.6, 1.1.1.1", 0, ["10.9.0.0/24"], "1.1.1.1"),
    ("untrusted peer: forged header ignored", "1.1.1.1", "2.2.2.2", 0, ["10.9.0.0/24"], "1.1.1.1"),
    (
        "trusted hops skipped from the right",
        "10.9.0.5",
        "6.6.6.6, 1.1.1.1, 10.9.0.7",
        0,
        ["10.9.0.0/24"],
        "1.1.1.1",
    ),
    ("count and addresses: peer must be trusted", "1.1.1.1", "2.2.2.2", 1, ["10.9.0.5"], "1.1.1.1"),
    ("count and addresses: trusted peer", "10.9.0.5", "2.2.2.2", 1, ["10.9.0.5"], "2.2.2.2"),
    ("garbage in the header: peer kept", "10.0.0.2", "<script>", 1, [], "10.0.0.2"),
    ("IPv6 client", "10.0.0.2", "2001:db8::1", 1, [], "2001:db8::1"),
]


@pytest.mark.parametrize(
    ("peer", "forwarded", "count", "addresses", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_client_address(peer, forwarded, count, addresses, expected):
    assert client_address(peer, forwarded, count=count, addresses=addresses) == expected


def test_middleware_sets_remote_addr_for_every_view(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert response.wsgi_request.META["REMOTE_ADDR"] == "1.1.1.1"
