"""Trigger steps grouped into one migration step leave the same model states as one by one."""

from django.db.migrations.loader import MigrationLoader
from pgtrigger.migrations import AddTrigger, RemoveTrigger

from renewal.kit.migration_steps import TriggerSteps, triggers_at_once

PER_STATEMENT = ("renewal", "0027_audit_triggers_per_statement")


def _steps_of(migration):
    steps = []
    for operation in migration.operations:
        steps.extend(operation.steps if isinstance(operation, TriggerSteps) else [operation])
    return steps


def _triggers(state, app_label):
    return {
        name: sorted((t.name, t.install_sql) for t in model.options.get("triggers", []))
        for (label, name), model in state.models.items()
        if label == app_label
    }


def test_a_migration_that_replaces_triggers_is_one_step_with_the_same_resulting_state():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.graph.nodes[PER_STATEMENT]
    before = loader.project_state(PER_STATEMENT, at_end=False)
    steps = _steps_of(migration)
    assert [type(op) for op in migration.operations] == [TriggerSteps]
    assert len(steps) > 100

    one_by_one = before.clone()
    for step in steps:
        step.state_forwards("renewal", one_by_one)
    grouped = before.clone()
    assert grouped.apps  # rendered, as during `migrate`
    migration.operations[0].state_forwards("renewal", grouped)

    assert _triggers(grouped, "renewal") == _triggers(one_by_one, "renewal")
    assert _triggers(grouped, "renewal") != _triggers(before, "renewal")
    # The rendered models carry the new triggers too.
    for (label, name), model_state in grouped.models.items():
        if label == "renewal" and model_state.options.get("triggers"):
            rendered = grouped.apps.get_model(label, name)
            assert [t.install_sql for t in rendered._meta.triggers] == [
                t.install_sql for t in model_state.options["triggers"]
            ]


def test_a_trigger_added_then_removed_starts_a_new_group():
    add = AddTrigger(model_name="unit", trigger=_named("insert_insert"))
    remove = RemoveTrigger(model_name="unit", name="insert_insert")
    other = RemoveTrigger(model_name="term", name="insert_insert")

    grouped = triggers_at_once([other, add, remove, add])

    assert [type(op) for op in grouped] == [TriggerSteps, TriggerSteps]
    assert grouped[0].steps == [other, add]
    assert grouped[1].steps == [remove, add]


def _named(name):
    class Trigger:
        pass

    trigger = Trigger()
    trigger.name = name
    return trigger
