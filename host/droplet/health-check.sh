#!/usr/bin/env bash
# Polls an app until it is healthy: exponential backoff with a cap, bounded by a deadline. With the
# defaults a healthy app is seen within a quarter second of becoming healthy.
#
# Healthy means, in one attempt: the readiness URL (if given) answers 2xx, and the health URL answers
# the expected status and, if --json-field is given, JSON whose field has the expected value. A status
# code alone is not enough: ProjectMeats' /api/v1/health/ answers 200 {"status": "degraded"} with its
# database down (backend/projectmeats/health.py `health_check`), while /api/v1/ready/ answers 503.
#
# The JSON is read with python3's json module: cloud-init, which sets up every droplet, is a Python 3
# program, so python3 is on every droplet this runs on (jq is not, and adding it to user data would
# replace the droplets); a regular expression over the body would misread nested or reordered JSON.
#
# Usage: health-check.sh --url URL [--ready-url URL] [--json-field FIELD --json-value VALUE]
#                        [--deadline SECONDS] [--initial-delay SECONDS] [--interval SECONDS]
#                        [--max-interval SECONDS] [--expect STATUS|2xx] [--timeout SECONDS] [--host HOST]
#                        [--resolve HOST:PORT:ADDRESS]
# --resolve hands curl the address of a URL's host (curl's own --resolve): an HTTPS URL with the public
# hostname, resolved to the droplet itself, checks nginx's certificate and name as users reach them.
# Exit codes: 0 healthy; 2 answered, but never healthy; 3 never answered at all; 64 usage error.
set -euo pipefail

url=""
ready_url=""
json_field=""
json_value=""
deadline=60
initial_delay=0
interval=0.05
max_interval=0.25
expect=200
timeout=2
host=""
resolve=""
# What the last unhealthy attempt saw, for the final message.
reason=""

usage() {
    echo "health-check: $1" >&2
    echo "usage: health-check.sh --url URL [--ready-url URL] [--json-field FIELD --json-value VALUE] [--deadline S] [--initial-delay S] [--interval S] [--max-interval S] [--expect STATUS|2xx] [--timeout S] [--host HOST] [--resolve HOST:PORT:ADDRESS]" >&2
    exit 64
}

parse_args() {
    while (($# > 0)); do
        case "$1" in
            --url) url="${2:-}"; shift 2 ;;
            --ready-url) ready_url="${2:-}"; shift 2 ;;
            --json-field) json_field="${2:-}"; shift 2 ;;
            --json-value) json_value="${2:-}"; shift 2 ;;
            --deadline) deadline="${2:-}"; shift 2 ;;
            --initial-delay) initial_delay="${2:-}"; shift 2 ;;
            --interval) interval="${2:-}"; shift 2 ;;
            --max-interval) max_interval="${2:-}"; shift 2 ;;
            --expect) expect="${2:-}"; shift 2 ;;
            --timeout) timeout="${2:-}"; shift 2 ;;
            --host) host="${2:-}"; shift 2 ;;
            --resolve) resolve="${2:-}"; shift 2 ;;
            *) usage "unknown argument $1" ;;
        esac
    done
    [[ -n "$url" ]] || usage "--url is required"
    local number='^[0-9]+([.][0-9]+)?$' value
    for value in "$deadline" "$initial_delay" "$interval" "$max_interval" "$timeout"; do
        [[ "$value" =~ $number ]] || usage "not a number of seconds: $value"
    done
    [[ "$expect" =~ ^[1-5]([0-9][0-9]|xx)$ ]] || usage "--expect takes an HTTP status or a class like 2xx, got $expect"
    [[ -z "$json_field" || "$json_field" =~ ^[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*)*$ ]] || usage "--json-field takes a field name (a.b for a nested one), got $json_field"
    [[ -z "$resolve" || "$resolve" =~ ^[A-Za-z0-9.-]+:[0-9]{1,5}:[0-9A-Fa-f.:]+$ ]] || usage "--resolve takes HOST:PORT:ADDRESS, got $resolve"
    [[ -z "$json_field" || -n "$json_value" ]] || usage "--json-field needs --json-value"
    [[ -n "$json_field" || -z "$json_value" ]] || usage "--json-value needs --json-field"
    if [[ -n "$json_field" ]] && ! command -v python3 >/dev/null 2>&1; then usage "--json-field needs python3 on this host"; fi
}

now() { printf '%s' "$EPOCHREALTIME"; }
elapsed_since() { awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.3f", n - s }'; }
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# Whether an HTTP status matches what is expected: an exact status, or a class such as 2xx.
# Usage: status_matches STATUS EXPECTED
status_matches() {
    local status="$1" wanted="$2"
    if [[ "$wanted" == ?xx ]]; then [[ "$status" == "${wanted:0:1}"[0-9][0-9] ]]; else [[ "$status" == "$wanted" ]]; fi
}

# Prints the value of a field (a.b for nested objects) of the JSON in a file: a string as it is,
# anything else as JSON (true, 3, null). Fails when the file is not JSON or has no such field.
# Usage: json_field_value FILE FIELD
json_field_value() {
    python3 - "$1" "$2" <<'PY' 2>/dev/null
import json
import sys

try:
    with open(sys.argv[1], encoding="utf-8") as body:
        value = json.load(body)
    for part in sys.argv[2].split("."):
        value = value[part]
except Exception:
    sys.exit(1)
print(value if isinstance(value, str) else json.dumps(value))
PY
}

# One request: prints the status (000 when nothing answered), writes the body to a file.
# Usage: fetch URL BODY_FILE
fetch() {
    local options=()
    [[ -n "$host" ]] && options+=(-H "Host: $host")
    [[ -n "$resolve" ]] && options+=(--resolve "$resolve")
    curl -s -o "$2" -w '%{http_code}' --max-time "$timeout" "${options[@]}" "$1" || true
}

# One attempt at every condition; sets `reason` and `last_status` when one fails.
# Usage: attempt BODY_FILE
attempt() {
    local body="$1" status value
    if [[ -n "$ready_url" ]]; then
        status=$(fetch "$ready_url" "$body")
        last_status="$status"
        if ! status_matches "$status" 2xx; then
            reason="$ready_url answered $status, expected 2xx"
            return 1
        fi
    fi
    status=$(fetch "$url" "$body")
    last_status="$status"
    if ! status_matches "$status" "$expect"; then
        reason="$url answered $status, expected $expect"
        return 1
    fi
    if [[ -n "$json_field" ]]; then
        if ! value=$(json_field_value "$body" "$json_field"); then
            reason="$url answered $status without a JSON field $json_field"
            return 1
        fi
        if [[ "$value" != "$json_value" ]]; then
            reason="$url answered $status with $json_field \"$value\", expected \"$json_value\""
            return 1
        fi
    fi
    return 0
}

main() {
    parse_args "$@"
    local start body attempts=0 answered=false elapsed excerpt
    start=$(now)
    body=$(mktemp)
    # shellcheck disable=SC2064 # the file's name is fixed now, on purpose
    trap "rm -f '$body'" EXIT
    last_status="000"
    sleep "$initial_delay"
    while true; do
        attempts=$((attempts + 1))
        if attempt "$body"; then
            echo "healthy: $url answered $last_status${json_field:+ with $json_field \"$json_value\"}${ready_url:+, $ready_url ready,} after $(elapsed_since "$start")s ($attempts attempts)"
            exit 0
        fi
        [[ "$last_status" != "000" ]] && answered=true
        elapsed=$(elapsed_since "$start")
        if ! before "$elapsed" "$deadline"; then
            excerpt=$(head -c 300 "$body" | tr -c '[:print:]' ' ')
            if [[ "$answered" == true ]]; then
                echo "unhealthy: $reason, after ${elapsed}s ($attempts attempts); body: ${excerpt:-<empty>}" >&2
                exit 2
            fi
            echo "unhealthy: $url never answered (connection failed or timed out) in ${elapsed}s ($attempts attempts)" >&2
            exit 3
        fi
        sleep "$interval"
        interval=$(awk -v i="$interval" -v m="$max_interval" 'BEGIN { d = i * 2; printf "%.3f", (d > m ? m : d) }')
    done
}

main "$@"
