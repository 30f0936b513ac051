from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "候选人"

    def ready(self):
        from renewal.exports import register_exporter

        from .exports import candidates_export

        register_exporter("candidates", candidates_export)

        from . import figures

        figures.register()
