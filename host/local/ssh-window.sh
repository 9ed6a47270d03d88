#!/usr/bin/env bash
# Opens SSH on one environment's droplets to one address for exactly as long as one command runs.
#
# Creates a DigitalOcean cloud firewall that admits only ADDRESS/32 on PORT, applied to the droplets
# tagged TAG; waits until DigitalOcean reports it applied; runs the command; and deletes the firewall
# when the command ends: on success, on failure, and on cancellation (a cancelled job's step gets
# SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that: GitHub docs, "Canceling a workflow"). A firewall left behind by a run that was killed
# outright (SIGKILL) is deleted by the next run for the same tag before it opens its own.
#
# Why a firewall per run: GitHub-hosted runners have no fixed address, so the standing firewall
# (projectmeats:sshAllowedCidrs) cannot admit them (GitHub docs, "About GitHub-hosted runners").
# DigitalOcean applies the union of the rules of every firewall on a droplet (DigitalOcean docs, "How
# to Manage Droplets and Firewalls"), so this firewall adds one source to the SSH port and removes
# nothing; deleting it takes exactly that source away again.
#
# Usage: DIGITALOCEAN_TOKEN=... ssh-window.sh --tag TAG --port PORT --address IPV4 --run RUN_ID -- COMMAND [ARG...]
#   TAG      the environment's droplet tag (model/layout.ts environmentTag), e.g. projectmeats-prod
#   PORT     the droplets' SSH port (projectmeats:sshPort)
#   IPV4     this machine's public IPv4 address, as the droplets see it
#   RUN_ID   names the firewall ci-ssh-<TAG>-<RUN_ID>, e.g. the workflow run's id and attempt
# Environment: DIGITALOCEAN_API_URL (default https://api.digitalocean.com), SSH_WINDOW_READY_SECONDS
# (how long to wait for the firewall to apply, default 120), SSH_WINDOW_POLL_SECONDS (default 2).
# The token needs the scopes firewall:create, firewall:read, firewall:delete, tag:create, tag:read.
# Exit status: the command's; 64 for bad arguments; 69 when the firewall cannot be opened; 70 when it
# cannot be deleted (SSH would stay open to this address: delete ci-ssh-<TAG>-* by hand); 128+n when
# stopped by signal n.
set -euo pipefail

api_url="${DIGITALOCEAN_API_URL:-https://api.digitalocean.com}"
ready_seconds="${SSH_WINDOW_READY_SECONDS:-120}"
poll_seconds="${SSH_WINDOW_POLL_SECONDS:-2}"

tag=""
port=""
address=""
run_id=""
firewall_id=""
child=""
api_status=""
api_body=""

log() {
    echo "ssh-window: $*" >&2
}

usage_error() {
    log "$1"
    log "usage: ssh-window.sh --tag TAG --port PORT --address IPV4 --run RUN_ID -- COMMAND [ARG...]"
    exit 64
}

is_ipv4() {
    local IFS=.
    local -a octets
    [[ "$1" =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || return 1
    read -r -a octets <<<"$1"
    local octet
    for octet in "${octets[@]}"; do
        ((10#$octet <= 255)) || return 1
    done
}

# Calls the DigitalOcean API; sets api_status (000 when unreachable) and api_body. The token goes to
# curl through a configuration file descriptor, never on a command line that `ps` shows.
api() {
    local method=$1 path=$2 body=${3:-}
    local -a args=(-sS --max-time 30 -X "$method" -H "Content-Type: application/json" -w '\n%{http_code}')
    [[ -n "$body" ]] && args+=(--data-binary "$body")
    local response
    if ! response=$(curl "${args[@]}" --config <(printf 'header = "Authorization: Bearer %s"\n' "$DIGITALOCEAN_TOKEN") "${api_url}${path}" 2>/dev/null); then
        api_status=000
        api_body=""
        return 0
    fi
    api_status=${response##*$'\n'}
    api_body=${response%$'\n'*}
}

is_success() {
    [[ "$api_status" =~ ^2[0-9][0-9]$ ]]
}

firewall_name() {
    echo "ci-ssh-${tag}-${run_id}"
}

# Deletes firewalls of earlier runs for this tag. Deploys of one stack run one at a time (the deploy
# workflow's concurrency group), so any such firewall belongs to a run that was killed outright.
sweep_stale() {
    api GET "/v2/firewalls?per_page=200"
    if ! is_success; then
        log "could not list firewalls (HTTP ${api_status}); not sweeping"
        return 0
    fi
    local prefix id name
    prefix="ci-ssh-${tag}-"
    while IFS=$'\t' read -r id name; do
        [[ -n "$id" ]] || continue
        api DELETE "/v2/firewalls/${id}"
        log "deleted ${name}, left behind by an earlier run (HTTP ${api_status})"
    done < <(jq -r --arg prefix "$prefix" '.firewalls[]? | select(.name | startswith($prefix)) | [.id, .name] | @tsv' <<<"$api_body")
}

# A firewall that names a tag needs the tag to exist; on the first deployment the droplets (and the
# program's tag resource) do not exist yet.
ensure_tag() {
    api POST /v2/tags "$(jq -cn --arg name "$tag" '{name: $name}')"
    is_success && return 0
    api GET "/v2/tags/${tag}"
    is_success && return 0
    log "tag ${tag} neither exists nor can be created (HTTP ${api_status})"
    exit 69
}

open_window() {
    local body
    body=$(jq -cn --arg name "$(firewall_name)" --arg tag "$tag" --arg port "$port" --arg source "${address}/32" \
        '{name: $name, tags: [$tag], inbound_rules: [{protocol: "tcp", ports: $port, sources: {addresses: [$source]}}]}')
    api POST /v2/firewalls "$body"
    if ! is_success; then
        log "could not create firewall $(firewall_name) (HTTP ${api_status}): ${api_body}"
        exit 69
    fi
    firewall_id=$(jq -r '.firewall.id // empty' <<<"$api_body")
    if [[ -z "$firewall_id" ]]; then
        log "DigitalOcean created firewall $(firewall_name) but returned no id: ${api_body}"
        exit 69
    fi
    log "opened SSH port ${port} on tag ${tag} to ${address}/32 (firewall $(firewall_name), ${firewall_id})"
}

# DigitalOcean applies a new firewall to the tagged droplets asynchronously: status "waiting" until
# then, "succeeded" once applied, with pending_changes listing droplets not yet updated.
wait_applied() {
    local start=$SECONDS state
    while true; do
        api GET "/v2/firewalls/${firewall_id}"
        state=""
        if is_success; then
            state=$(jq -r 'if .firewall.status == "succeeded" and ((.firewall.pending_changes // []) | length) == 0 then "applied" else .firewall.status end' <<<"$api_body")
        fi
        case "$state" in
        applied)
            log "firewall applied after $((SECONDS - start))s"
            return 0
            ;;
        failed)
            log "DigitalOcean failed to apply firewall $(firewall_name)"
            exit 69
            ;;
        esac
        if ((SECONDS - start >= ready_seconds)); then
            log "firewall $(firewall_name) not applied after ${ready_seconds}s (last status: ${state:-HTTP ${api_status}})"
            exit 69
        fi
        sleep "$poll_seconds"
    done
}

# Deletes this run's firewall; safe to call more than once. A firewall that is already gone counts as
# deleted. (This and the two handlers below run from traps, which shellcheck cannot follow.)
# shellcheck disable=SC2317
close_window() {
    [[ -n "$firewall_id" ]] || return 0
    local attempt
    for attempt in 1 2 3; do
        api DELETE "/v2/firewalls/${firewall_id}"
        if is_success || [[ "$api_status" == 404 ]]; then
            log "closed: deleted firewall $(firewall_name)"
            firewall_id=""
            return 0
        fi
        log "could not delete firewall $(firewall_name) (HTTP ${api_status}, attempt ${attempt} of 3)"
        ((attempt < 3)) && sleep "$poll_seconds"
    done
    log "SSH stays open to ${address}/32: delete firewall $(firewall_name) (${firewall_id}) by hand"
    return 1
}

# shellcheck disable=SC2317
on_exit() {
    local status=$?
    trap - EXIT
    close_window || status=70
    exit "$status"
}

# Closes the window first (the runner kills the job a few seconds after signalling it), then passes
# the signal on to the command (for `pulumi up`, SIGINT cancels gracefully) and waits for it.
# shellcheck disable=SC2317
on_signal() {
    local signal=$1 number=$2
    trap - INT TERM
    log "received SIG${signal}: closing SSH, then stopping the command"
    close_window || true
    if [[ -n "$child" ]]; then
        kill -s "$signal" "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    exit $((128 + number))
}

parse_args() {
    while (($# > 0)); do
        case "$1" in
        --tag | --port | --address | --run)
            (($# >= 2)) || usage_error "$1 needs a value"
            case "$1" in
            --tag) tag=$2 ;;
            --port) port=$2 ;;
            --address) address=$2 ;;
            --run) run_id=$2 ;;
            esac
            shift 2
            ;;
        --)
            shift
            command_args=("$@")
            return 0
            ;;
        *) usage_error "unknown argument: $1" ;;
        esac
    done
    command_args=()
}

main() {
    local -a command_args
    parse_args "$@"
    [[ "$tag" =~ ^[A-Za-z0-9:_-]{1,200}$ ]] || usage_error "--tag must be a DigitalOcean tag name (letters, digits, colons, dashes, underscores), got '${tag}'"
    if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
        usage_error "--port must be a TCP port from 1 to 65535, got '${port}'"
    fi
    is_ipv4 "$address" || usage_error "--address must be an IPv4 address such as 203.0.113.7, got '${address}'"
    [[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9.-]{0,60}$ ]] || usage_error "--run must be letters, digits, dots and dashes, got '${run_id}'"
    ((${#command_args[@]} > 0)) || usage_error "no command after --"
    [[ -n "${DIGITALOCEAN_TOKEN:-}" ]] || usage_error "DIGITALOCEAN_TOKEN is not set"

    trap on_exit EXIT
    trap 'on_signal INT 2' INT
    trap 'on_signal TERM 15' TERM

    sweep_stale
    ensure_tag
    open_window
    wait_applied

    # Job control gives the command its own process group and SIGINT's default action (a background
    # job of a non-interactive shell would otherwise ignore SIGINT), so only this script signals it.
    set -m
    "${command_args[@]}" &
    child=$!
    set +m
    local status=0
    wait "$child" || status=$?
    child=""
    log "command exited with status ${status}"
    exit "$status"
}

main "$@"
