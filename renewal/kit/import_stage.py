"""A preview's checked rows, kept for its confirm (``renewal.models.ImportStage``).

The confirm saves what the preview showed without reading the file again: the clean rows
are kept as compact JSON (one list of values per row, the field names once), with the
digest of the uploaded file and of the importer's row fields, and a keyed hash (the seal)
over the job, both digests and the rows. The confirm refuses, in Chinese, kept rows that
are missing, older than a preview may be, from another file or another version of the
importer, or changed in the database since; the importer then rechecks only what can
have changed since the preview (see ``Importer.recheck``).

The document is stored encrypted (it holds ID numbers). The values are plain JSON; dates are {"$d": "1980-05-06"} and a model instance is kept
as its primary key, which the importer's ``recheck_row`` turns back into the object
(checking again that the uploader may still write it).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from renewal.kit import crypto
from renewal.models.base import DomainError
from renewal.models.imports import ImportStage

FORMAT = 1
DATE = "$d"
MAX_AGE_HOURS = 24  # a preview older than this is not confirmed, and purged nightly

GONE = "预览结果已不存在，未保存任何数据，请重新上传文件。"
EXPIRED = f"预览已超过 {MAX_AGE_HOURS} 小时，已失效，未保存任何数据，请重新上传文件。"
OTHER_FILE = "上传的文件在预览后发生了变化，未保存任何数据，请重新上传文件。"
OTHER_VERSION = "系统在预览后已更新，预览结果已失效，未保存任何数据，请重新上传文件。"
TAMPERED = "预览结果在预览后被改动过，已拒绝，未保存任何数据，请重新上传文件。"


class StageRefused(DomainError):
    """The kept rows cannot be trusted for this confirm; the message is Chinese."""


def plain(value):
    """``value`` as JSON values (dates tagged, model instances as their primary key)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime.datetime):
        raise TypeError("datetimes are not kept; a row holds dates")
    if isinstance(value, datetime.date):
        return {DATE: value.isoformat()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    raise TypeError(f"cannot keep {type(value).__name__} in an import stage")


def revive(value):
    """The inverse of ``plain`` (model instances stay primary keys)."""
    if isinstance(value, dict):
        if len(value) == 1 and DATE in value:
            return datetime.date.fromisoformat(value[DATE])
        return {key: revive(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revive(item) for item in value]
    return value


def row_fields(importer) -> list[str]:
    return [f.name for f in dataclasses.fields(importer.row_type)]


def fields_digest(importer) -> str:
    """What the kept rows mean: the importer, its row class and fields, its columns."""
    row_type = importer.row_type
    layout = [
        FORMAT,
        importer.label,
        f"{row_type.__module__}.{row_type.__qualname__}",
        row_fields(importer),
        [key for key, _header in importer.columns],
    ]
    return hashlib.sha256(json.dumps(layout, ensure_ascii=False).encode()).hexdigest()


def file_digest(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def encode(importer, rows) -> dict:
    names = row_fields(importer)
    return {"fields": names, "rows": [[plain(getattr(r, n)) for n in names] for r in rows]}


def _seal(job, file_sha: str, fields_sha: str, document: str) -> str:
    message = "\n".join([job._meta.label, str(job.pk), file_sha, fields_sha, document])
    key = hashlib.sha256(f"import-stage:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def stage_save(importer, job, *, path, kept: dict) -> ImportStage:
    """Keep the encoded rows (``encode``) of ``job``'s preview, replacing any earlier ones."""
    file_sha, fields_sha = file_digest(path), fields_digest(importer)
    document = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    stage_delete(job)
    return ImportStage.objects.create(
        job_label=job._meta.label,
        job_id=job.pk,
        file_digest=file_sha,
        fields_digest=fields_sha,
        seal=_seal(job, file_sha, fields_sha, document),
        rows=document,
    )


def stage_load(importer, job, *, path) -> list:
    """The rows kept at the preview of ``job``, as the importer's row objects; StageRefused
    when they are missing, stale, of another file or importer version, or changed."""
    try:
        stage = ImportStage.objects.filter(job_label=job._meta.label, job_id=job.pk).first()
    except crypto.InvalidToken:  # the ciphertext was changed: it no longer decrypts
        raise StageRefused(TAMPERED) from None
    if stage is None:
        raise StageRefused(GONE)
    if stage.created_at < timezone.now() - datetime.timedelta(hours=MAX_AGE_HOURS):
        raise StageRefused(EXPIRED)
    if stage.fields_digest != fields_digest(importer):
        raise StageRefused(OTHER_VERSION)
    if stage.file_digest != file_digest(path):
        raise StageRefused(OTHER_FILE)
    expected = _seal(job, stage.file_digest, stage.fields_digest, stage.rows)
    if not hmac.compare_digest(stage.seal, expected):
        raise StageRefused(TAMPERED)
    kept = json.loads(stage.rows)
    names = kept.get("fields") if isinstance(kept, dict) else None
    if names != row_fields(importer):
        raise StageRefused(OTHER_VERSION)
    row_type = importer.row_type
    return [row_type(**dict(zip(names, revive(values), strict=True))) for values in kept["rows"]]


def stage_delete(job) -> None:
    ImportStage.objects.filter(job_label=job._meta.label, job_id=job.pk).delete()


def stages_purge(cutoff: datetime.datetime) -> int:
    """Kept rows older than ``cutoff``, whatever became of their job (a job deleted by
    hand leaves its rows behind)."""
    return ImportStage.objects.filter(created_at__lt=cutoff).delete()[0]
