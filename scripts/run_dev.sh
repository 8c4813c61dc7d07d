#!/usr/bin/env bash
# Serves Sharewell for development: a Celery worker with its embedded beat in the background,
# Django's runserver on http://127.0.0.1:8000 in the foreground. Stopping the server (Ctrl-C)
# stops the worker too. `make run` migrates and seeds first, then runs this.
#
# Without REDIS_URL the broker is a folder under var/ (kombu's filesystem transport), so the
# scheduled jobs run with no services at all.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
PY=.venv/bin/python
ADDRESS="${SHAREWELL_ADDRESS:-127.0.0.1:8000}"
WORKER_LOG=var/log/celery-worker.log

mkdir -p var/log var/media var/celery-broker/queue var/celery-broker/processed

# One process: the solo pool runs tasks in the worker itself and -B embeds the only beat.
"$PY" -m celery -A config worker -B --pool=solo --loglevel=INFO \
  >>"$WORKER_LOG" 2>&1 &
worker_pid=$!

stop_worker() {
  if kill -0 "$worker_pid" 2>/dev/null; then
    echo "Stopping the Celery worker (pid $worker_pid)"
    # TERM is Celery's warm shutdown: the task in hand finishes first.
    kill -TERM "$worker_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$worker_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  wait "$worker_pid" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sleep 1
if ! kill -0 "$worker_pid" 2>/dev/null; then
  echo "The Celery worker did not start; see $WORKER_LOG" >&2
  tail -n 20 "$WORKER_LOG" >&2 || true
  exit 1
fi
echo "Celery worker and beat running (pid $worker_pid), log: $WORKER_LOG"
echo "Sharewell: http://$ADDRESS/  (Ctrl-C stops the server and the worker)"

# Not exec: the shell stays to stop the worker when the server ends.
"$PY" manage.py runserver "$ADDRESS"
