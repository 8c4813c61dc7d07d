from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.InboxView.as_view(), name="notifications_inbox"),
    path("notifications/due/", views.DueView.as_view(), name="notifications_due"),
    path(
        "notifications/read-all/",
        views.InboxMarkAllReadView.as_view(),
        name="notifications_read_all",
    ),
    path(
        "notifications/<uuid:public_id>/open/",
        views.NoticeOpenView.as_view(),
        name="notification_open",
    ),
]
