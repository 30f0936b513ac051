from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = "换届纪律"
    # Columns sealed under a key of their own, for `manage.py rotate_keys`.
    sealed_fields = (("ReporterIdentity", "sealed", "discipline"),)
    # Files whose content is sealed so (reporters' attachments).
    sealed_files = (("ReportAttachment", "file", "discipline"),)

    def ready(self):
        from discipline import figures, flags, next_steps
        from discipline.demo import seed_reports
        from discipline.ledger import services as ledger
        from renewal.kit import demo, uploads

        figures.register()
        # Open cases and ledger entries flag people in the candidates' vetting queue.
        flags.register()
        next_steps.register_steps()
        uploads.register(ledger.IMPORTER)
        demo.register(demo.REPORTS, "discipline-reports", seed_reports)
