from django.apps import AppConfig


class RollupConfig(AppConfig):
    """日报告日通报: the nightly roll-up, its notices, dashboards and daily reports.

    Its models live in ``renewal.models`` (app label ``renewal``); this app holds the
    pages, the task and the command that read and write them.
    """

    name = "renewal.rollup"
    label = "rollup"
    verbose_name = "日报告日通报"

    def ready(self):
        from renewal.kit import demo
        from renewal.rollup import demo as rollup_demo
        from renewal.rollup import measures

        measures.register()
        demo.register(demo.ROLLUP, "rollup", rollup_demo.seed)
