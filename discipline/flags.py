"""Flag providers for candidates.flags (filled in by the cases/ledger work)."""
