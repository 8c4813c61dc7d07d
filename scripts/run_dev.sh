#!/usr/bin/env bash
# Serves Sharewell for development: a Celery worker with its embedded beat in the background,
# Django's runserver on http://127.0.0.1:8000. Ctrl-C (or TERM to this script, or the server
# exiting) stops both. `make run` migrates and seeds first, then runs this.
#
# Without REDIS_URL the broker is a folder under var/ (kombu's filesystem transport), so the
# scheduled jobs run with no services at all.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
PY=.venv/bin/python
ADDRESS="${SHAREWELL_ADDRESS:-127.0.0.1:8000}"
WORKER_LOG=var/log/celery-worker.log

mkdir -p var/log var/media var/celery-broker/queue var/celery-broker/processed var/celery-broker/control

# One process: the solo pool runs tasks in the worker itself and -B embeds the only beat.
"$PY" -m celery -A config worker -B --pool=solo --loglevel=INFO \
  >>"$WORKER_LOG" 2>&1 &
worker_pid=$!

server_pid=""

stop() {
  # TERM is runserver's clean exit (its reloader ends the serving child) and Celery's warm
  # shutdown (the task in hand finishes first).
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if kill -0 "$worker_pid" 2>/dev/null; then
    echo "Stopping the Celery worker (pid $worker_pid)"
    kill -TERM "$worker_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$worker_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  wait "$worker_pid" 2>/dev/null || true
}
trap stop EXIT
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

# In the background and waited for, so that the shell acts on Ctrl-C or TERM at once (a shell
# runs its traps only after a foreground command ends) and then stops both processes.
"$PY" manage.py runserver "$ADDRESS" </dev/null &
server_pid=$!
wait "$server_pid"
