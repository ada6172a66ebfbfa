from django.urls import path

from fengqiao.mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/new/", views.dispute_register, name="dispute_register"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("disputes/<int:pk>/registration.pdf", views.registration_pdf, name="registration_pdf"),
    path("disputes/<int:pk>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("disputes/<int:pk>/sessions/<int:session_pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    # One view per service (views.ACTIONS).
    *(
        path(
            f"disputes/<int:pk>/{action.replace('_', '-')}/",
            views.dispute_action_view(action),
            name=f"dispute_{action}",
        )
        for action in views.ACTIONS
    ),
    path("parties/<int:pk>/edit/", views.party_edit, name="party_edit"),
    path("parties/<int:pk>/remove/", views.party_remove, name="party_remove"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("screening/", views.screening, name="screening"),
    path("screening/<int:pk>/submit/", views.screening_submit, name="screening_submit"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
]
