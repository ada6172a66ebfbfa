"""Forms of the case pages: intake, dispatch, and one small form per action on a case.

Forms only parse and check input; the services decide (and refuse with `CaseError`). Choices
that depend on the user (grids, departments) come from the scoped querysets.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Case, Category, Channel, EmergencyNumber, Feedback, Kind, Urgency
from fengqiao.center.models import Department
from fengqiao.regions.models import Grid

#: The three ways an intake can end (the buttons of the form).
DECISIONS = ("accept", "resolve", "reject", "report")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the service checks each file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def category_choices(kind: str) -> QuerySet[Category]:
    """The active categories of a kind, top levels before their children (two levels)."""
    return (
        Category.objects.active()
        .for_kind(kind)
        .select_related("parent")
        .order_by("parent__position", "parent__name", "parent_id", "position", "name")
    )


class IntakeForm(forms.Form):
    """The window clerk's one-page intake (受理登记); the pressed button says how it ends."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.APPEAL)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WINDOW)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label="—"
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    grid = forms.ModelChoiceField(
        label=_("Grid (only to override the located one)"),
        queryset=Grid.objects.none(),
        required=False,
        empty_label=_("located from the point"),
    )
    location_override_reason = forms.CharField(
        label=_("Reason for overriding the grid"), max_length=200, required=False
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    attachments = MultipleFileField(label=_("Photos or PDF documents"), required=False)
    decision = forms.ChoiceField(
        choices=[(d, d) for d in DECISIONS], initial="accept", widget=forms.HiddenInput, required=False
    )
    result = forms.CharField(
        label=_("Result (when resolved on the spot)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(label=_("Reason for declining"), max_length=500, required=False)
    emergency_number = forms.ChoiceField(
        label=_("Emergency: number to call instead"),
        choices=[("", "—"), *EmergencyNumber.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, may_decide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_decide = may_decide
        kind = (
            self.data.get("kind") if self.is_bound else self.initial.get("kind", self.fields["kind"].initial)
        )
        self.fields["category"].queryset = category_choices(kind or Kind.APPEAL)  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["grid"].queryset = Grid.objects.visible_to(user).select_related("village")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        decision = data.get("decision") or ("accept" if self.may_decide else "report")
        if decision != "report" and not self.may_decide:
            decision = "report"
        data["decision"] = decision
        if decision == "resolve" and not (data.get("result") or "").strip():
            self.add_error("result", _("Say how the matter was resolved."))
        if decision == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for declining."))
        if (data.get("lon") is None) != (data.get("lat") is None):
            self.add_error("lon", _("Give both longitude and latitude, or neither."))
        if data.get("anonymous"):
            data["reporter_name"], data["reporter_phone"] = "", ""
        return data


class DispatchItemForm(forms.Form):
    """One item of a dispatch: a department, lead or assisting, with instructions and a deadline."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    role = forms.ChoiceField(
        label=_("Role"), choices=[("lead", _("Lead")), ("assist", _("Assisting"))], initial="lead"
    )
    note = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateTimeField(
        label=_("Complete by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Blank: due with the case."),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class BaseDispatchFormSet(forms.BaseFormSet):
    #: Set by the view when the case already has an open lead: every new item then assists.
    lead_taken = False

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        first = index == 0 and not self.lead_taken
        kwargs["initial"] = {"role": "lead" if first else "assist"}
        return kwargs

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data and form.cleaned_data.get("department") for form in self.forms):
            raise forms.ValidationError(_("Choose at least one department."))


DispatchFormSet = forms.formset_factory(DispatchItemForm, formset=BaseDispatchFormSet, extra=3, max_num=10)


def dispatch_departments(user: Any, case: Case) -> QuerySet[Department]:
    """The active departments the user sees that work for the case's town (its area or below)."""
    town_path = case.town.path
    ancestors = [town_path[:i] for i in range(1, len(town_path) + 1)]
    return (
        Department.objects.visible_to(user)
        .filter(is_active=True)
        .filter(Q(region__path__startswith=town_path) | Q(region__path__in=ancestors))
        .select_related("region")
        .order_by("name")
    )


# --- one small form per action ---------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ResultForm(forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(ReasonForm):
    emergency_number = forms.ChoiceField(
        label=_("Emergency: number to call instead"),
        choices=[("", "—"), *EmergencyNumber.choices],
        required=False,
    )


class VerifyForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Passed")), ("0", _("Rework"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CaseNumberForm(forms.Form):
    """Points at another case by its number (duplicate of / merge into)."""

    number = forms.CharField(label=_("Case number"), max_length=24)
    note = forms.CharField(label=_("Note"), required=False)


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Feedback.Rating.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    """An officer's result, with evidence (photos, PDF)."""

    result = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=_("Evidence (photos, PDF)"), required=False)


class SupervisionForm(forms.Form):
    note = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class BulkForm(forms.Form):
    """Bulk actions on the case list: each case goes through its own service call."""

    ACTIONS = (("accept", _("Accept")), ("close", _("Close")))

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any submitted id parses; which cases exist and are visible is the view's (scoped) question.
        ids = self.data.getlist("cases") if hasattr(self.data, "getlist") else self.data.get("cases", [])
        self.fields["cases"].choices = [(value, value) for value in ids if str(value).isdigit()]  # type: ignore[attr-defined]
