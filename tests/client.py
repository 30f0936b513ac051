"""The test client, with a ``login()`` that authenticates with a request.

Django's ``Client.login(**credentials)`` calls ``authenticate()`` without one; the failed
sign-in lock (axes' backend, first in AUTHENTICATION_BACKENDS) refuses that, since it cannot
tell who is trying from where. Here the attempt comes from the client's own address
(REMOTE_ADDR, 127.0.0.1 unless the client was made with another) and is counted as a form's.
"""

from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.urls import reverse


class Client(DjangoClient):
    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory(**self.defaults).post(reverse("login")))
        return super().login(**credentials)
