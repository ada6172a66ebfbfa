"""The idempotency keys of visits and patrol steps move to `core.IdempotencyReceipt`
(`core.idempotency.once`), then their columns go.

Before, each row kept its key as "<user id>:<key>" (and a SHA-256 of the body as sent,
`request_hash`). Each becomes a receipt of that user under the scope its service now uses,
pointing at the row: visits ("registry.visit", fingerprint = request_hash), patrol starts
("registry.patrol_start", request_hash), check-ins ("registry.patrol_checkin", request_hash),
patrol ends ("registry.patrol_end", the fingerprint of {"patrol": id}: an end was replayed on its
key alone) and findings ("registry.patrol_finding", {"patrol": id}). The fingerprints are the
same SHA-256 of canonical JSON that `core.idempotency.fingerprint` computes, so a retry of a
request sent before the move still replays.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations

# Frozen here (not imported from the app) so this migration does what it did whatever the code becomes.
VISIT, START, CHECKIN, END, FINDING = (
    "registry.visit",
    "registry.patrol_start",
    "registry.patrol_checkin",
    "registry.patrol_end",
    "registry.patrol_finding",
)


def _fingerprint(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _owner_and_key(stored, users):
    owner, separator, key = (stored or "").partition(":")
    if not separator or not key or not owner.isdigit() or int(owner) not in users:
        return None, None
    return int(owner), key


def keys_to_receipts(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    ContentType = apps.get_model("contenttypes", "ContentType")
    users = set(User.objects.values_list("pk", flat=True))
    batch = []

    def carry(model_name, rows, scope, stored_key, fingerprint):
        content_type, _created = ContentType.objects.get_or_create(app_label="registry", model=model_name)
        for row in rows.iterator(chunk_size=2000):
            owner, key = _owner_and_key(stored_key(row), users)
            if owner is None:
                continue
            batch.append(
                Receipt(
                    user_id=owner,
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint(row),
                    content_type=content_type,
                    object_id=str(row.pk),
                )
            )

    registry = {name: apps.get_model("registry", name) for name in ("Visit", "Patrol", "PatrolCheckin", "PatrolFinding")}
    keyed = {"idempotency_key__isnull": False}
    carry("visit", registry["Visit"].objects.filter(**keyed), VISIT, lambda r: r.idempotency_key, lambda r: r.request_hash)
    carry("patrol", registry["Patrol"].objects.filter(**keyed), START, lambda r: r.idempotency_key, lambda r: r.request_hash)
    carry(
        "patrol",
        registry["Patrol"].objects.exclude(end_idempotency_key=""),
        END,
        lambda r: r.end_idempotency_key,
        lambda r: _fingerprint({"patrol": r.pk}),
    )
    carry(
        "patrolcheckin",
        registry["PatrolCheckin"].objects.filter(**keyed),
        CHECKIN,
        lambda r: r.idempotency_key,
        lambda r: r.request_hash,
    )
    carry(
        "patrolfinding",
        registry["PatrolFinding"].objects.filter(**keyed),
        FINDING,
        lambda r: r.idempotency_key,
        lambda r: _fingerprint({"patrol": r.patrol_id}),
    )
    Receipt.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)


def receipts_to_keys(apps, schema_editor):
    """Back: the receipts give their rows the keys again (`<user id>:<key>`), then go."""
    Receipt = apps.get_model("core", "IdempotencyReceipt")
    for scope, model_name, field, with_hash in (
        (VISIT, "Visit", "idempotency_key", True),
        (START, "Patrol", "idempotency_key", True),
        (END, "Patrol", "end_idempotency_key", False),
        (CHECKIN, "PatrolCheckin", "idempotency_key", True),
        (FINDING, "PatrolFinding", "idempotency_key", False),
    ):
        model = apps.get_model("registry", model_name)
        for receipt in Receipt.objects.filter(scope=scope).iterator():
            values = {field: f"{receipt.user_id}:{receipt.key}"[:200]}
            if with_hash:
                values["request_hash"] = receipt.fingerprint
            model.objects.filter(pk=receipt.object_id).update(**values)
    Receipt.objects.filter(scope__in=[VISIT, START, END, CHECKIN, FINDING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_idempotency_receipt"),
        ("registry", "0005_wipe_finished_import_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keys_to_receipts, receipts_to_keys),
        migrations.RemoveField(model_name="visit", name="idempotency_key"),
        migrations.RemoveField(model_name="visit", name="request_hash"),
        migrations.RemoveField(model_name="patrol", name="idempotency_key"),
        migrations.RemoveField(model_name="patrol", name="request_hash"),
        migrations.RemoveField(model_name="patrol", name="end_idempotency_key"),
        migrations.RemoveField(model_name="patrolcheckin", name="idempotency_key"),
        migrations.RemoveField(model_name="patrolcheckin", name="request_hash"),
        migrations.RemoveField(model_name="patrolfinding", name="idempotency_key"),
    ]
