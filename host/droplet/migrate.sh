#!/usr/bin/env bash
# Runs the Django migrations of a backend image against the database, before anything is deployed.
# Idempotent: Django applies only what is missing. A failure stops the release chain.
#
# Usage: migrate.sh --image REPOSITORY@sha256:... --env-file PATH [--pull-attempts N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
LOG_PREFIX="migrate"

image=""
env_file=""
pull_attempts=5
while (($# > 0)); do
    case "$1" in
        --image) image="${2:-}"; shift 2 ;;
        --env-file) env_file="${2:-}"; shift 2 ;;
        --pull-attempts) pull_attempts="${2:-}"; shift 2 ;;
        *) log "unknown argument $1"; exit 64 ;;
    esac
done
[[ -n "$image" && -n "$env_file" ]] || { log "usage: migrate.sh --image IMAGE --env-file PATH"; exit 64; }
[[ -r "$env_file" ]] || { log "env file $env_file is missing"; exit 65; }

pull_image "$image" "$pull_attempts"
log "running migrations from $image"
if ! docker run --rm --network host --env-file "$env_file" "$image" python backend/manage.py migrate --fake-initial --noinput; then
    log "migrations failed; nothing was deployed"
    exit 1
fi
log "migrations applied"
