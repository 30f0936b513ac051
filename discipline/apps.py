from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = "换届纪律"

    def ready(self):
        # Open cases and ledger entries flag people in the candidates' vetting queue.
        from discipline import (
            figures,
            flags,  # noqa: F401
        )

        figures.register()
