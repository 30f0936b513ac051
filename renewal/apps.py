from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "renewal"
    verbose_name = "换届基础数据"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import signals as auth_signals

        # Imported for the nightly purge's Celery task, which it registers.
        import renewal.kit.retention  # noqa: F401
        from renewal import demo as renewal_demo
        from renewal import next_steps
        from renewal.exports import units_export
        from renewal.kit import demo, idle, lockout, second_factor, security_events, uploads
        from renewal.kit.exports import register_exporter
        from renewal.roster.importer import IMPORTER as roster_importer

        second_factor.register_checks()
        next_steps.register_steps()
        register_exporter("units", units_export)
        register_exporter("security_log", security_events.security_log_export)
        auth_signals.user_login_failed.connect(lockout.on_login_failed, dispatch_uid="seclog-f")
        auth_signals.user_logged_in.connect(lockout.on_logged_in, dispatch_uid="seclog-in")
        auth_signals.user_logged_out.connect(lockout.on_logged_out, dispatch_uid="seclog-out")
        auth_signals.user_logged_in.connect(idle.on_logged_in, dispatch_uid="idle-in")
        user_locked_out.connect(lockout.on_locked_out, dispatch_uid="seclog-locked")
        uploads.register(roster_importer)
        demo.register(demo.STAGES, "stages", renewal_demo.refresh_stages)
