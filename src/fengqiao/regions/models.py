"""Regions (行政区划) and grids (网格): the areas every scoped record belongs to."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import ScopedQuerySet
from fengqiao.core.validators import validate_division_code


class RegionQuerySet(ScopedQuerySet["Region"]):
    """A region is visible inside a viewer's region paths, and as the village of a viewer's grid."""

    region_path_lookup = "path"
    grid_lookup = "grids__id"
    scope_needs_distinct = True


class Region(TimeStampedModel):
    """A node of the administrative tree: county (县/区) > town (镇/乡) > village (村/社区).

    `path` is the materialised path of division codes ("620802000000/620802101000/"), so
    "everything under this town" is one `path__startswith` query.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("County / district")
        TOWN = "town", _("Town / township")
        VILLAGE = "village", _("Village / community")

    PARENT_LEVEL = {Level.TOWN: Level.COUNTY, Level.VILLAGE: Level.TOWN}

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[validate_division_code]
    )
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    liaison_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison leaders"),
        blank=True,
        related_name="liaison_villages_as_leader",
        help_text=_("包村领导: town leaders answering for this village."),
    )
    liaison_cadres = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison cadres"),
        blank=True,
        related_name="liaison_villages_as_cadre",
        help_text=_("包村干部: town cadres assigned to this village."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected_parent = self.PARENT_LEVEL.get(self.Level(self.level)) if self.level else None
        if expected_parent is None and self.parent_id is not None and self.level == self.Level.COUNTY:
            raise ValidationError({"parent": _("A county is the top of the tree here.")})
        if expected_parent is not None and (self.parent is None or self.parent.level != expected_parent):
            raise ValidationError(
                {
                    "parent": _("The parent of this level must be a %(level)s.")
                    % {"level": expected_parent.label}
                }
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"

    def ancestors(self) -> list[Region]:
        codes = [code for code in self.path.split("/") if code][:-1]
        by_code = {region.code: region for region in Region.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]

    def descendants(self) -> RegionQuerySet:
        return Region.objects.filter(path__startswith=self.path).exclude(pk=self.pk)


#: The fields the point-location index is built from: writing any of them makes it stale.
INDEXED_FIELDS = frozenset({"boundary", "code"})


class GridQuerySet(ScopedQuerySet["Grid"]):
    """Grids are visible inside a viewer's region paths and as the viewer's own grids.

    Every bulk write through this queryset that touches INDEXED_FIELDS (and every create and
    delete) marks the grid index stale (see `GridIndexVersion`), like `Grid.save` and
    `Grid.delete` do for single rows.
    """

    region_path_lookup = "village__path"
    grid_lookup = "id"

    def with_workers(self) -> GridQuerySet:
        """Prefetch each grid's active grid workers into `grid.worker_list` (no N+1 on maps and lists)."""
        from fengqiao.accounts.models import Role, User

        lookups = getattr(self, "_prefetch_related_lookups", ())
        if any(getattr(lookup, "to_attr", None) == "worker_list" for lookup in lookups):
            return self  # already asked for: a second Prefetch to the same attribute is an error
        workers = User.objects.filter(role=Role.GRID_WORKER, is_active=True).order_by("username")
        return self.prefetch_related(models.Prefetch("members", queryset=workers, to_attr="worker_list"))

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        if INDEXED_FIELDS.intersection(kwargs):
            GridIndexVersion.bump()
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        GridIndexVersion.bump()
        return result

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Grid]:
        created = super().bulk_create(objs, *args, **kwargs)
        GridIndexVersion.bump()
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if INDEXED_FIELDS.intersection(fields):
            GridIndexVersion.bump()
        return count


class Grid(TimeStampedModel):
    """A grid (网格): the smallest area of responsibility, inside one village, with a boundary.

    `boundary` is a GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat). `area_m2` is computed
    from it on the ellipsoid when the boundary is set through `regions.services`.
    """

    code = models.CharField(_("grid code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or INDEXED_FIELDS.intersection(update_fields):
            GridIndexVersion.bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        GridIndexVersion.bump()
        return result

    @property
    def workers(self) -> models.QuerySet[Any]:
        from fengqiao.accounts.models import Role

        return self.members.filter(role=Role.GRID_WORKER, is_active=True)


class GridIndexVersion(models.Model):
    """The version of the grids (网格版本) that every process's point-location index checks.

    One row. Any write to grids replaces `token` with a fresh random value in the writer's own
    transaction, so another process notices on its next `locate` (one primary-key read) and
    rebuilds its index; a rolled-back write leaves the old token. A random token rather than a
    counter, so a counter rolled back in one test and bumped again in the next can never
    collide with an index built in between. Raw SQL and `loaddata` bypass the model: call
    `regions.geo.grids_changed()` after them.
    """

    SINGLETON_ID = 1

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("grid index version")
        verbose_name_plural = _("grid index versions")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> str:
        """Give the grids a new version; part of the caller's transaction."""
        from django.utils import timezone

        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=cls.SINGLETON_ID).update(token=token, changed_at=timezone.now()):
            cls.objects.update_or_create(pk=cls.SINGLETON_ID, defaults={"token": token})
        return token

    @classmethod
    def current(cls) -> str:
        """The current token (one primary-key read); creates the row if it is missing."""
        token = cls.objects.filter(pk=cls.SINGLETON_ID).values_list("token", flat=True).first()
        if token is None:
            # A fresh token, so an index built before the row vanished (a flushed database) is stale.
            token = cls.objects.get_or_create(pk=cls.SINGLETON_ID, defaults={"token": uuid.uuid4().hex})[
                0
            ].token
        return token
