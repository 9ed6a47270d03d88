#!/usr/bin/env bash
# Obtains (or keeps) the droplet's Let's Encrypt certificate with certbot, answering the HTTP-01
# challenge through nginx: certbot's webroot plugin writes the challenge under --webroot, which the
# droplet's port-80 server blocks serve at /.well-known/acme-challenge/ (components/server/edgeSites.ts).
#
# Not shipped with the release scripts (host/droplet/): user data installs it for edge droplet as root's
# /usr/local/sbin/projectmeats-certificate (0755, root-owned), and the deploy user may run it, and only
# it, with sudo (components/server/cloudInit.ts). So it trusts no argument: each is checked here.
#
# certbot keeps the certificate under /etc/letsencrypt/live/<name>/ and renews it from there
# (certbot's `renew`, run twice a day by the certbot package's systemd timer); the deploy hook that
# user data installs reloads nginx after each renewal. --keep-until-expiring makes a second run with
# the same names a no-op that succeeds; --expand adds a name to the existing certificate.
#
# Usage: obtain-certificate.sh --cert-name NAME --domain HOST [--domain HOST]... [--webroot DIR]
#                              [--email ADDRESS] [--server URL]
# Exit codes: 0 the certificate exists; certbot's own code when it fails; 64 usage error.
set -euo pipefail

cert_name=""
domains=()
webroot="/var/www/letsencrypt"
email=""
server=""

usage() {
    echo "obtain-certificate: $1" >&2
    echo "usage: obtain-certificate.sh --cert-name NAME --domain HOST [--domain HOST]... [--webroot DIR] [--email ADDRESS] [--server URL]" >&2
    exit 64
}

parse_args() {
    while (($# > 0)); do
        case "$1" in
            --cert-name) cert_name="${2:-}"; shift 2 ;;
            --domain) domains+=("${2:-}"); shift 2 ;;
            --webroot) webroot="${2:-}"; shift 2 ;;
            --email) email="${2:-}"; shift 2 ;;
            --server) server="${2:-}"; shift 2 ;;
            *) usage "unknown argument $1" ;;
        esac
    done
    [[ "$cert_name" =~ ^[a-z0-9][a-z0-9.-]{0,62}$ ]] || usage "--cert-name takes lowercase letters, digits, dots and dashes, got ${cert_name:-nothing}"
    ((${#domains[@]} > 0)) || usage "at least one --domain is required"
    local domain
    for domain in "${domains[@]}"; do
        [[ "$domain" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || usage "--domain takes a lowercase fully qualified hostname, got ${domain:-nothing}"
    done
    [[ "$webroot" =~ ^/[A-Za-z0-9._/-]+$ ]] || usage "--webroot takes an absolute path, got $webroot"
    [[ -z "$email" || "$email" =~ ^[^[:space:]@]+@[^[:space:]@]+$ ]] || usage "--email takes an address, got $email"
    [[ -z "$server" || "$server" =~ ^https://[^[:space:]]+$ ]] || usage "--server takes an https:// ACME directory URL, got $server"
}

# The certbot command line, one argument per line (printed by --print-certbot-args for the tests).
certbot_args() {
    local domain
    printf '%s\n' certonly --webroot --webroot-path "$webroot" --cert-name "$cert_name" \
        --non-interactive --agree-tos --keep-until-expiring --expand
    if [[ -n "$email" ]]; then printf '%s\n' --email "$email"; else printf '%s\n' --register-unsafely-without-email; fi
    if [[ -n "$server" ]]; then printf '%s\n' --server "$server"; fi
    for domain in "${domains[@]}"; do printf '%s\n' --domain "$domain"; done
}

main() {
    local print_only=false
    if [[ "${1:-}" == "--print-certbot-args" ]]; then
        print_only=true
        shift
    fi
    parse_args "$@"
    local args=()
    mapfile -t args < <(certbot_args)
    if [[ "$print_only" == true ]]; then
        printf '%s\n' "${args[@]}"
        return 0
    fi
    install -d -m 0755 "$webroot"
    certbot "${args[@]}"
    echo "certificate $cert_name for ${domains[*]}: /etc/letsencrypt/live/$cert_name/fullchain.pem"
}

main "$@"
