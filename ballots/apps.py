from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "选举与计票"

    def ready(self):
        from ballots.congress import figures as figures_vote
        from ballots.villagers import figures

        figures.register()
        figures_vote.register()
