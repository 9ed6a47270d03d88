#!/usr/bin/env bash
# Gives the app's database user the rights a DigitalOcean cluster does not give it, as the cluster's
# admin, before any migration or container change of the release: CREATE on schema public and, with
# --bypass-rls, BYPASSRLS (or stops the release, saying why). Idempotent. Runs db-rights.py in a
# throwaway container of the release's backend image, which has Python and a PostgreSQL driver, on
# the host's network (this droplet is the only address the database trusts).
#
# The admin's connection URI arrives on standard input and goes, still on standard input, to the
# container: it never appears in a command line, an environment or this script's output.
#
# Usage: db-rights.sh --image REPOSITORY@sha256:... --app-user NAME [--python python]
#                     [--mount-file HOST_FILE:CONTAINER_FILE]... [--bypass-rls] [--pull-attempts N]
#                     < admin-uri
# Exit codes: 0 done; 2 could not connect or a statement failed; 3 BYPASSRLS needed but not grantable;
#             64 usage error; 65 a file is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
LOG_PREFIX="db-rights"

image=""
app_user=""
python="python"
mount_files=()
bypass_rls=false
pull_attempts=5

parse_args() {
    while (($# > 0)); do
        case "$1" in
            --image) image="${2:-}"; shift 2 ;;
            --app-user) app_user="${2:-}"; shift 2 ;;
            --python) python="${2:-}"; shift 2 ;;
            --mount-file) mount_files+=("${2:-}"); shift 2 ;;
            --bypass-rls) bypass_rls=true; shift ;;
            --pull-attempts) pull_attempts="${2:-}"; shift 2 ;;
            *) log "unknown argument $1"; exit 64 ;;
        esac
    done
    [[ -n "$image" ]] || { log "usage: db-rights.sh --image IMAGE --app-user NAME [--python python] [--mount-file HOST:CONTAINER]... [--bypass-rls] < admin-uri"; exit 64; }
    [[ "$app_user" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { log "--app-user takes a PostgreSQL role name, got '$app_user'"; exit 64; }
    [[ "$python" =~ ^[A-Za-z0-9_./-]+$ ]] || { log "--python takes an interpreter, got '$python'"; exit 64; }
    local spec
    for spec in "${mount_files[@]}"; do
        [[ "$spec" =~ ^/[^:]+:/[^:]+$ ]] || { log "--mount-file takes HOST_FILE:CONTAINER_FILE, both absolute, got '$spec'"; exit 64; }
        [[ -r "${spec%%:*}" ]] || { log "file ${spec%%:*} is missing; nothing was changed"; exit 65; }
    done
    [[ -r "$here/db-rights.py" ]] || { log "$here/db-rights.py is missing"; exit 65; }
}

main() {
    parse_args "$@"
    pull_image "$image" "$pull_attempts"
    local args=(--app-user "$app_user") mounts=() spec program
    [[ "$bypass_rls" == true ]] && args+=(--bypass-rls)
    for spec in "${mount_files[@]}"; do mounts+=(--volume "$spec:ro"); done
    program="$(cat "$here/db-rights.py")"
    # The program goes as `python -c`, so the image's user need not read a file of this host.
    docker run --rm -i --network host "${mounts[@]}" --entrypoint "$python" "$image" -c "$program" "${args[@]}"
}

main "$@"
