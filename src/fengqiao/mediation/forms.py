"""Forms of the mediation pages: they parse input only; the services validate the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Role, User
from fengqiao.center.models import Department, Room
from fengqiao.core.masking import mask_address, mask_phone, mask_resident_id
from fengqiao.mediation.models import (
    GENERATED_DOCUMENTS,
    Agreement,
    AgreementTerm,
    DisputeType,
    DocumentKind,
    FollowUp,
    MediationOrganization,
    MediationSession,
    Party,
    Referral,
    RiskGrade,
    Route,
    Source,
)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (the templates render fields as they are)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def _queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


#: How many term rows the agreement form offers (blank rows are ignored).
TERM_ROWS = 5
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PartyForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Party.Role.choices)
    name = forms.CharField(label=_("Name"), max_length=60)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Party.Gender.choices], required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False, initial="汉族")
    resident_id = forms.CharField(label=_("Resident ID"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    represents = forms.ModelChoiceField(label=_("Agent of"), queryset=Party.objects.none(), required=False)

    def __init__(self, *args: Any, dispute: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dispute is not None:
            self._queryset("represents", dispute.parties.exclude(role=Party.Role.AGENT))


class RegisterForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    dispute_type = forms.ChoiceField(label=_("Type"), choices=DisputeType.choices)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    organization = forms.ModelChoiceField(
        label=_("Mediation organisation"), queryset=MediationOrganization.objects.none()
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    referral = forms.ChoiceField(
        label=_("Referred by"), choices=[("", "—"), *Referral.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount involved (yuan)"), required=False, min_value=0, decimal_places=2
    )
    people_count = forms.IntegerField(label=_("People involved"), min_value=1, initial=2)
    risk_grade = forms.ChoiceField(label=_("Risk grade"), choices=RiskGrade.choices, required=False)
    risk_criminal = forms.BooleanField(label=_("Risk of turning criminal"), required=False)
    risk_group_petition = forms.BooleanField(label=_("Risk of a group petition"), required=False)
    lead_mediator = forms.ModelChoiceField(
        label=_("Lead mediator"), queryset=User.objects.none(), required=False
    )
    mediators = forms.ModelMultipleChoiceField(
        label=_("Other mediators"), queryset=User.objects.none(), required=False
    )
    invited_units = forms.ModelMultipleChoiceField(
        label=_("Invited units"), queryset=Department.objects.none(), required=False
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    rights_notice_given = forms.BooleanField(
        label=_("Notice of rights and duties given"), required=False, initial=True
    )
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=60, required=False)
    applicant_resident_id = forms.CharField(label=_("Applicant's resident ID"), max_length=18, required=False)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    respondent_name = forms.CharField(label=_("Respondent's name"), max_length=60, required=False)
    respondent_resident_id = forms.CharField(
        label=_("Respondent's resident ID"), max_length=18, required=False
    )
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queryset("organization", MediationOrganization.objects.visible_to(user))
        mediators = User.objects.visible_to(user).filter(role=Role.MEDIATOR, is_active=True)
        self._queryset("lead_mediator", mediators)
        self._queryset("mediators", mediators)
        self._queryset("invited_units", Department.objects.visible_to(user))
        self._queryset("room", Room.objects.visible_to(user))

    def parties(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        found = []
        for role in ("applicant", "respondent"):
            if data.get(f"{role}_name"):
                found.append(
                    {
                        "role": role,
                        "name": data[f"{role}_name"],
                        "resident_id": data.get(f"{role}_resident_id") or "",
                        "phone": data.get(f"{role}_phone") or "",
                    }
                )
        return found


class InvestigationForm(StyledForm):
    at = forms.DateTimeField(label=_("Time"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    persons = forms.CharField(label=_("Persons interviewed"), max_length=200, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(StyledForm):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME, required=False)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationSession.Outcome.choices)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queryset("room", Room.objects.visible_to(user))


#: Session lengths offered when planning (minutes).
DURATIONS = [(30, "30"), (60, "60"), (90, "90"), (120, "120"), (180, "180"), (240, "240")]


def _ends(cleaned: dict[str, Any]) -> Any:
    start = cleaned.get("held_at")
    minutes = cleaned.get("duration")
    return start + dt.timedelta(minutes=int(minutes)) if start and minutes else None


class PlanSessionForm(StyledForm):
    held_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    duration = forms.TypedChoiceField(label=_("Length (minutes)"), choices=DURATIONS, coerce=int, initial=60)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    participants = forms.CharField(
        label=_("Planned participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queryset("room", Room.objects.visible_to(user))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_at": data["held_at"],
            "ends_at": _ends(data),
            "room": data["room"],
            "place": data["place"],
            "participants": data["participants"],
        }


class HoldSessionForm(StyledForm):
    session = forms.IntegerField(widget=forms.HiddenInput)
    held_at = forms.DateTimeField(label=_("Began at"), widget=DATETIME, required=False)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationSession.Outcome.choices)


class CancelSessionForm(StyledForm):
    session = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PostponeSessionForm(StyledForm):
    session = forms.IntegerField(widget=forms.HiddenInput)
    held_at = forms.DateTimeField(label=_("New date and time"), widget=DATETIME)
    duration = forms.TypedChoiceField(label=_("Length (minutes)"), choices=DURATIONS, coerce=int, initial=60)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"held_at": data["held_at"], "ends_at": _ends(data), "reason": data["reason"]}


class PartyEditForm(PartyForm):
    """Correcting a party: the ID number, phone and exact address come blank, their masked value as
    placeholder, and left blank keep the recorded value (as the registry's edit forms do)."""

    KEPT = ("resident_id", "phone", "address")

    def __init__(self, *args: Any, party: Party, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "role": party.role,
                "name": party.name,
                "gender": party.gender,
                "ethnicity": party.ethnicity,
                "occupation": party.occupation,
                "represents": party.represents_id,
            },
        )
        super().__init__(*args, dispute=party.dispute, **kwargs)
        self._queryset(
            "represents", party.dispute.parties.exclude(role=Party.Role.AGENT).exclude(pk=party.pk)
        )
        masks = (("resident_id", mask_resident_id), ("phone", mask_phone), ("address", mask_address))
        for name, mask in masks:
            value = getattr(party, name)
            field = self.fields[name]
            field.widget.attrs["placeholder"] = mask(value) if value else ""
            field.help_text = _("Leave blank to keep the recorded value.") if value else ""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in self.KEPT:
            if not data.get(name):
                data.pop(name, None)
        return data


class AgreementForm(StyledForm):
    form = forms.ChoiceField(label=_("Form"), choices=Agreement.Form.choices)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}))
    points_in_dispute = forms.CharField(
        label=_("Points in dispute and responsibilities"), widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, TERM_ROWS + 1):
            self.fields[f"term_{i}_content"] = forms.CharField(
                label=_("Term %(n)s") % {"n": i}, required=False
            )
            self.fields[f"term_{i}_manner"] = forms.CharField(
                label=_("Manner"), required=False, max_length=200
            )
            self.fields[f"term_{i}_place"] = forms.CharField(label=_("Place"), required=False, max_length=120)
            self.fields[f"term_{i}_due_on"] = forms.DateField(
                label=_("Perform by"), widget=DATE, required=False
            )
            self.fields[f"term_{i}_amount"] = forms.DecimalField(
                label=_("Amount"), required=False, min_value=0
            )

    def term_rows(self) -> list[list[Any]]:
        return [
            [self[f"term_{i}_{part}"] for part in ("content", "manner", "place", "due_on", "amount")]
            for i in range(1, TERM_ROWS + 1)
        ]

    def terms(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "content": data[f"term_{i}_content"],
                "manner": data.get(f"term_{i}_manner") or "",
                "place": data.get(f"term_{i}_place") or "",
                "due_on": data.get(f"term_{i}_due_on"),
                "amount": data.get(f"term_{i}_amount"),
            }
            for i in range(1, TERM_ROWS + 1)
            if data.get(f"term_{i}_content")
        ]


class SignForm(StyledForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, required=False)


class FailureForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    route = forms.ChoiceField(label=_("Route offered"), choices=Route.choices)


class PerformanceForm(StyledForm):
    term = forms.IntegerField(widget=forms.HiddenInput)
    performance = forms.ChoiceField(label=_("Performance"), choices=AgreementTerm.Performance.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FollowUpForm(StyledForm):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUp.Method.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmationForm(StyledForm):
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=80)


class CourtDecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Agreement.CourtDecision.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)


class ExtendForm(StyledForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=60)
    consent = forms.CharField(label=_("Parties' consent"), widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    pages = forms.IntegerField(label=_("Pages"), min_value=1, initial=1, required=False)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        upload = data["file"]
        return {**data, "name": getattr(upload, "name", "")}


class GenerateDocumentForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(kind.value, kind.label) for kind in GENERATED_DOCUMENTS]
    )
    session = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ArchiveForm(StyledForm):
    pass


class ScreeningForm(StyledForm):
    zero_report = forms.BooleanField(label=_("Zero report: no dispute found"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, 4):
            self.fields[f"item_{i}_title"] = forms.CharField(
                label=_("Dispute %(n)s") % {"n": i}, required=False, max_length=120
            )
            self.fields[f"item_{i}_type"] = forms.ChoiceField(
                label=_("Type"), choices=[("", "—"), *DisputeType.choices], required=False
            )
        self.style()

    def items(self) -> list[dict[str, Any]]:
        return [
            {
                "title": self.cleaned_data[f"item_{i}_title"],
                "dispute_type": self.cleaned_data.get(f"item_{i}_type") or "",
            }
            for i in range(1, 4)
            if self.cleaned_data.get(f"item_{i}_title")
        ]
