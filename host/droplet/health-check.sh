#!/usr/bin/env bash
# Polls an HTTP endpoint until it answers the expected status: exponential backoff with a cap,
# bounded by a deadline. Replaces a fixed 5 s sleep between attempts: with the defaults a healthy
# app is seen within a quarter second of becoming healthy.
#
# Usage: health-check.sh --url URL [--deadline SECONDS] [--initial-delay SECONDS] [--interval SECONDS]
#                        [--max-interval SECONDS] [--expect STATUS] [--timeout SECONDS] [--host HOST]
# Exit codes: 0 healthy; 2 answered, but never with the expected status; 3 never answered at all;
#             64 usage error.
set -euo pipefail

url=""
deadline=60
initial_delay=0
interval=0.05
max_interval=0.25
expect=200
timeout=2
host=""

usage() {
    echo "health-check: $1" >&2
    echo "usage: health-check.sh --url URL [--deadline S] [--initial-delay S] [--interval S] [--max-interval S] [--expect STATUS] [--timeout S] [--host HOST]" >&2
    exit 64
}

while (($# > 0)); do
    case "$1" in
        --url) url="${2:-}"; shift 2 ;;
        --deadline) deadline="${2:-}"; shift 2 ;;
        --initial-delay) initial_delay="${2:-}"; shift 2 ;;
        --interval) interval="${2:-}"; shift 2 ;;
        --max-interval) max_interval="${2:-}"; shift 2 ;;
        --expect) expect="${2:-}"; shift 2 ;;
        --timeout) timeout="${2:-}"; shift 2 ;;
        --host) host="${2:-}"; shift 2 ;;
        *) usage "unknown argument $1" ;;
    esac
done

[[ -n "$url" ]] || usage "--url is required"
number='^[0-9]+([.][0-9]+)?$'
for value in "$deadline" "$initial_delay" "$interval" "$max_interval" "$timeout"; do
    [[ "$value" =~ $number ]] || usage "not a number of seconds: $value"
done
[[ "$expect" =~ ^[1-5][0-9][0-9]$ ]] || usage "--expect takes an HTTP status, got $expect"

now() { printf '%s' "$EPOCHREALTIME"; }
elapsed_since() { awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.3f", n - s }'; }
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

start=$(now)
body=$(mktemp)
trap 'rm -f "$body"' EXIT
headers=()
[[ -n "$host" ]] && headers=(-H "Host: $host")

sleep "$initial_delay"
attempts=0
status="000"
answered=false
while true; do
    attempts=$((attempts + 1))
    status=$(curl -s -o "$body" -w '%{http_code}' --max-time "$timeout" "${headers[@]}" "$url" || true)
    if [[ "$status" == "$expect" ]]; then
        echo "healthy: $url answered $status after $(elapsed_since "$start")s ($attempts attempts)"
        exit 0
    fi
    [[ "$status" != "000" ]] && answered=true
    elapsed=$(elapsed_since "$start")
    if ! before "$elapsed" "$deadline"; then
        excerpt=$(head -c 300 "$body" | tr -c '[:print:]' ' ')
        if [[ "$answered" == true ]]; then
            echo "unhealthy: $url answered $status, expected $expect, after ${elapsed}s ($attempts attempts); body: ${excerpt:-<empty>}" >&2
            exit 2
        fi
        echo "unhealthy: $url never answered (connection failed or timed out) in ${elapsed}s ($attempts attempts)" >&2
        exit 3
    fi
    sleep "$interval"
    interval=$(awk -v i="$interval" -v m="$max_interval" 'BEGIN { d = i * 2; printf "%.3f", (d > m ? m : d) }')
done
