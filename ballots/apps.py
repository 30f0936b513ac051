from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "选举与计票"

    def ready(self):
        from ballots import double_entry, next_steps
        from ballots.congress import figures as congress_figures
        from ballots.congress import services as congress_services
        from ballots.villagers import demo as villagers_demo
        from ballots.villagers import figures as villagers_figures
        from ballots.villagers import supervision as villagers_supervision
        from ballots.villagers import vote as villagers_vote
        from ballots.villagers import voter_import
        from renewal.kit import demo, home, uploads

        # The tallies entered twice (ballots.double_entry), with their services' callbacks.
        for subject in (
            congress_services.SUBJECT,
            *villagers_vote.SUBJECTS,
            villagers_supervision.SUBJECT,
        ):
            double_entry.register(subject)
        for role in ("township_leader", "county_reviewer", "admin"):
            home.register(role, double_entry.coordinator_home)
        congress_figures.register()
        villagers_figures.register()
        next_steps.register_steps()
        uploads.register(voter_import.IMPORTER)
        demo.register(demo.VILLAGERS_SETUP, "villagers-setup", villagers_demo.seed_setup)
        demo.register(demo.VILLAGERS_VOTE, "villagers-vote", villagers_demo.seed_vote)
        demo.register(demo.VILLAGERS_VOTE + 1, "villagers-bodies", villagers_demo.seed_bodies)
        demo.register_bulk(demo.VILLAGERS_SETUP, "registers", villagers_demo.seed_registers_bulk)
