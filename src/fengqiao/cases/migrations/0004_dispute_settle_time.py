"""Disputes get mediation's 30 days to settle (about 22 working days), not 15.

Only the seeded default is changed; a value an administrator already set is left alone.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("cases", "SLAPolicy").objects.filter(kind="dispute", urgency="", resolve_days=15).update(
        resolve_days=22
    )


def backwards(apps, schema_editor):
    apps.get_model("cases", "SLAPolicy").objects.filter(kind="dispute", urgency="", resolve_days=22).update(
        resolve_days=15
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_assignment_lateness")]

    operations = [migrations.RunPython(forwards, backwards)]
