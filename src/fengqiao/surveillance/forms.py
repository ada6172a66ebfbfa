"""Forms of the surveillance pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Kind, Urgency
from fengqiao.core.exceptions import DomainError
from fengqiao.regions.models import Grid, Region
from fengqiao.surveillance.models import Camera, MonitoringRoom, Purpose
from fengqiao.surveillance.privacy import mask_stream_url


class RoomForm(forms.Form):
    """A monitoring room: its village, name, address and the person in charge."""

    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=60, required=False)
    responsible_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by("code")
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class CameraForm(forms.Form):
    """A camera: channel, name, room, point, purposes; the grid only to override the located one."""

    channel_code = forms.CharField(label=_("Channel code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    room = forms.ModelChoiceField(label=_("Monitoring room"), queryset=MonitoringRoom.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    grid = forms.ModelChoiceField(
        label=_("Grid (only to override the located one)"),
        queryset=Grid.objects.none(),
        required=False,
        empty_label=_("located from the point"),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    stream_url = forms.CharField(label=_("Stream address"), max_length=300, required=False)
    clear_stream_url = forms.BooleanField(label=_("Remove the stream address"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, camera: Camera | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rooms = MonitoringRoom.objects.visible_to(user).select_related("village")
        self.fields["room"].queryset = rooms.order_by("village__code", "name")  # type: ignore[attr-defined]
        self.fields["grid"].queryset = Grid.objects.visible_to(user).order_by("code")  # type: ignore[attr-defined]
        self.editing = camera is not None
        if camera is not None and camera.stream_url:
            # The recorded address is never put back into the page (it carries the recorder's
            # account): the field starts blank, blank keeps it, and its masked form is the hint.
            field = self.fields["stream_url"]
            field.widget.attrs["placeholder"] = mask_stream_url(camera.stream_url)
            field.help_text = _("Leave blank to keep the recorded address.")
        else:
            del self.fields["clear_stream_url"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sent = (data.get("stream_url") or "").strip()
        if data.pop("clear_stream_url", False):
            data["stream_url"] = ""
        elif self.editing and not sent:
            data["stream_url"] = None  # `services.update_camera` keeps the recorded address
        return data

    @staticmethod
    def initial_for(camera: Camera) -> dict[str, Any]:
        return {
            "channel_code": camera.channel_code,
            "name": camera.name,
            "room": camera.room_id,
            "place": camera.place,
            "lon": camera.lon,
            "lat": camera.lat,
            "grid": camera.grid_id if camera.grid_overridden else None,
            "purposes": camera.purpose_values,
            "active": camera.active,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Camera.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FindingForm(forms.Form):
    """A case seen on the camera: it is taken in with the camera's point and grid."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.HAZARD)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the field it names, or on the form."""
    fields = getattr(error, "fields", None) or {}
    placed = False
    for name, message in fields.items():
        if name in form.fields:
            form.add_error(name, str(message or error))
            placed = True
    if not placed:
        form.add_error(None, str(error))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
