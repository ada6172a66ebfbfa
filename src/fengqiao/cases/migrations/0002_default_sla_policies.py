"""Default time limits (办理时限); administrators change them as data.

Petitions follow the Regulations on Letters and Visits (信访工作条例): 15 days to decide on
acceptance and 60 to handle, counted here in working days (15 working days = 120 working hours).
"""

from django.db import migrations

# (kind, urgency or "" for any, ack working hours, resolve working days)
DEFAULTS = [
    ("appeal", "", 8, 10),
    ("appeal", "urgent", 2, 3),
    ("appeal", "critical", 1, 1),
    ("dispute", "", 8, 15),
    ("dispute", "urgent", 2, 5),
    ("hazard", "", 4, 5),
    ("hazard", "urgent", 1, 2),
    ("hazard", "critical", 1, 1),
    ("opinion", "", 16, 10),
    ("petition", "", 15 * 8, 60),
    ("consultation", "", 8, 5),
]


def seed(apps, schema_editor):
    SLAPolicy = apps.get_model("cases", "SLAPolicy")
    for kind, urgency, ack_hours, resolve_days in DEFAULTS:
        SLAPolicy.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={"ack_hours": ack_hours, "resolve_days": resolve_days, "warn_share": "0.80"},
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "SLAPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
