"""Video surveillance (视频监控): monitoring rooms, their cameras, camera status history, and the
cases found through a camera.

Scoping: town staff see the rooms and cameras under their region paths (through the room's
village); grid roles see the cameras located in their grids and the rooms of their grids' villages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import Scope, ScopedQuerySet
from fengqiao.core.validators import validate_phone


class Purpose(models.TextChoices):
    """What a camera watches (用途); a camera may serve several."""

    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    RELIGIOUS_VENUE = "religious_venue", _("Religious venue")
    LIVING_ENVIRONMENT = "living_environment", _("Living environment")
    DISASTER_PREVENTION = "disaster_prevention", _("Disaster prevention")
    PUBLIC_SECURITY = "public_security", _("Public security")
    OTHER = "other", _("Other")


class MonitoringRoomQuerySet(ScopedQuerySet["MonitoringRoom"]):
    """A room is visible under the viewer's region paths, and to grid roles of its village's grids."""

    region_path_lookup = "village__path"

    def scope_q(self, scope: Scope) -> Q:
        from fengqiao.regions.models import Grid

        query = super().scope_q(scope)
        if scope.grid_ids:
            # A subquery rather than a join through the village's grids: no duplicate rows, no DISTINCT.
            query |= Q(village_id__in=Grid.objects.filter(id__in=scope.grid_ids).values("village_id"))
        return query


class MonitoringRoom(TimeStampedModel):
    """A village's monitoring room (监控室): where the village's cameras are watched and recorded."""

    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="monitoring_rooms",
        limit_choices_to={"level": "village"},
    )
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    responsible_name = models.CharField(_("responsible person"), max_length=60, blank=True)
    responsible_phone = models.CharField(
        _("responsible person's phone"), max_length=20, blank=True, validators=[validate_phone]
    )

    objects = MonitoringRoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring room")
        verbose_name_plural = _("monitoring rooms")
        ordering = ["village__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="surveillance_room_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CameraQuerySet(ScopedQuerySet["Camera"]):
    """A camera is visible under the viewer's region paths (its room's village) and in their grids."""

    region_path_lookup = "room__village__path"
    grid_lookup = "grid_id"

    def with_purposes(self) -> CameraQuerySet:
        """Prefetch the purpose rows (for `Camera.purpose_values`) in one query."""
        return self.prefetch_related(
            models.Prefetch("purpose_rows", queryset=CameraPurpose.objects.order_by("purpose"))
        )


#: Accepted stream addresses: RTSP/RTMP from the recorder, or HTTP(S) for HLS/FLV gateways.
STREAM_SCHEMES = ["rtsp", "rtsps", "rtmp", "http", "https"]


class Camera(TimeStampedModel):
    """A camera (摄像头): a channel of a monitoring room at a point, in a grid.

    `grid` is found from the point through `regions.geo.locate`; an administrator may file a camera
    under another grid (`grid_overridden`), which then survives later moves of the point. The
    channel code is the GB/T 28181 device code (20 digits) or the recorder's own channel name.
    """

    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline")

    channel_code = models.CharField(_("channel code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    room = models.ForeignKey(
        MonitoringRoom, verbose_name=_("monitoring room"), on_delete=models.PROTECT, related_name="cameras"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cameras",
    )
    grid_overridden = models.BooleanField(_("grid set by hand"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ONLINE)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    stream_url = models.CharField(
        _("stream address"),
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=STREAM_SCHEMES)],
        help_text=_("Optional: rtsp://, rtmp:// or http(s):// address of the live stream."),
    )
    active = models.BooleanField(_("in use"), default=True)

    objects = CameraQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["channel_code"]
        indexes = [models.Index(fields=["room", "status"], name="surveillance_cam_room_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def purpose_values(self) -> list[str]:
        """The purposes as codes, from the prefetched rows when there are any."""
        return [row.purpose for row in self.purpose_rows.all()]

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [str(labels.get(value, value)) for value in self.purpose_values]


class CameraPurpose(models.Model):
    """One purpose of one camera (用途): child rows, so "cameras for road traffic" is an index lookup
    on every database (JSON containment is PostgreSQL-only)."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="purpose_rows"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)

    class Meta:
        verbose_name = _("camera purpose")
        verbose_name_plural = _("camera purposes")
        constraints = [
            models.UniqueConstraint(fields=["camera", "purpose"], name="surveillance_purpose_unique"),
        ]
        indexes = [models.Index(fields=["purpose", "camera"], name="surveillance_purpose_idx")]

    def __str__(self) -> str:
        return self.get_purpose_display()


class CameraStatusChangeQuerySet(ScopedQuerySet["CameraStatusChange"]):
    region_path_lookup = "camera__room__village__path"
    grid_lookup = "camera__grid_id"


class CameraStatusChange(models.Model):
    """One change of a camera's status (在线状态变更): from, to, when, by whom, why."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Camera.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Camera.Status.choices)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CameraStatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera status change")
        verbose_name_plural = _("camera status changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["camera", "-at"], name="surveillance_status_cam_at")]

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.from_status} → {self.to_status}"


class VideoFindingQuerySet(ScopedQuerySet["VideoFinding"]):
    """A finding is visible with its camera (the case keeps its own, separate, scope)."""

    region_path_lookup = "camera__room__village__path"
    grid_lookup = "camera__grid_id"


class VideoFinding(models.Model):
    """A case found through video (视频发现): links the case to the camera that showed it."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="findings"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="video_finding"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VideoFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("video finding")
        verbose_name_plural = _("video findings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.camera_id} → {self.case_id}"

    def __repr__(self) -> str:
        return f"<VideoFinding camera={self.camera_id} case={self.case_id}>"
