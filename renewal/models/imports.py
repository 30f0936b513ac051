"""The checked rows of an Excel import's preview, kept for its confirm (one row per job)."""

from django.db import models
from django.utils import timezone

from renewal.models.base import EncryptedTextField


class ImportStage(models.Model):
    """What a preview found clean, as compact JSON (encrypted like every ID number at rest),
    so that the confirm saves exactly that without reading the file again.

    Tied to its job by the job model's label and primary key (every import has its own job
    model), to the uploaded file by its digest and to the importer's row layout by the
    digest of its fields; ``seal`` is a keyed hash over all of it and the rows, so rows
    changed in the database after the preview are refused. Deleted with the stored file
    (renewal.kit.uploads); not audited: nothing here is data until the confirm saves it.
    """

    job_label = models.CharField(max_length=100)
    job_id = models.PositiveBigIntegerField()
    file_digest = models.CharField(max_length=64)
    fields_digest = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)
    # The JSON document {"fields": [...], "rows": [[...], ...]}, encrypted: it holds ID
    # numbers and phone numbers, which are never stored in clear.
    rows = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job_label", "job_id"], name="import_stage_one_per_job")
        ]

    def __str__(self):
        return f"{self.job_label}:{self.job_id}"
