"""Forms of the regions pages: they validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: A town's boundary file is a few megabytes; anything much larger is not what this page is for.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class BoundaryImportForm(forms.Form):
    """A GeoJSON file or a zipped shapefile, and the attribute names its features use."""

    file = forms.FileField(
        label=_("Boundary file"),
        help_text=_("GeoJSON (.geojson, .json) or a shapefile zipped with its .shx, .dbf and .prj (.zip)."),
    )
    code_field = forms.CharField(label=_("Grid code attribute"), initial="code", max_length=60)
    name_field = forms.CharField(label=_("Grid name attribute"), initial="name", max_length=60)
    village_field = forms.CharField(
        label=_("Village attribute"),
        required=False,
        max_length=60,
        help_text=_(
            "The attribute holding the village's 12-digit division code or its name. Leave empty to "
            "use village_code, vill_code, village, village_name or vill_name, whichever is present."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            if name != "file":
                field.widget.attrs.setdefault("autocomplete", "off")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
