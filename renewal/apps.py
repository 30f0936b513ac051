from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "renewal"
    verbose_name = "换届基础数据"

    def ready(self):
        from django.db.models.signals import post_save

        from renewal.exports import units_export
        from renewal.kit.exports import register_exporter

        register_exporter("units", units_export)

        from candidates.flags import register
        from renewal import admin_aftercare, figures_aftercare  # noqa: F401
        from renewal.audits import audit_flags
        from renewal.models import Term
        from renewal.signals_aftercare import term_saved

        # An open exit-audit finding naming a person flags them in vetting.
        register(audit_flags)
        # The approval of an election result writes the round's Term: open its handover.
        post_save.connect(term_saved, sender=Term, dispatch_uid="aftercare-handover-open")
