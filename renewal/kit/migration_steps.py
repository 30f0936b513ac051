"""Migration steps that install or drop many audit triggers without re-rendering every model
once per trigger.

Each of pgtrigger's AddTrigger and RemoveTrigger steps re-renders the model it changes and
every model related to it (an audited model's event model, the users, the regions, …). A
migration that replaces the three triggers of a hundred audited models spent most of a minute
rendering models, and every new database (each test run's, each fresh install's) paid it.
`triggers_at_once` groups a migration's consecutive trigger steps into one `TriggerSteps`,
which lets each step change its model state, renders the changed models once, and runs the
steps' SQL in their order.
"""

from django.db.migrations.operations.base import Operation
from pgtrigger.migrations import AddTrigger, RemoveTrigger

TRIGGER_STEPS = (AddTrigger, RemoveTrigger)


class TriggerSteps(Operation):
    """pgtrigger steps applied as one: the same states and the same SQL, rendered once.

    Within one group a trigger is never removed after being added: RemoveTrigger finds the
    trigger it drops in the state before the group (`triggers_at_once` starts a new group
    there)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, steps):
        self.steps = list(steps)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.steps], {})

    def state_forwards(self, app_label, state):
        # Without rendered apps, ProjectState.reload_model does nothing: change every model
        # state first, then render the changed models (and those related to them) once.
        rendered = state.__dict__.pop("apps", None)
        try:
            for step in self.steps:
                step.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        state.reload_models({(app_label, step.model_name_lower) for step in self.steps})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for step in self.steps:
            step.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for step in reversed(self.steps):
            step.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{len(self.steps)} trigger changes: " + "; ".join(s.describe() for s in self.steps)


def triggers_at_once(operations):
    """A migration's operations with each run of consecutive trigger steps made one step."""
    grouped, run, added = [], [], set()

    def close_run():
        if len(run) == 1:
            grouped.append(run[0])
        elif run:
            grouped.append(TriggerSteps(run))
        run.clear()
        added.clear()

    for operation in operations:
        if not isinstance(operation, TRIGGER_STEPS):
            close_run()
            grouped.append(operation)
            continue
        if isinstance(operation, RemoveTrigger) and (
            (operation.model_name_lower, operation.name) in added
        ):
            close_run()
        if isinstance(operation, AddTrigger):
            added.add((operation.model_name_lower, operation.trigger.name))
        run.append(operation)
    close_run()
    return grouped
