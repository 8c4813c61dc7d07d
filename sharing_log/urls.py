"""Routes of the sharing log pages, in the `sharing_log` namespace, under /sharing-log/. Every
record is addressed by its public id (a UUID); nothing about a child is ever in a URL (the child
search is POSTed, the log's filters and cursor name no child)."""

from django.urls import path

from sharing_log import views

app_name = "sharing_log"

P = "sharing-log/"
D = f"{P}decisions/<uuid:id>/"
C = f"{P}children/<uuid:id>/"
N = f"{P}notices/<uuid:id>/"

urlpatterns = [
    path(P, views.DecisionListView.as_view(), name="decision_list"),
    path(f"{P}export/", views.ExportView.as_view(), name="decision_export"),
    path(f"{P}new/", views.DecisionStartView.as_view(), name="decision_start"),
    path(f"{P}new/aggregate/", views.AggregateDecisionView.as_view(), name="decision_aggregate"),
    path(f"{P}new/data-items/", views.DataItemsView.as_view(), name="data_items"),
    path(C, views.ChildLogView.as_view(), name="child_log"),
    path(f"{C}export/", views.ChildExportView.as_view(), name="child_export"),
    path(f"{C}new/", views.ChildDecisionView.as_view(), name="decision_record"),
    path(f"{C}consent-check/", views.ConsentCheckView.as_view(), name="consent_check"),
    path(D, views.DecisionDetailView.as_view(), name="decision_detail"),
    path(f"{D}correct/", views.DecisionSupersedeView.as_view(), name="decision_supersede"),
    path(f"{D}approval/", views.OverrideDecideView.as_view(), name="override_decide"),
    path(f"{D}inaccuracy/", views.NoticeCreateView.as_view(), name="notice_create"),
    path(f"{P}overrides/", views.OverrideQueueView.as_view(), name="override_queue"),
    path(f"{P}notices/", views.NoticeListView.as_view(), name="notice_list"),
    path(N, views.NoticeDetailView.as_view(), name="notice_detail"),
    path(f"{N}acknowledge/", views.NoticeAcknowledgeView.as_view(), name="notice_acknowledge"),
]
