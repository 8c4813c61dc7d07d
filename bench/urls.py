"""The benchmark URLconf (config/settings/bench.py only): the application's own URLs, plus the
floor views and the naive COUNT(*) + OFFSET page that the benchmarks compare the application with.
No other settings module routes these."""

from django.urls import path

from bench import floors
from config import urls as app_urls

urlpatterns = [
    path("bench-floor/<slug:name>/", floors.floor, name="bench_floor"),
    path("bench-naive/decisions/", floors.naive_decision_page, name="bench_naive_decisions"),
    *app_urls.urlpatterns,
]

handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
