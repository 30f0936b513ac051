from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "候选人"

    def ready(self):
        from candidates import figures, imports
        from candidates.exports import candidates_export
        from renewal.kit import uploads
        from renewal.kit.exports import register_exporter

        register_exporter("candidates", candidates_export)
        uploads.register(imports.IMPORTER)
        figures.register()
