"""Imports that ended before every ending path dropped the uploaded file (audit #16): a failed
import kept the spreadsheet, personal data, in `ImportJob.content`. Drop it from every finished job."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def wipe(apps: Any, schema_editor: Any) -> None:
    ImportJob = apps.get_model("registry", "ImportJob")
    ImportJob.objects.filter(status__in=["invalid", "done", "failed"]).update(content=b"")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_export_permission_label")]

    operations = [migrations.RunPython(wipe, migrations.RunPython.noop)]
