#!/usr/bin/env bash
# Runs the Django migrations of a backend image against the database, before anything is deployed:
#   1. each --pre-migrate step `<app> <migration>` whose migration is not applied yet (read once from
#      `showmigrations`), as `migrate <app> <migration>`: never backwards, since Django's
#      `migrate <app> <migration>` also unapplies what comes after it;
#   2. `migrate --fake-initial --noinput`;
#   3. each --post-migrate management command, in order (each must be idempotent).
# Idempotent: a second run applies nothing ("No migrations to apply"). A failure stops the release chain.
#
# Usage: migrate.sh --image REPOSITORY@sha256:... --env-file PATH [--manage "python manage.py"]
#                   [--mount-file HOST_FILE:CONTAINER_FILE]... [--pre-migrate "APP MIGRATION"]...
#                   [--post-migrate "COMMAND [ARG...]"]... [--pull-attempts N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
LOG_PREFIX="migrate"

image=""
env_file=""
manage="python manage.py"
mount_files=()
pre_migrate=()
post_migrate=()
pull_attempts=5

parse_args() {
    while (($# > 0)); do
        case "$1" in
            --image) image="${2:-}"; shift 2 ;;
            --env-file) env_file="${2:-}"; shift 2 ;;
            --manage) manage="${2:-}"; shift 2 ;;
            --mount-file) mount_files+=("${2:-}"); shift 2 ;;
            --pre-migrate) pre_migrate+=("${2:-}"); shift 2 ;;
            --post-migrate) post_migrate+=("${2:-}"); shift 2 ;;
            --pull-attempts) pull_attempts="${2:-}"; shift 2 ;;
            *) log "unknown argument $1"; exit 64 ;;
        esac
    done
    [[ -n "$image" && -n "$env_file" && -n "$manage" ]] || { log "usage: migrate.sh --image IMAGE --env-file PATH [--manage COMMAND] [--pre-migrate 'APP MIGRATION']... [--post-migrate 'COMMAND']..."; exit 64; }
    local step
    for step in "${pre_migrate[@]}"; do
        [[ "$step" =~ ^[a-z_][a-z0-9_]*\ [A-Za-z0-9_]+$ && "$step" != *" zero" ]] || { log "--pre-migrate takes 'APP MIGRATION' (never zero), got '$step'"; exit 64; }
    done
    for step in "${mount_files[@]}"; do
        [[ "$step" =~ ^/[^:]+:/[^:]+$ ]] || { log "--mount-file takes HOST_FILE:CONTAINER_FILE, both absolute, got '$step'"; exit 64; }
        [[ -r "${step%%:*}" ]] || { log "file ${step%%:*} is missing; nothing was migrated"; exit 65; }
    done
    [[ -r "$env_file" ]] || { log "env file $env_file is missing; nothing was migrated"; exit 65; }
}

# Runs a management command in a throwaway container of the image, on the host's network.
# Usage: run_manage ARG...
run_manage() {
    local command=() mounts=() spec
    read -ra command <<<"$manage"
    for spec in "${mount_files[@]}"; do mounts+=(--volume "$spec:ro"); done
    docker run --rm --network host --env-file "$env_file" "${mounts[@]}" "$image" "${command[@]}" "$@"
}

# Whether `showmigrations` (its list format: an app label line, then ` [X] name` or ` [ ] name` per
# migration) shows a migration of an app applied. MIGRATION may be a prefix, as `migrate` accepts.
# Usage: migration_applied LISTING_FILE APP MIGRATION
migration_applied() {
    awk -v app="$2" -v target="$3" '
        /^[^ ]/ { current = $1; next }
        current == app && $1 == "[X]" && index($2, target) == 1 { found = 1 }
        END { exit !found }' "$1"
}

pre_migrations() {
    ((${#pre_migrate[@]} > 0)) || return 0
    local listing step app target
    listing=$(mktemp)
    # shellcheck disable=SC2064 # the file's name is fixed now, on purpose
    trap "rm -f '$listing'" EXIT
    if ! run_manage showmigrations >"$listing"; then
        log "could not read the applied migrations; nothing was migrated"
        exit 1
    fi
    for step in "${pre_migrate[@]}"; do
        read -r app target <<<"$step"
        if migration_applied "$listing" "$app" "$target"; then
            log "$app $target is applied"
            continue
        fi
        log "migrating $app to $target first"
        if ! run_manage migrate "$app" "$target" --fake-initial --noinput; then
            log "migrating $app to $target failed; nothing was deployed"
            exit 1
        fi
    done
}

post_migrations() {
    local step args
    for step in "${post_migrate[@]}"; do
        read -ra args <<<"$step"
        log "running ${args[0]}"
        if ! run_manage "${args[@]}"; then
            log "${args[0]} failed; nothing was deployed"
            exit 1
        fi
    done
}

main() {
    parse_args "$@"
    pull_image "$image" "$pull_attempts"
    log "running migrations from $image"
    pre_migrations
    if ! run_manage migrate --fake-initial --noinput; then
        log "migrations failed; nothing was deployed"
        exit 1
    fi
    post_migrations
    log "migrations applied"
}

main "$@"
