#!/bin/sh
# The image's entry point: `ingest [--flag value …]` runs an ingest node (apps/ingest; its flags and their
# LAKESTREAM_* variables: apps/ingest/README-config.md), `console` runs the console and control plane
# (apps/web; its LAKESTREAM_* variables: apps/web/README.md) on port 3000. Each `exec`s, so the server is
# PID 1 and gets SIGTERM itself: the ingest node drains on it.
set -eu
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  ingest) exec node /app/apps/ingest/dist/main.js "$@" ;;
  console) cd /app/apps/web && exec /app/node_modules/.bin/next start -H 0.0.0.0 -p 3000 "$@" ;;
  *)
    echo "usage: lakestream ingest [--flag value …]   (lakestream ingest --help lists the flags)" >&2
    echo "       lakestream console" >&2
    exit 2
    ;;
esac
