from django.apps import AppConfig


class AftercareConfig(AppConfig):
    """Before and after the vote: exit audits, key-unit plans, guidance groups, handover and
    onboarding of the new committee.

    Its models live in ``renewal.models`` (app label ``renewal``); this app holds the rules,
    pages and figures, and plugs into the lower layers through their registries.
    """

    name = "renewal.aftercare"
    label = "aftercare"
    verbose_name = "审计与交接"

    def ready(self):
        from django.db.models.signals import post_save

        from candidates.flags import register as register_flag
        from renewal.aftercare import demo as aftercare_demo
        from renewal.aftercare import figures, next_steps
        from renewal.aftercare.audits import audit_flags
        from renewal.aftercare.signals import term_saved
        from renewal.kit import demo
        from renewal.models import Term

        figures.register()
        next_steps.register_steps()
        # An open exit-audit finding naming a person flags them in vetting.
        register_flag(audit_flags)
        # The approval of an election result writes the round's Term: open its handover.
        post_save.connect(term_saved, sender=Term, dispatch_uid="aftercare-handover-open")
        demo.register(demo.AFTERCARE, "aftercare", aftercare_demo.seed)
        demo.register_area("supervision", aftercare_demo.seed_supervision)
