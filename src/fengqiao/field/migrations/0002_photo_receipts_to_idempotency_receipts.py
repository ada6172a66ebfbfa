"""The receipts of field photos move to `core.IdempotencyReceipt` (scope "field.photo", pointing at
the attachment, fingerprint of {"case": the attachment's case}, the body `services.attach_photo`
now gives `core.idempotency.once`), then `PhotoUpload` goes. A photo sent before the move and sent
again after it answers the first attachment, as before."""

import hashlib
import json

from django.conf import settings
from django.db import migrations

# Frozen here (not imported from the app) so this migration does what it did whatever the code becomes.
SCOPE = "field.photo"


def _fingerprint(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def uploads_to_receipts(apps, schema_editor):
    PhotoUpload = apps.get_model("field", "PhotoUpload")
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    ContentType = apps.get_model("contenttypes", "ContentType")
    attachment_type, _created = ContentType.objects.get_or_create(app_label="cases", model="attachment")
    batch = [
        Receipt(
            user_id=upload.user_id,
            scope=SCOPE,
            key=upload.key,
            fingerprint=_fingerprint({"case": upload.attachment.case_id}),
            content_type=attachment_type,
            object_id=str(upload.attachment_id),
        )
        for upload in PhotoUpload.objects.select_related("attachment").iterator(chunk_size=2000)
    ]
    Receipt.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)


def receipts_to_uploads(apps, schema_editor):
    PhotoUpload = apps.get_model("field", "PhotoUpload")
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    Attachment = apps.get_model("cases", "Attachment")
    receipts = Receipt.objects.filter(scope=SCOPE, user__isnull=False)
    existing = set(Attachment.objects.filter(pk__in=[r.object_id for r in receipts]).values_list("pk", flat=True))
    PhotoUpload.objects.bulk_create(
        [
            PhotoUpload(user_id=r.user_id, key=r.key[:100], attachment_id=int(r.object_id))
            for r in receipts
            if r.object_id.isdigit() and int(r.object_id) in existing
        ],
        ignore_conflicts=True,
    )
    Receipt.objects.filter(scope=SCOPE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_idempotency_receipt"),
        ("field", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(uploads_to_receipts, receipts_to_uploads),
        migrations.DeleteModel(name="PhotoUpload"),
    ]
