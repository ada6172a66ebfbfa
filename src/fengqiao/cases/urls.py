from django.urls import path

from fengqiao.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_intake, name="case_intake"),
    path("new/categories/", views.category_options, name="category_options"),
    path("queue/", views.case_queue, name="case_queue"),
    path("inbox/", views.assignment_inbox, name="assignment_inbox"),
    path("verify/", views.verification_list, name="verification_list"),
    path("supervision/", views.supervision_board, name="supervision_board"),
    path("supervision/<int:pk>/answer/", views.supervision_answer, name="supervision_answer"),
    path("bulk/", views.case_bulk, name="case_bulk"),
    path("export.xlsx", views.case_export, name="case_export"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("assignments/<int:pk>/acknowledge/", views.assignment_acknowledge, name="assignment_acknowledge"),
    path("assignments/<int:pk>/return/", views.assignment_return, name="assignment_return"),
    path("assignments/<int:pk>/complete/", views.assignment_complete, name="assignment_complete"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/dispatch/", views.case_dispatch, name="case_dispatch"),
    path("<int:pk>/supervise/", views.case_supervise, name="case_supervise"),
    # One view per action, each calling its one service (views.CASE_ACTIONS).
    *(
        path(f"<int:pk>/{action.replace('_', '-')}/", views.case_action_view(action), name=f"case_{action}")
        for action in views.CASE_ACTIONS
    ),
]
