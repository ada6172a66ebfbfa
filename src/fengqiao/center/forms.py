"""Forms of the center's organisation pages: they validate input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.center.queries import eligible_duty_leaders, eligible_liaison_cadres, month_days
from fengqiao.center.services import DEPARTMENT_FIELDS, ROOM_FIELDS, WINDOW_FIELDS
from fengqiao.regions.models import Region


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def _choice_field(self, name: str) -> Any:
        field = self.fields[name]  # type: ignore[attr-defined]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DepartmentForm(BootstrapMixin, forms.ModelForm):
    region = RegionChoiceField(label=_("Area served"), queryset=Region.objects.none())

    class Meta:
        model = Department
        fields = list(DEPARTMENT_FIELDS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("region").queryset = Region.objects.visible_to(user).order_by("path")
        self._style()


def _towns(user: Any) -> Any:
    return Region.objects.visible_to(user).filter(level=Region.Level.TOWN).order_by("path")


class WindowForm(BootstrapMixin, forms.ModelForm):
    """A hall window; its town is chosen when it is opened and stays."""

    class Meta:
        model = Window
        fields = ["town", *WINDOW_FIELDS]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["town"]
        else:
            self._choice_field("town").queryset = _towns(user)
        departments = Department.objects.visible_to(user).filter(is_active=True).select_related("region")
        self._choice_field("department").queryset = departments
        self.fields["number"].widget.attrs["min"] = 1
        self._style()


class RoomForm(BootstrapMixin, forms.ModelForm):
    """A function room; its town is chosen when it is added and stays."""

    class Meta:
        model = Room
        fields = ["town", *ROOM_FIELDS]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["town"]
        else:
            self._choice_field("town").queryset = _towns(user)
        self._style()


def _people_choices(users: Any) -> list[tuple[str, str]]:
    return [(str(user.pk), f"{user.display_name} · {user.get_role_display()}") for user in users]


class DutyRosterForm(forms.Form):
    """The whole month on one page: one select per day (a leader, or nobody).

    The choices are the town's eligible leaders plus whoever is already rostered, loaded once for
    all the days; a day's field is named `day-DD`.
    """

    def __init__(self, *args: Any, town: Region, month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days = month_days(month)
        current = DutyShift.objects.filter(town=town, date__gte=self.days[0], date__lte=self.days[-1])
        people = User.objects.filter(
            Q(pk__in=eligible_duty_leaders(town).values("pk")) | Q(pk__in=current.values("leader_id"))
        ).order_by("full_name", "username")
        self.people = {str(user.pk): user for user in people}
        choices = [("", "—"), *_people_choices(self.people.values())]
        initial = {shift.date: str(shift.leader_id) for shift in current}
        for day in self.days:
            self.fields[self.field_name(day)] = forms.ChoiceField(
                label=f"{day:%Y-%m-%d}",
                choices=choices,
                required=False,
                initial=initial.get(day, ""),
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "aria-label": f"{day:%Y-%m-%d}"}
                ),
            )

    @staticmethod
    def field_name(day: dt.date) -> str:
        return f"day-{day:%d}"

    def assignments(self) -> dict[dt.date, User | None]:
        """The cleaned month as {day: leader or None}, for `set_duty_roster`."""
        return {day: self.people.get(self.cleaned_data.get(self.field_name(day)) or "") for day in self.days}


class VillageLiaisonsForm(BootstrapMixin, forms.Form):
    """The leaders and cadres linked to one village (包村领导 / 包村干部)."""

    leaders = forms.ModelMultipleChoiceField(
        label=_("Liaison leaders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cadres = forms.ModelMultipleChoiceField(
        label=_("Liaison cadres"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, village: Region, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"leaders": list(village.liaison_leaders.all()), "cadres": list(village.liaison_cadres.all())},
        )
        super().__init__(*args, **kwargs)
        from fengqiao.center.queries import LEADER_ROLES

        leaders = eligible_liaison_cadres(village).filter(role__in=LEADER_ROLES)
        self._choice_field("leaders").queryset = User.objects.filter(
            Q(pk__in=leaders.values("pk")) | Q(pk__in=village.liaison_leaders.values("pk"))
        ).order_by("full_name", "username")
        self._choice_field("cadres").queryset = User.objects.filter(
            Q(pk__in=eligible_liaison_cadres(village).values("pk"))
            | Q(pk__in=village.liaison_cadres.values("pk"))
        ).order_by("full_name", "username")
        self._style()
        for name in ("leaders", "cadres"):
            self.fields[name].label_from_instance = lambda user: (  # type: ignore[attr-defined]
                f"{user.display_name} · {user.get_role_display()}"
            )
