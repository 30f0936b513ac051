"""No page or file the application answers may be kept by a browser or a proxy.

Rosters, notices and PDFs carry full ID numbers and criminal records: a shared computer's
browser cache or an intranet proxy must not keep a copy. One rule for every response that
Django produces (pages, htmx fragments, redirects, downloads, error pages); the static
assets never reach it, since WhiteNoise answers them earlier in the middleware chain with
their own long-lived caching headers.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # max-age=0, no-cache, no-store, must-revalidate, private; and Expires in the past.
        add_never_cache_headers(response)
        # HTTP/1.0 caches in old intranet proxies read only Pragma.
        response["Pragma"] = "no-cache"
        return response
