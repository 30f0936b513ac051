from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "候选人"

    def ready(self):
        from candidates import figures, imports, next_steps, reserve_import
        from candidates.demo import seed_candidacies_bulk, seed_candidates
        from candidates.exports import candidates_export
        from candidates.selectors import department_home
        from renewal.kit import demo, home, uploads
        from renewal.kit.exports import register_exporter

        register_exporter("candidates", candidates_export)
        uploads.register(imports.IMPORTER)
        uploads.register(reserve_import.IMPORTER)
        figures.register()
        next_steps.register_steps()
        demo.register(demo.CANDIDATES, "candidates", seed_candidates)
        demo.register_bulk(demo.CANDIDATES, "candidacies", seed_candidacies_bulk)
        home.register("department_user", department_home)
