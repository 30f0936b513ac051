from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "候选人"

    def ready(self):
        from candidates.exports import candidates_export
        from renewal.kit.exports import register_exporter

        register_exporter("candidates", candidates_export)

        from candidates import figures

        figures.register()
