#!/usr/bin/env bash
# Waits, bounded, until a freshly created droplet accepts TCP connections on its SSH port.
# The command provider retries SSH dials with no pause between attempts
# (https://github.com/pulumi/pulumi-command/issues/1238), so without this wait a droplet that is
# still booting exhausts the dial limit in seconds.
# Usage: HOST=203.0.113.7 [PORT=22] [DEADLINE_SECONDS=300] wait-for-ssh.sh
set -euo pipefail

host="${HOST:?HOST is required}"
port="${PORT:-22}"
deadline_seconds="${DEADLINE_SECONDS:-300}"
start=$SECONDS
delay=1

while true; do
    # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell, on purpose.
    if timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
        echo "ssh port ${host}:${port} open after $((SECONDS - start))s"
        exit 0
    fi
    if (( SECONDS - start >= deadline_seconds )); then
        echo "ssh port ${host}:${port} still closed after ${deadline_seconds}s; is the droplet up and port ${port} open to this machine (projectmeats:sshAllowedCidrs, projectmeats:sshPort)?" >&2
        exit 1
    fi
    sleep "$delay"
    delay=$(( delay < 8 ? delay * 2 : 8 ))
done
