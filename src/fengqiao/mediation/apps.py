from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

#: The 409 code of a generic verify or close of a dispute under mediation.
DOSSIER_NOT_ARCHIVED = "dossier_not_archived"
#: The 409 code of a generic deadline extension of a dispute under mediation.
SETTLE_BY_CONSENT = "extend_with_consent"


def under_mediation(case: Any) -> bool:
    """Whether the case is a registered dispute (has its `Dispute` row). A dispute case taken in
    by the center that never entered mediation keeps the generic lifecycle: it has no dossier to
    archive and no place in mediation's figures."""
    try:
        case.dispute  # noqa: B018 (the reverse one-to-one is cached on the case)
    except ObjectDoesNotExist:
        return False
    return True


class MediationConfig(AppConfig):
    name = "fengqiao.mediation"
    label = "mediation"
    verbose_name = _("Mediation")

    def ready(self) -> None:
        # Mediators run their disputes through the case lifecycle themselves: they take a dispute
        # in (受理登记), resolve it with an agreement or a failure, and close the archived dossier.
        from fengqiao.accounts.models import Role
        from fengqiao.cases import workflow
        from fengqiao.cases.models import Kind

        mediators = frozenset({Role.MEDIATOR})
        for action in ("report", "accept", "resolve", "verify", "close"):
            workflow.KIND_ROLES[(Kind.DISPUTE, action)] = mediators
        # A dispute under mediation is verified and closed only by archiving its dossier (every
        # required document, the agreement signed): otherwise a grid worker's on-site check and a
        # clerk's close would make it "resolved" with the dossier never completed (audit #1).
        guard = workflow.KindGuard(
            applies=under_mediation,
            code=DOSSIER_NOT_ARCHIVED,
            message=_(
                "This dispute is under mediation: it is verified and closed by archiving its "
                "dossier (mediation), not here."
            ),
        )
        for action in ("verify", "close"):
            workflow.KIND_GUARDS[(Kind.DISPUTE, action)] = guard
        # The settle deadline moves with the parties' consent (`extend_settle_deadline`), which
        # extends the case's clock with it (its vouch lets mediators and clerks take that one
        # extension); a generic one would leave the dispute's own deadline behind. No
        # `KIND_ROLES` here: a dispute case that never entered mediation is extended by a leader,
        # like every case (review 2 #5).
        workflow.KIND_GUARDS[(Kind.DISPUTE, "extend_deadline")] = workflow.KindGuard(
            applies=under_mediation,
            code=SETTLE_BY_CONSENT,
            message=_(
                "This dispute is under mediation: its deadline is extended with the parties' "
                "consent (mediation), not here."
            ),
        )
