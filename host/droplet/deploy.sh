#!/usr/bin/env bash
# Zero-downtime release of one service on this host:
#   pull (retried) -> start the new container beside the old one, with its own command, env file,
#   persistent folders and read-only files -> health-check it directly while watching that it stays
#   up -> point nginx at it and reload gracefully -> let the old one drain -> stop it.
# On any failure before the switch, the new container's last log lines are printed, it is removed and
# the old one keeps serving; the script exits non-zero so `pulumi up` fails loudly. A container that
# exits or restarts while being checked fails the release at once (within about a second), not at the
# health deadline. Running it again with the live release and the same configuration is a no-op; a
# changed env file, read-only file, command or mount swaps in a new container of the same release the
# same way, since a running container never rereads them. Stopped containers of the last --keep
# releases stay on the host for a one-step rollback; persistent folders outlive every release.
#
# Usage: deploy.sh --service NAME --release SHA --image REPOSITORY@sha256:... --container-port N
#                  --ports A,B [--env-file PATH] [--health-path PATH] [--ready-path PATH]
#                  [--json-field FIELD --json-value VALUE] [--health-host HOST] [--health-deadline S]
#                  [--persist HOST_DIR:CONTAINER_DIR]... [--persist-owner UID:GID]
#                  [--mount-file HOST_FILE:CONTAINER_FILE]...
#                  [--keep N] [--drain S] [--pull-attempts N] [--log-lines N]
#                  [--state-dir DIR] [--upstream FILE] [--nginx "COMMAND"] [-- COMMAND...]
# Everything after `--` is the container's command (default: the image's CMD).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

service=""
release=""
image=""
container_port=""
ports=""
env_file=""
health_path="/"
ready_path=""
json_field=""
json_value=""
health_host=""
health_deadline=60
persist=()
persist_owner=""
mount_files=()
command=()
keep=3
drain=5
pull_attempts=5
log_lines=30
state_dir=""
upstream=""
nginx="sudo /usr/sbin/nginx"

parse_args() {
    while (($# > 0)); do
        case "$1" in
            --service) service="${2:-}"; shift 2 ;;
            --release) release="${2:-}"; shift 2 ;;
            --image) image="${2:-}"; shift 2 ;;
            --container-port) container_port="${2:-}"; shift 2 ;;
            --ports) ports="${2:-}"; shift 2 ;;
            --env-file) env_file="${2:-}"; shift 2 ;;
            --health-path) health_path="${2:-}"; shift 2 ;;
            --ready-path) ready_path="${2:-}"; shift 2 ;;
            --json-field) json_field="${2:-}"; shift 2 ;;
            --json-value) json_value="${2:-}"; shift 2 ;;
            --health-host) health_host="${2:-}"; shift 2 ;;
            --health-deadline) health_deadline="${2:-}"; shift 2 ;;
            --persist) persist+=("${2:-}"); shift 2 ;;
            --persist-owner) persist_owner="${2:-}"; shift 2 ;;
            --mount-file) mount_files+=("${2:-}"); shift 2 ;;
            --keep) keep="${2:-}"; shift 2 ;;
            --drain) drain="${2:-}"; shift 2 ;;
            --pull-attempts) pull_attempts="${2:-}"; shift 2 ;;
            --log-lines) log_lines="${2:-}"; shift 2 ;;
            --state-dir) state_dir="${2:-}"; shift 2 ;;
            --upstream) upstream="${2:-}"; shift 2 ;;
            --nginx) nginx="${2:-}"; shift 2 ;;
            --) shift; command=("$@"); break ;;
            *) echo "deploy: unknown argument $1" >&2; exit 64 ;;
        esac
    done
    LOG_PREFIX="deploy[$service]"
    [[ "$service" =~ ^[a-z][a-z0-9-]*$ ]] || { log "--service must be a lowercase name"; exit 64; }
    [[ "$release" =~ ^[0-9a-f]{7,40}$ ]] || { log "--release must be a commit SHA, got '$release'"; exit 64; }
    [[ "$image" == *@sha256:* ]] || { log "--image must be pinned by digest (repository@sha256:...), got '$image'"; exit 64; }
    [[ "$container_port" =~ ^[0-9]+$ ]] || { log "--container-port is required"; exit 64; }
    IFS=, read -r port_a port_b <<<"$ports"
    [[ "$port_a" =~ ^[0-9]+$ && "$port_b" =~ ^[0-9]+$ && "$port_a" != "$port_b" ]] || { log "--ports takes two different ports, A,B"; exit 64; }
    [[ -z "$persist_owner" || "$persist_owner" =~ ^[0-9]+:[0-9]+$ ]] || { log "--persist-owner takes a numeric uid:gid, got '$persist_owner'"; exit 64; }
    [[ "$log_lines" =~ ^[0-9]+$ ]] || { log "--log-lines takes a number, got '$log_lines'"; exit 64; }
    local spec
    for spec in "${persist[@]}" "${mount_files[@]}"; do
        [[ "$spec" =~ ^/[^:]+:/[^:]+$ ]] || { log "--persist and --mount-file take HOST_PATH:CONTAINER_PATH, both absolute, got '$spec'"; exit 64; }
    done
    for spec in "${mount_files[@]}"; do
        [[ -r "${spec%%:*}" ]] || { log "file ${spec%%:*} is missing; nothing was changed"; exit 65; }
    done
    [[ -z "$env_file" || -r "$env_file" ]] || { log "env file $env_file is missing; nothing was changed"; exit 65; }
    state_dir="${state_dir:-/srv/projectmeats/state/$service}"
    upstream="${upstream:-/etc/projectmeats/nginx/$service.upstream}"
}

running() { [[ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null || true)" == "true" ]]; }

# The `docker run` arguments besides the name, port and image: env file, mounts, labels.
run_options() {
    local spec
    [[ -n "$env_file" ]] && printf '%s\0' --env-file "$env_file"
    for spec in "${persist[@]}"; do printf '%s\0' --volume "$spec"; done
    for spec in "${mount_files[@]}"; do printf '%s\0' --volume "$spec:ro"; done
    return 0
}

# SHA-256 of what a container is started with besides its image: its options, command and port, and
# the content of its env file and read-only files. A running container never rereads them, so a
# change means a new container.
config_digest() {
    local spec
    {
        printf '%s\0' "$container_port"
        run_options
        printf 'command\0'
        ((${#command[@]} == 0)) || printf '%s\0' "${command[@]}"
        [[ -z "$env_file" ]] || cat "$env_file"
        for spec in "${mount_files[@]}"; do
            printf '\0'
            # A socket or device has no content to compare, only its path (in the options above).
            if [[ -f "${spec%%:*}" ]]; then cat "${spec%%:*}"; fi
        done
    } | sha256sum | cut -d' ' -f1
}

# Creates a persistent host folder and gives it to the container's user. The deploy user cannot
# chown; the Docker daemon can, so a throwaway container of the release's own image does it.
# Usage: ensure_persistent_dir HOST_DIR
ensure_persistent_dir() {
    local dir="$1"
    mkdir -p "$dir"
    if [[ -n "$persist_owner" && "$(stat -c '%u:%g' "$dir")" != "$persist_owner" ]]; then
        docker run --rm --network none --user 0:0 --entrypoint chown --volume "$dir:/projectmeats-persistent" "$image" "$persist_owner" /projectmeats-persistent
        log "gave $dir to $persist_owner"
    fi
}

# Why a started container is failing, or nothing (status 1) while it runs: exited, dead, gone, or
# restarting (Docker's restart policy brings a crashing container back in a loop).
# Usage: container_failure NAME
container_failure() {
    local state status restarts code
    state=$(docker inspect -f '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' "$1" 2>/dev/null) || {
        echo "is gone"
        return 0
    }
    read -r status restarts code <<<"$state"
    if [[ "$status" == exited || "$status" == dead ]]; then
        echo "exited with code $code"
        return 0
    fi
    if [[ "$status" == restarting ]] || ((restarts > 0)); then
        echo "is restarting in a loop (last exit code $code)"
        return 0
    fi
    return 1
}

# Health-checks the new container directly while watching it: fails as soon as it exits or restarts.
# Usage: check_new_container PORT
check_new_container() {
    local port="$1" checker failure
    local args=(--url "http://127.0.0.1:$port$health_path" --deadline "$health_deadline")
    [[ -n "$ready_path" ]] && args+=(--ready-url "http://127.0.0.1:$port$ready_path")
    [[ -n "$json_field" ]] && args+=(--json-field "$json_field" --json-value "$json_value")
    # The app checks the Host header (Django's ALLOWED_HOSTS answers 400 to 127.0.0.1), so the direct
    # check sends the service's public hostname, as nginx would.
    [[ -n "$health_host" ]] && args+=(--host "$health_host")
    bash "$here/health-check.sh" "${args[@]}" >&2 &
    checker=$!
    while kill -0 "$checker" 2>/dev/null; do
        if failure=$(container_failure "$name"); then
            kill "$checker" 2>/dev/null || true
            wait "$checker" 2>/dev/null || true
            log "$name $failure"
            return 1
        fi
        sleep 0.2
    done
    # Returned, not failed here: errexit would end the script inside this function, where main's ERR
    # trap (abandon) does not run (bash: the ERR trap is not inherited by functions without errtrace).
    wait "$checker" || return $?
}

# Prints the last log lines of a container, indented, to stderr.
# Usage: show_logs NAME
show_logs() {
    docker inspect "$1" >/dev/null 2>&1 || return 0
    log "last $log_lines log lines of $1:"
    docker logs --tail "$log_lines" "$1" 2>&1 | sed 's/^/    | /' >&2 || true
}

main() {
    parse_args "$@"
    read -ra nginx_cmd <<<"$nginx"
    mkdir -p "$state_dir"

    name="projectmeats-$service-$release"
    local current="$state_dir/current"
    local cur_release="" cur_image="" cur_port="" cur_container="" cur_config=""
    if [[ -s "$current" ]]; then
        read -r cur_release cur_image cur_port cur_container cur_config <"$current"
    fi
    local digest
    digest=$(config_digest)

    # Already live with the same configuration and healthy: nothing to do.
    local live_check=(--url "http://127.0.0.1:$cur_port$health_path" --deadline 5)
    [[ -n "$health_host" ]] && live_check+=(--host "$health_host")
    if [[ "$cur_release" == "$release" && "$cur_image" == "$image" && "$cur_config" == "$digest" ]] && running "$cur_container" &&
        bash "$here/health-check.sh" "${live_check[@]}" >/dev/null 2>&1; then
        log "release $release is already live on port $cur_port; nothing to do"
        exit 0
    fi

    local new_port="$port_a"
    [[ "$cur_port" == "$port_a" ]] && new_port="$port_b"

    pull_image "$image" "$pull_attempts"
    local spec
    for spec in "${persist[@]}"; do ensure_persistent_dir "${spec%%:*}"; done

    # The name is taken by the live container when only the configuration changed (it keeps serving,
    # under another name, until the switch), or by one left by an earlier failed attempt (removed).
    if docker inspect "$name" >/dev/null 2>&1; then
        if [[ "$name" == "$cur_container" ]]; then
            cur_container="$name-previous-$(date +%s)"
            docker rename "$name" "$cur_container"
        else
            docker rm -f "$name" >/dev/null
        fi
    fi

    switched=false
    live="$cur_container"
    trap abandon ERR

    local options=()
    mapfile -d '' -t options < <(run_options)
    log "starting $name from $image on 127.0.0.1:$new_port"
    # --init: a small init as PID 1 forwards SIGTERM, so `docker stop` ends the app gracefully.
    docker run -d --init --name "$name" --restart unless-stopped "${options[@]}" \
        --label "projectmeats.service=$service" --label "projectmeats.release=$release" \
        -p "127.0.0.1:$new_port:$container_port" "$image" "${command[@]}" >/dev/null

    check_new_container "$new_port"

    # Switch traffic: rewrite the upstream and reload nginx; old workers finish their requests.
    cp -f "$upstream" "$upstream.previous" 2>/dev/null || true
    printf 'server 127.0.0.1:%s;\n' "$new_port" >"$upstream.new"
    mv -f "$upstream.new" "$upstream"
    if ! "${nginx_cmd[@]}" -t >/dev/null 2>&1 || ! "${nginx_cmd[@]}" -s reload; then
        log "nginx refused the new upstream; restoring the previous one"
        if [[ -e "$upstream.previous" ]]; then mv -f "$upstream.previous" "$upstream"; fi
        false
    fi
    switched=true
    trap - ERR
    printf '%s %s %s %s %s\n' "$release" "$image" "$new_port" "$name" "$digest" >"$current.new"
    mv -f "$current.new" "$current"
    printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$release" "$image" >>"$state_dir/history"
    log "traffic switched to $name on port $new_port"

    if [[ -n "$cur_container" && "$cur_container" != "$name" ]] && running "$cur_container"; then
        sleep "$drain"
        docker stop -t 30 "$cur_container" >/dev/null
        log "stopped $cur_container (kept for rollback)"
    fi

    # Keep the newest --keep stopped releases of this service; remove older ones.
    local stopped=() old
    mapfile -t stopped < <(docker ps -a --filter "label=projectmeats.service=$service" --filter status=exited --format '{{.CreatedAt}}\t{{.Names}}' | sort -r | cut -f2)
    for old in "${stopped[@]:$keep}"; do
        docker rm "$old" >/dev/null && log "removed old release $old"
    done
    log "release $release is live"
}

# On any failure before the switch: show why, remove the new container, keep the old one serving.
abandon() {
    local code=$?
    if [[ "$switched" == false ]]; then
        show_logs "$name"
        log "release $release failed; removing $name, ${live:-nothing} keeps serving"
        docker rm -f "$name" >/dev/null 2>&1 || log "could not remove $name"
    fi
    exit "$code"
}

main "$@"
