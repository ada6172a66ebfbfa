"""Forms of the registry pages. They parse and check input; services decide.

Choices that depend on the user (grids, households, houses, persons) come from scoped querysets,
so a form never offers a record the user may not see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Kind
from fengqiao.regions.models import Grid
from fengqiao.registry import privacy
from fengqiao.registry.models import House, Household, ImportJob, KeyPerson, Organization, Person, Place


class _ScopedModelForm(forms.ModelForm):
    """Limits every related choice to what the user may see."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scoped = {
            "grid": Grid.objects.visible_to(user).order_by("code"),
            "household": Household.objects.visible_to(user),
            "house": House.objects.visible_to(user),
            "head": Person.objects.visible_to(user),
            "responsible": Person.objects.visible_to(user),
            "person": Person.objects.visible_to(user),
            "place": Place.objects.visible_to(user),
        }
        for name, queryset in scoped.items():
            if name in self.fields:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        for name in ("wardens",):
            if name in self.fields:
                self.fields[name].queryset = User.objects.visible_to(user).filter(role=Role.SAFETY_WARDEN)  # type: ignore[attr-defined]
        for name in ("controller", "helper", "case_owner", "members"):
            if name in self.fields:
                self.fields[name].queryset = User.objects.visible_to(user).filter(is_active=True)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

        self._kept: tuple[str, ...] = ()
        if self.instance.pk is not None:
            self._keep_personal_fields()

    def _keep_personal_fields(self) -> None:
        """Editing a record never shows its identifiers in full (they are masked for everyone by
        default; `reveal` is the audited way to read them): each comes blank with its masked value
        as the placeholder, and left blank it keeps the recorded value."""
        label = self.instance._meta.label_lower
        protected = [*privacy.REVEALABLE.get(label, ()), *privacy.PROTECTED_POINTS.get(label, ())]
        self._kept = tuple(name for name in protected if name in self.fields)
        for name in self._kept:
            field = self.fields[name]
            value = getattr(self.instance, name)
            field.required = False
            self.initial[name] = None
            if name in privacy.MASKERS:
                shown = privacy.masked(self.instance, name)
            else:
                shown = "" if value is None else str(round(value, privacy.COARSE_DECIMALS))
            field.widget.attrs["placeholder"] = shown
            field.help_text = _("Leave blank to keep the recorded value.") if value not in (None, "") else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self._kept:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}  # type: ignore[attr-defined]


class PersonForm(_ScopedModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "resident_id",
            "ethnicity",
            "phone",
            "residence_type",
            "household",
            "house",
            "address",
            "grid",
        ]


class HouseholdForm(_ScopedModelForm):
    class Meta:
        model = Household
        fields = ["number", "head", "address", "house", "grid", "wardens"]


class HouseForm(_ScopedModelForm):
    class Meta:
        model = House
        fields = ["building", "address", "lon", "lat", "rented_out", "grid"]


class PlaceForm(_ScopedModelForm):
    class Meta:
        model = Place
        fields = [
            "name",
            "kind",
            "credit_code",
            "address",
            "lon",
            "lat",
            "responsible",
            "contact_phone",
            "grid",
        ]


class OrganizationForm(_ScopedModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "credit_code", "leader_name", "phone", "place", "grid", "members"]


class KeyPersonForm(_ScopedModelForm):
    class Meta:
        model = KeyPerson
        fields = [
            "person",
            "category",
            "risk_level",
            "controller",
            "helper",
            "case_owner",
            "visit_every_days",
            "active",
            "note",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if not privacy.sees_all_sensitive_categories(user):
            self.fields["category"].choices = [  # type: ignore[attr-defined]
                choice
                for choice in KeyPerson.Category.choices
                if choice[0] not in privacy.SENSITIVE_CATEGORIES
            ]


class RevealForm(forms.Form):
    field = forms.CharField(widget=forms.HiddenInput)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        min_length=2,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("Why you need it")}
        ),
    )


class VisitForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class PatrolStartForm(forms.Form):
    grid = forms.ModelChoiceField(
        label=_("Grid"), queryset=Grid.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = user.grids.order_by("code")  # type: ignore[attr-defined]


class CheckinForm(forms.Form):
    lon = forms.FloatField(
        label=_("Longitude"), widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"})
    )
    lat = forms.FloatField(
        label=_("Latitude"), widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        initial=Kind.HAZARD,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label=_("Title"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"), choices=ImportJob.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
