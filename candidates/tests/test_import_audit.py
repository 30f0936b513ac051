"""The audit trail of a large import is complete: every row it saves has its event, and
every event names who imported, as the history pages read it (renewal/kit/history.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Candidacy, ImportJob, Recommendation
from candidates.tests.xlsx_helpers import build_xlsx, person_row
from renewal.models import Person

pytestmark = pytest.mark.django_db

URL = "/candidates/import/"
ROWS = 10_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_a_10k_row_import_leaves_one_event_per_row_each_with_the_importer(
    client, personas, world, django_capture_on_commit_callbacks
):
    user = personas["staff_a"]
    units = [world["unit_a1"].code, world["unit_a2"].code]
    data = build_xlsx([person_row(units[n % 2], n) for n in range(1, ROWS + 1)])
    client.force_login(user)
    # Through the pages, as a township's staff imports: the upload, the preview, the confirm.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("名单.xlsx", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.PREVIEW, job.problems
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{URL}{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.summary["candidacies_created"] == ROWS

    for model, rows in ((Candidacy, ROWS), (Person, ROWS), (Recommendation, 2 * ROWS)):
        assert model.objects.count() == rows
        events = model.pgh_event_model.objects.filter(pgh_label="insert")
        # Exactly one insert event per saved row, no more, none missing.
        assert events.count() == rows, model
        assert set(events.values_list("pgh_obj_id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
        # Each carries the import's context: the importing user and the job.
        assert events.filter(pgh_context__metadata__user=user.pk).count() == rows, model
        assert (
            events.filter(
                pgh_context__metadata__import_job=f"{ImportJob._meta.label}:{job.pk}"
            ).count()
            == rows
        )
