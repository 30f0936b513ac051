from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "选举与计票"

    def ready(self):
        from ballots import figures, figures_vote

        figures.register()
        figures_vote.register()
