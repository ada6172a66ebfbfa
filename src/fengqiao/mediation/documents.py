"""Official mediation documents as PDF (WeasyPrint, Noto Serif CJK SC): the agreement (调解协议书),
the registration form (受理登记表), the minutes (调解笔录), and the dossier cover and index (卷宗封面、目录).

These are the printed originals the parties sign. For a viewer holding `view_sensitive` (the
mediator who prints the originals) the parties' ID numbers, phones and exact addresses appear in
full, and each download writes one `mediation.document` audit row (which document, which fields were revealed,
never the values). Any other viewer who may open the dispute (police, judicial, auditor...) gets
the same document with them masked by `core.masking`, as on the pages. Without a CJK font
WeasyPrint would print boxes, so rendering refuses first with a `MediationError`.
"""

from __future__ import annotations

import copy
import functools
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.core import audit, masking
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import Agreement, Dispute, MediationSession, Party
from fengqiao.mediation.queries import dossier_checklist

# The documents are Chinese legal forms whatever the user's language: their wording is fixed by the
# People's Mediation Law and the Ministry of Justice's model texts, so the labels are Chinese here.
ROLE_ZH = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人", "agent": "委托代理人"}
GENDER_ZH = {"male": "男", "female": "女", "": ""}
TYPE_ZH = {
    "marriage_family": "婚姻家庭纠纷",
    "neighbour": "邻里纠纷",
    "housing_homestead": "房屋宅基地纠纷",
    "contract": "合同纠纷",
    "business": "生产经营纠纷",
    "damages": "损害赔偿纠纷",
    "land_forest": "山林土地纠纷",
    "expropriation": "征地拆迁纠纷",
    "pollution": "环境污染纠纷",
    "labour": "劳动争议纠纷",
    "consumer": "消费纠纷",
    "medical": "医疗纠纷",
    "traffic": "道路交通事故纠纷",
    "property_management": "物业纠纷",
    "debt": "债务纠纷",
    "other": "其他纠纷",
}
SOURCE_ZH = {
    "application": "当事人申请",
    "initiative": "主动调解",
    "screening": "排查发现",
    "referral": "移送委托",
}
REFERRAL_ZH = {
    "court": "法院（诉调对接）",
    "police": "公安（警调对接）",
    "procuratorate": "检察院（检调对接）",
    "petition": "信访（访调对接）",
    "government": "政府部门",
    "": "",
}
DOC_ZH = {
    "registration": "调解申请书或受理登记表",
    "rights_notice": "当事人权利义务告知书",
    "identity": "当事人身份证明材料",
    "minutes": "调解笔录",
    "agreement": "调解协议书",
    "cover": "卷宗封面",
    "authorisation": "授权委托书",
    "investigation": "调查记录",
    "evidence": "证据材料",
    "performance": "协议履行凭证",
    "follow_up": "回访记录",
    "confirmation": "司法确认材料",
}
OUTCOME_ZH = {"continue": "继续调解", "agreement": "达成协议", "failure": "调解不成"}


def labels() -> dict[str, dict[str, str]]:
    return {
        "role": ROLE_ZH,
        "gender": GENDER_ZH,
        "type": TYPE_ZH,
        "source": SOURCE_ZH,
        "referral": REFERRAL_ZH,
        "outcome": OUTCOME_ZH,
        "doc": DOC_ZH,
    }


#: The serif face of Debian's fonts-noto-cjk, used for official documents (公文用宋体类字体).
FONT_FAMILY = "Noto Serif CJK SC"


@functools.lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    """Whether fontconfig knows a font for Chinese (`fc-list :lang=zh`), ideally Noto Serif CJK SC."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        output = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(output.strip())


def ensure_cjk_font() -> None:
    if not cjk_font_available():
        raise MediationError(
            _(
                "No Chinese font is installed, so the document would print as boxes. "
                "Install fonts-noto-cjk (apt-get install fonts-noto-cjk) and try again."
            ),
            code="cjk_font_missing",
            http_status=503,
        )


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render an HTML template of `templates/mediation/documents/` to PDF bytes."""
    ensure_cjk_font()
    from weasyprint import HTML

    html = render_to_string(
        f"mediation/documents/{template}", {"font_family": FONT_FAMILY, "zh": labels(), **context}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _parties(dispute: Dispute, viewer: Any) -> list[Party]:
    """The dispute's parties as this viewer may read them (unsaved copies, masked without the right)."""
    parties = list(dispute.parties.select_related("represents").order_by("role", "id"))
    if masking.may_see_sensitive(viewer):
        return parties
    shown = []
    for party in parties:
        masked = copy.copy(party)
        masked.resident_id = masking.mask_resident_id(party.resident_id) if party.resident_id else ""
        masked.phone = masking.mask_phone(party.phone) if party.phone else ""
        masked.address = masking.mask_address(party.address) if party.address else ""
        shown.append(masked)
    return shown


def _principal_parties(parties: list[Party]) -> list[Party]:
    return [p for p in parties if p.role != Party.Role.AGENT]


def _revealed(parties: list[Party]) -> list[str]:
    """Which identifiers of the parties a document prints ("resident_id", "phone", "address")."""
    return [name for name in ("resident_id", "phone", "address") if any(getattr(p, name) for p in parties)]


def prints_identifiers(dispute: Dispute, *, viewer: Any) -> bool:
    """Whether a document naming the parties, printed for this viewer, shows identifiers in full."""
    return (
        masking.may_see_sensitive(viewer)
        and dispute.parties.exclude(resident_id="", phone="", address="").exists()
    )


#: While set (`held_audit`), the download rows of the documents printed wait here for the caller.
_held: ContextVar[list[dict[str, Any]] | None] = ContextVar("fengqiao_mediation_held_audit", default=None)


@contextmanager
def held_audit() -> Iterator[list[dict[str, Any]]]:
    """Print without writing the download rows: they are handed to the caller (as keyword
    arguments of `audit.record`), who writes them only if the printed copy is kept, e.g. inside
    the transaction that files it in the dossier (review 2 #7)."""
    rows: list[dict[str, Any]] = []
    token = _held.set(rows)
    try:
        yield rows
    finally:
        _held.reset(token)


def _audit_download(viewer: Any, dispute: Dispute, document: str, fields: list[str]) -> None:
    """One audit row per download of a complete (unmasked) document; masked copies reveal nothing."""
    if masking.may_see_sensitive(viewer):
        row = {"by": viewer, "obj": dispute, "changes": {"document": document, "fields": fields}}
        held = _held.get()
        if held is not None:
            held.append(row)
        else:
            audit.record("mediation.document", **row)


def agreement_pdf(agreement: Agreement, *, viewer: Any) -> bytes:
    """The mediation agreement (调解协议书), one copy per party plus one for the committee."""
    dispute = agreement.dispute
    parties = _parties(dispute, viewer)
    principals = _principal_parties(parties)
    pdf = render_pdf(
        "agreement.html",
        {
            "dispute": dispute,
            "agreement": agreement,
            "parties": parties,
            "principals": principals,
            "terms": list(agreement.terms.order_by("position")),
            "copies": len(principals) + 1,
            "mediators": _mediators(dispute),
        },
    )
    _audit_download(viewer, dispute, "agreement", _revealed(parties))
    return pdf


def registration_pdf(dispute: Dispute, *, viewer: Any) -> bytes:
    """The registration form (人民调解受理登记表) with the notice of rights and duties."""
    parties = _parties(dispute, viewer)
    pdf = render_pdf(
        "registration.html",
        {"dispute": dispute, "parties": parties, "mediators": _mediators(dispute)},
    )
    _audit_download(viewer, dispute, "registration", _revealed(parties))
    return pdf


def minutes_pdf(session: MediationSession, *, viewer: Any) -> bytes:
    """The minutes of one session (调解笔录); they print no party identifiers."""
    pdf = render_pdf("minutes.html", {"dispute": session.dispute, "session": session})
    _audit_download(viewer, session.dispute, f"minutes:{session.pk}", [])
    return pdf


def dossier_pdf(dispute: Dispute, *, viewer: Any) -> bytes:
    """The dossier cover and index (卷宗封面及目录); they name the parties, without identifiers."""
    pdf = render_pdf(
        "dossier.html",
        {
            "dispute": dispute,
            "parties": _principal_parties(_parties(dispute, viewer)),
            "checklist": dossier_checklist(dispute),
            "mediators": _mediators(dispute),
            "printed_on": timezone.localdate(),
        },
    )
    _audit_download(viewer, dispute, "dossier", [])
    return pdf


def _mediators(dispute: Dispute) -> list[str]:
    names = [dispute.lead_mediator.display_name] if dispute.lead_mediator else []
    names += [u.display_name for u in dispute.mediators.all() if u != dispute.lead_mediator]
    return names
