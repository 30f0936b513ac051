"""The party roster's Excel import (the rows: renewal.roster.importer)."""

from django.db import models

from renewal.kit import uploads
from renewal.models.regions import PartyBranch


class RosterImportJob(uploads.ImportJob):
    """An xlsx of one branch's members, as the national party-member system exports them."""

    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="import_jobs")

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "党员名册导入"
        verbose_name_plural = "党员名册导入"
