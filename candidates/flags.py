"""Automatic vetting flags from other apps (open discipline cases, the disciplined-cadres ledger).

An app registers a provider: a function taking a Person and returning Flags. The vetting
queue and the candidate page show every flag, and a flagged candidacy cannot pass
vetting until the flag is cleared at its source. The discipline app registers its
providers in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    source: str  # e.g. "discipline-case", "disciplined-ledger"
    message: str  # Chinese, shown as is


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def flags_for(person) -> list[Flag]:
    return [flag for provider in _providers for flag in provider(person)]
