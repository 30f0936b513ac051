"""A round's new Term opens its handover.

The receiver only forwards to the service; the rule lives in renewal.aftercare.handover.
"""

from renewal.aftercare.handover import handover_open_for_term


def term_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.round_id is not None:
        handover_open_for_term(term=instance)
