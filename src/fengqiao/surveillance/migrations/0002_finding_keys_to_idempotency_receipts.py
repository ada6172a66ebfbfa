"""The idempotency keys of video findings get their own receipts (`core.IdempotencyReceipt`, scope
"surveillance.finding", pointing at the finding). Before, a finding's key was kept on its case
(`Case.idempotency_key`, "<user id>:<key>", shared with intake; cases 0007 carries that over as
an intake receipt, which stays). The fingerprint is the finding's body as the service now forms
it, read back from the case: the case's title, description, kind, category and urgency are written
once at intake and never edited, so a retry of a report sent before the move still replays.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations

# Frozen here (not imported from the app) so this migration does what it did whatever the code becomes.
SCOPE = "surveillance.finding"


def _fingerprint(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def finding_keys_to_receipts(apps, schema_editor):
    VideoFinding = apps.get_model("surveillance", "VideoFinding")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    ContentType = apps.get_model("contenttypes", "ContentType")
    finding_type, _created = ContentType.objects.get_or_create(app_label="surveillance", model="videofinding")
    users = set(User.objects.values_list("pk", flat=True))
    batch = []
    findings = VideoFinding.objects.exclude(case__idempotency_key="").select_related("case")
    for finding in findings.iterator(chunk_size=2000):
        case = finding.case
        owner, separator, key = case.idempotency_key.partition(":")
        if not separator or not key or not owner.isdigit() or int(owner) not in users:
            continue
        body = {
            "camera": finding.camera_id,
            "title": case.title,
            "description": case.description,
            "kind": case.kind,
            "category": case.category_id,
            "urgency": case.urgency,
        }
        batch.append(
            Receipt(
                user_id=int(owner),
                scope=SCOPE,
                key=key,
                fingerprint=_fingerprint(body),
                content_type=finding_type,
                object_id=str(finding.pk),
            )
        )
    Receipt.objects.bulk_create(batch, ignore_conflicts=True)


def drop_finding_receipts(apps, schema_editor):
    apps.get_model("core", "IdempotencyReceipt").objects.filter(scope=SCOPE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_intake_keys_to_idempotency_receipts"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_idempotency_receipt"),
        ("surveillance", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(finding_keys_to_receipts, drop_finding_receipts)]
