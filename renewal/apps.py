from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "renewal"
    verbose_name = "换届基础数据"

    def ready(self):
        from renewal import demo as renewal_demo
        from renewal.exports import units_export
        from renewal.kit import demo, second_factor, uploads
        from renewal.kit.exports import register_exporter
        from renewal.roster.importer import IMPORTER as roster_importer

        second_factor.register_checks()
        register_exporter("units", units_export)
        uploads.register(roster_importer)
        demo.register(demo.STAGES, "stages", renewal_demo.refresh_stages)
