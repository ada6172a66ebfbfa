"""Intake's idempotency keys move from the case row (`Case.idempotency_key`, "<user id>:<key>" or
"public:<key>", and `request_hash`) to `core.IdempotencyReceipt` (scope "cases.intake"), so a
retry of a request sent before the move still answers its first case.

The case columns stay: mediation's demo marks its cases there ("demo-mediation-N", no user part,
so not carried over), and a step back needs them.
"""

from django.conf import settings
from django.db import migrations

# Frozen here (not imported from the app) so this migration does what it did whatever the code becomes.
SCOPE = "cases.intake"
PUBLIC = ("public", "None")  # by=None, and an anonymous user whose pk printed as "None"


def keys_to_receipts(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _created = ContentType.objects.get_or_create(app_label="cases", model="case")
    users = set(User.objects.values_list("pk", flat=True))
    batch = []
    rows = Case.objects.exclude(idempotency_key="").values_list("pk", "idempotency_key", "request_hash")
    for pk, scoped_key, digest in rows.iterator(chunk_size=2000):
        owner, separator, key = scoped_key.partition(":")
        if not separator or not key or not digest:
            continue  # not an intake key
        if owner in PUBLIC:
            user_id = None
        elif owner.isdigit() and int(owner) in users:
            user_id = int(owner)
        else:
            continue  # the user is gone, and their keys with them
        batch.append(
            Receipt(
                user_id=user_id,
                scope=SCOPE,
                key=key,
                fingerprint=digest,
                content_type=case_type,
                object_id=str(pk),
            )
        )
        if len(batch) >= 2000:
            Receipt.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Receipt.objects.bulk_create(batch, ignore_conflicts=True)


def receipts_to_keys(apps, schema_editor):
    """Back again: receipts written since the move go onto their case rows, then are dropped."""
    Case = apps.get_model("cases", "Case")
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    receipts = Receipt.objects.filter(scope=SCOPE, content_type__app_label="cases", content_type__model="case")
    for receipt in receipts.iterator():
        scoped_key = f"{receipt.user_id or 'public'}:{receipt.key}"[:200]
        if Case.objects.filter(idempotency_key=scoped_key).exists():
            continue
        Case.objects.filter(pk=receipt.object_id, idempotency_key="").update(
            idempotency_key=scoped_key, request_hash=receipt.fingerprint
        )
    Receipt.objects.filter(scope=SCOPE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_numbers_in_core_sequences"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_idempotency_receipt"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(keys_to_receipts, receipts_to_keys)]
