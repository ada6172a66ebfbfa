from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
