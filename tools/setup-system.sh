#!/usr/bin/env bash
# `npm run setup:system`: installs the Debian packages that `npm run test:system` (the real-parts
# suites) and `npm run rehearse` need. Runs as root. `npm test` needs none of them.
#
# - cloud-init validates every stack's rendered user data offline; shellcheck checks the shell scripts;
#   curl and jq are what host/local/ssh-window.sh calls the DigitalOcean API with (test/system/sshWindow.test.ts);
# - docker.io, docker-registry, apache2-utils (htpasswd), nginx-light, busybox-static, curl and
#   PostgreSQL are the real components the release scripts are tested against (test/system);
# - openssh-server, sudo, debootstrap, openssl, iproute2 and tini complete the local droplet of the
#   release rehearsal (rehearsal/); tini is PID 1 of its PID namespace, so orphans are reaped;
# - pebble (Let's Encrypt's ACME test server) and certbot are the edge rehearsal's certificate
#   authority and the droplet's ACME client (rehearsal/edge/).
set -euo pipefail

main() {
    if [[ "$(id -u)" != 0 ]]; then
        echo "setup:system installs Debian packages and must run as root (sudo npm run setup:system)" >&2
        exit 1
    fi
    local packages=()
    need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
    need cloud-init cloud-init
    need dockerd docker.io
    need docker-registry docker-registry
    need htpasswd apache2-utils
    need nginx nginx-light
    need busybox busybox-static
    need curl curl
    need iptables iptables
    need shellcheck shellcheck
    need sshd openssh-server
    need sudo sudo
    need debootstrap debootstrap
    need openssl openssl
    need ip iproute2
    need unshare util-linux
    need tini tini
    need jq jq
    need pebble pebble
    need certbot certbot
    need haproxy haproxy
    if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then packages+=(postgresql); fi
    if ((${#packages[@]} > 0)); then
        # Installing must not start services (sshd, nginx, dockerd): the tests start their own, in
        # their own namespaces. A policy-rc.d that says "no" is how Debian packages are told so.
        local added_policy=false
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 0755 /usr/sbin/policy-rc.d
            added_policy=true
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
        if [[ "$added_policy" == true ]]; then rm -f /usr/sbin/policy-rc.d; fi
    fi
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    echo "setup:system: ${#packages[@]} package(s) installed${packages[*]:+: ${packages[*]}}"
}

main "$@"
