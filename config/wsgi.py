import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

application = get_wsgi_application()

# Python's cyclic garbage collector, tuned for a web worker. A page builds tens of thousands of
# short-lived objects (model instances, template nodes), so with the default thresholds a
# worker ran a full collection every ten pages or so, each walking every object Django and the
# apps had loaded: ~150 ms, the sharing log page's whole p95 (docs/performance.md). What is
# loaded by now lives as long as the worker, so the collector stops looking at it, and it runs
# after more allocations.
GC_THRESHOLDS = (50_000, 20, 100)
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
