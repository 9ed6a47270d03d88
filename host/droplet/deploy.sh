#!/usr/bin/env bash
# Zero-downtime release of one service on this host:
#   pull (retried) -> start the new container beside the old one -> health-check it directly ->
#   point nginx at it and reload gracefully -> let the old one drain -> stop it.
# On any failure before the switch, the new container is removed and the old one keeps serving;
# the script exits non-zero so `pulumi up` fails loudly. Running it again with the live release and
# the same env file is a no-op; a changed env file (database URL, secret key) swaps in a new container
# of the same release the same way, since a running container never rereads its env file. Stopped containers of the last --keep releases stay on the host for a one-step rollback.
#
# Usage: deploy.sh --service NAME --release SHA --image REPOSITORY@sha256:... --container-port N
#                  --ports A,B [--env-file PATH] [--health-path PATH] [--health-host HOST]
#                  [--health-deadline S]
#                  [--collectstatic] [--keep N] [--drain S] [--pull-attempts N]
#                  [--state-dir DIR] [--upstream FILE] [--nginx "COMMAND"]
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
health_host=""
health_deadline=60
collectstatic=false
keep=3
drain=5
pull_attempts=5
state_dir=""
upstream=""
nginx="sudo /usr/sbin/nginx"

while (($# > 0)); do
    case "$1" in
        --service) service="${2:-}"; shift 2 ;;
        --release) release="${2:-}"; shift 2 ;;
        --image) image="${2:-}"; shift 2 ;;
        --container-port) container_port="${2:-}"; shift 2 ;;
        --ports) ports="${2:-}"; shift 2 ;;
        --env-file) env_file="${2:-}"; shift 2 ;;
        --health-path) health_path="${2:-}"; shift 2 ;;
        --health-host) health_host="${2:-}"; shift 2 ;;
        --health-deadline) health_deadline="${2:-}"; shift 2 ;;
        --collectstatic) collectstatic=true; shift ;;
        --keep) keep="${2:-}"; shift 2 ;;
        --drain) drain="${2:-}"; shift 2 ;;
        --pull-attempts) pull_attempts="${2:-}"; shift 2 ;;
        --state-dir) state_dir="${2:-}"; shift 2 ;;
        --upstream) upstream="${2:-}"; shift 2 ;;
        --nginx) nginx="${2:-}"; shift 2 ;;
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
state_dir="${state_dir:-/srv/projectmeats/state/$service}"
upstream="${upstream:-/etc/projectmeats/nginx/$service.upstream}"
read -ra nginx_cmd <<<"$nginx"
# The app checks the Host header (Django's ALLOWED_HOSTS answers 400 to 127.0.0.1), so the direct
# check of a container sends the service's public hostname, as nginx would.
host_args=()
[[ -n "$health_host" ]] && host_args=(--host "$health_host")
mkdir -p "$state_dir"

name="projectmeats-$service-$release"
current="$state_dir/current"
cur_release="" cur_image="" cur_port="" cur_container="" cur_env=""
if [[ -s "$current" ]]; then
    read -r cur_release cur_image cur_port cur_container cur_env <"$current"
fi
# What the container was started with besides its image: the env file's content.
env_digest="-"
[[ -n "$env_file" ]] && env_digest="$(sha256sum "$env_file" | cut -d' ' -f1)"

running() { [[ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null || true)" == "true" ]]; }

# Already live with the same env file and healthy: nothing to do.
if [[ "$cur_release" == "$release" && "$cur_image" == "$image" && "$cur_env" == "$env_digest" ]] && running "$cur_container" \
    && bash "$here/health-check.sh" --url "http://127.0.0.1:$cur_port$health_path" "${host_args[@]}" --deadline 5 >/dev/null 2>&1; then
    log "release $release is already live on port $cur_port; nothing to do"
    exit 0
fi

new_port="$port_a"
[[ "$cur_port" == "$port_a" ]] && new_port="$port_b"

pull_image "$image" "$pull_attempts"

# The name is taken by the live container when only the env file changed (it keeps serving, under
# another name, until the switch), or by one left by an earlier failed attempt (removed).
if docker inspect "$name" >/dev/null 2>&1; then
    if [[ "$name" == "$cur_container" ]]; then
        cur_container="$name-previous-$(date +%s)"
        docker rename "$name" "$cur_container"
    else
        docker rm -f "$name" >/dev/null
    fi
fi

switched=false
abandon() {
    local code=$?
    if [[ "$switched" == false ]]; then
        log "release $release failed; removing $name, ${cur_container:-nothing} keeps serving"
        docker rm -f "$name" >/dev/null 2>&1 || log "could not remove $name"
    fi
    exit "$code"
}
trap abandon ERR

env_args=()
[[ -n "$env_file" ]] && env_args=(--env-file "$env_file")
log "starting $name from $image on 127.0.0.1:$new_port"
# --init: a small init as PID 1 forwards SIGTERM, so `docker stop` ends the app gracefully.
docker run -d --init --name "$name" --restart unless-stopped "${env_args[@]}" \
    --label "projectmeats.service=$service" --label "projectmeats.release=$release" \
    -p "127.0.0.1:$new_port:$container_port" "$image" >/dev/null

if [[ "$collectstatic" == true ]]; then
    log "collecting static files"
    docker exec "$name" python backend/manage.py collectstatic --noinput >/dev/null
fi

bash "$here/health-check.sh" --url "http://127.0.0.1:$new_port$health_path" "${host_args[@]}" --deadline "$health_deadline" >&2

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
printf '%s %s %s %s %s\n' "$release" "$image" "$new_port" "$name" "$env_digest" >"$current.new"
mv -f "$current.new" "$current"
printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$release" "$image" >>"$state_dir/history"
log "traffic switched to $name on port $new_port"

if [[ -n "$cur_container" && "$cur_container" != "$name" ]] && running "$cur_container"; then
    sleep "$drain"
    docker stop -t 30 "$cur_container" >/dev/null
    log "stopped $cur_container (kept for rollback)"
fi

# Keep the newest --keep stopped releases of this service; remove older ones.
mapfile -t stopped < <(docker ps -a --filter "label=projectmeats.service=$service" --filter status=exited --format '{{.CreatedAt}}\t{{.Names}}' | sort -r | cut -f2)
for old in "${stopped[@]:$keep}"; do
    docker rm "$old" >/dev/null && log "removed old release $old"
done
log "release $release is live"
