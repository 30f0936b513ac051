"""Re-encrypt every encrypted value under the current cipher's first key.

Finds the columns itself: every EncryptedTextField of every model (audit event tables
included, they keep copies), each app's `sealed_fields` (values sealed under a key of
their own, such as the reporters' identities) and `sealed_files` (files stored sealed, such
as reporters' attachments; each file is replaced whole, by a rename). Rows go in primary-key order, in batches;
each batch is one transaction that locks its rows, so a batch is rewritten whole or not
at all and a value saved meanwhile is not overwritten. Values already under the current
key are left alone, so the command can be run again (after an interruption) safely.

The plaintext does not change, so the rows' triggers (the audit events) are not fired.
"""

import os

import pgtrigger
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from renewal.kit import crypto
from renewal.kit.ciphers import InvalidToken, KeyConfigError
from renewal.models import EncryptedTextField

KEYRINGS = {"field": crypto.field_keyring, "discipline": crypto.discipline_keyring}
KEY_SETTINGS = {
    "field": "FIELD_ENCRYPTION_KEYS / FIELD_SM4_KEYS",
    "discipline": "DISCIPLINE_ENCRYPTION_KEYS / DISCIPLINE_SM4_KEYS",
}


def encrypted_columns():
    """{model: [(field name, keyring name)]}, in a stable order."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.setdefault(model, []).append((field.name, "field"))
    for app_config in apps.get_app_configs():
        for model_name, field_name, keyring in getattr(app_config, "sealed_fields", ()):
            model = app_config.get_model(model_name)
            found.setdefault(model, []).append((field_name, keyring))
    return dict(sorted(found.items(), key=lambda item: item[0]._meta.label))


def sealed_files():
    """[(model, file field name, keyring name)] of every app's ``sealed_files``."""
    return [
        (app_config.get_model(model_name), field_name, keyring)
        for app_config in apps.get_app_configs()
        for model_name, field_name, keyring in getattr(app_config, "sealed_files", ())
    ]


class Command(BaseCommand):
    help = "用当前加密算法（FIELD_CIPHER）的第一个密钥重新加密数据库中全部加密字段。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="只统计需要重新加密的值，不写入数据库。"
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="每批处理的行数（默认 500）。"
        )

    def handle(self, *args, dry_run=False, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 应为正整数。")
        keyrings = {}
        for name, build in KEYRINGS.items():
            try:
                keyrings[name] = build()
            except KeyConfigError as error:
                raise CommandError(f"密钥配置有误：{error.chinese}") from None
        for name, ring in keyrings.items():
            self.stdout.write(
                f"{name}：新值使用 {ring.current.cipher} 密钥 {ring.current.kid}"
                f"（{KEY_SETTINGS[name]} 的第一个）"
            )
        total = 0
        for model, columns in encrypted_columns().items():
            total += self._rotate_model(model, columns, keyrings, dry_run, batch_size)
        for model, field_name, ring_name in sealed_files():
            total += self._rotate_files(model, field_name, ring_name, keyrings[ring_name], dry_run)
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"试运行：共有 {total} 个值需要重新加密，未写入。")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"完成：共重新加密 {total} 个值。"))
        return None

    def _rotate_model(self, model, columns, keyrings, dry_run, batch_size):
        label = model._meta.label
        rows_total = model._base_manager.count()
        # Every trigger of this table (pghistory's audit events): the values mean the same.
        uris = [f"{m._meta.label}:{t.name}" for m, t in pgtrigger.registered() if m is model]
        raw = [Cast(F(name), output_field=TextField()) for name, _ in columns]
        seen = changed = 0
        last_pk = None
        while True:
            with transaction.atomic():
                # A dry run only counts: it locks nothing the application may be writing.
                rows = (
                    model._base_manager.all()
                    if dry_run
                    else model._base_manager.select_for_update()
                )
                rows = rows.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                rows = list(rows.values_list("pk", *raw)[:batch_size])
                if not rows:
                    break
                updates = []
                for pk, *tokens in rows:
                    new_tokens = [
                        self._rewrap(model, pk, name, ring, keyrings[ring], token)
                        for (name, ring), token in zip(columns, tokens, strict=True)
                    ]
                    if new_tokens != tokens:
                        changed += sum(a != b for a, b in zip(new_tokens, tokens, strict=True))
                        updates.append((pk, *new_tokens))
                if updates and not dry_run:
                    if uris:
                        with pgtrigger.ignore(*uris):
                            self._write(model, columns, updates)
                    else:
                        self._write(model, columns, updates)
                seen += len(rows)
                last_pk = rows[-1][0]
            verb = "需重新加密" if dry_run else "已重新加密"
            self.stdout.write(f"  {label}：已检查 {seen}/{rows_total} 行，{verb} {changed} 个值")
        if not seen:
            self.stdout.write(f"  {label}：没有数据")
        return changed

    def _rotate_files(self, model, field_name, ring_name, ring, dry_run):
        label, changed, seen = model._meta.label, 0, 0
        for pk, name in model._base_manager.order_by("pk").values_list("pk", field_name):
            if not name:
                continue
            path = model._meta.get_field(field_name).storage.path(name)
            if not os.path.exists(path):
                continue  # a file already gone has nothing to re-encrypt
            seen += 1
            with open(path, "rb") as stored:
                token = stored.read().decode("ascii", errors="replace")
            new = self._rewrap(model, pk, field_name, ring_name, ring, token)
            if new == token:
                continue
            changed += 1
            if not dry_run:
                temporary = f"{path}.rotating"
                with open(temporary, "wb") as out:
                    out.write(new.encode())
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, path)  # the old or the new content, never half
        verb = "需重新加密" if dry_run else "已重新加密"
        self.stdout.write(f"  {label}（文件）：已检查 {seen} 个，{verb} {changed} 个")
        return changed

    def _rewrap(self, model, pk, name, ring_name, ring, token):
        if token in (None, "") or ring.is_current(token):
            return token
        try:
            plain = ring.decrypt(token)
        except InvalidToken:
            raise CommandError(
                f"{model._meta.label}（主键 {pk}）的 {name} 无法用已配置的任何密钥解密。"
                f"请把写入它的旧密钥留在 {KEY_SETTINGS[ring_name]} 中（排在新密钥之后），再运行本命令；"
                "本批未作修改，之前各批已完成。"
            ) from None
        return ring.encrypt(plain)

    def _write(self, model, columns, updates):
        quote = connection.ops.quote_name
        table, pk_field = model._meta.db_table, model._meta.pk
        names = [model._meta.get_field(name).column for name, _ in columns]
        pk_type = pk_field.db_type(connection)
        row_sql = "(" + ", ".join([f"%s::{pk_type}"] + ["%s::text"] * len(names)) + ")"
        params = [value for row in updates for value in row]
        sets = ", ".join(f"{quote(n)} = v.{quote(n)}" for n in names)
        aliases = ", ".join(quote(n) for n in ["_pk", *names])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {sets} "
                f"FROM (VALUES {', '.join([row_sql] * len(updates))}) AS v({aliases}) "
                f"WHERE {quote(table)}.{quote(pk_field.column)} = v.{quote('_pk')}",
                params,
            )
