/**
 * Names, tags, ports and paths that the droplets, the firewall and the release chain share.
 * Everything that is baked into a droplet's user data lives here and must not change per release.
 */
import type { Service } from "../model/services";

/** The Unix user that the release chain logs in as; member of the docker group. */
export const DEPLOY_USER = "deploy";

/** Where releases, env files and scripts live on a droplet (owned by the deploy user). */
export const APP_ROOT = "/srv/projectmeats";

/**
 * Where the release scripts are shipped. Created by user data: the command provider's copy creates
 * only the last element of a remote path (pulumi-command provider/pkg/provider/remote/copy.go).
 */
export const SCRIPT_DIR = `${APP_ROOT}/bin`;

/**
 * The database cluster's CA certificate on a backend droplet (not secret, mode 0644): the app's and the
 * rights step's `sslrootcert`, mounted read-only at the same path into the containers.
 */
export const DB_CA_PATH = `${APP_ROOT}/db-ca.crt`;

/** Host folders that outlive releases (uploads), one per persistent directory name: `<DATA_ROOT>/<name>`. */
export const DATA_ROOT = `${APP_ROOT}/data`;

export function persistentDirectoryPath(name: string): string {
    return `${DATA_ROOT}/${name}`;
}

/** The frontend's runtime configuration (`env-config.js`) on a frontend droplet, mounted read-only into the container. */
export const FRONTEND_CONFIG_FILE = `${APP_ROOT}/frontend-config.js`;

/** nginx configuration the deploy user may rewrite; included from `/etc/nginx/conf.d/projectmeats.conf`. */
export const NGINX_DIR = "/etc/projectmeats/nginx";

/**
 * edge loadBalancer: where the release says a droplet may enter its balancer's rotation, once every
 * service it runs is healthy (`IN_ROTATION_FILE`, `set $projectmeats_in_rotation 1;`). Until then the
 * balancer's health check answers 503 there (components/server/edgeSites.ts). Not a `*.conf` of
 * NGINX_DIR itself: only the health check's location includes it.
 */
export const IN_ROTATION_DIR = `${NGINX_DIR}/in-rotation`;
export const IN_ROTATION_FILE = `${IN_ROTATION_DIR}/droplet.conf`;

/**
 * Host ports a service's containers publish. A release starts its new container on the port of the
 * range not in use, so old and new run side by side during a swap.
 */
export const SERVICE_PORTS: Readonly<Record<Service, { readonly first: number; readonly last: number }>> = {
    backend: { first: 8000, last: 8009 },
    frontend: { first: 8080, last: 8089 },
};

/**
 * The port each service listens on inside its container. The backend's is the app's contract
 * (`projectmeats:appContainerPort`); this is its default, the frontend's is fixed.
 */
export const CONTAINER_PORTS: Readonly<Record<Service, number>> = { backend: 8000, frontend: 80 };

/** The path each service answers health checks on; the backend's comes from the app's contract (`projectmeats:appHealthPath`). */
export const HEALTH_PATHS: Readonly<Record<Service, string>> = { backend: "/api/v1/health/", frontend: "/" };

/** Tag on every droplet of an environment; the cloud firewall applies to it. */
export function environmentTag(environmentName: string): string {
    return `projectmeats-${environmentName}`;
}

/** Tag on the droplets that run a service; the database firewall admits the backend's droplets. */
export function serviceTag(environmentName: string, service: Service): string {
    return `projectmeats-${environmentName}-${service}`;
}

/** The droplet's name (and hostname) in DigitalOcean, e.g. `pm-dev-backend-1`. */
export function dropletHostname(environmentName: string, groupKey: string, ordinal: number): string {
    return `pm-${environmentName}-${groupKey}-${ordinal}`;
}

/** The droplet name of a server key (`backend-1`), as `dropletHostname` gives it: `pm-dev-backend-1`. */
export function serverDropletName(environmentName: string, serverKey: string): string {
    return `pm-${environmentName}-${serverKey}`;
}

/** Path of the nginx upstream file that points a service's traffic at its live container. */
export function upstreamPath(service: Service): string {
    return `${NGINX_DIR}/${service}.upstream`;
}

/**
 * Where certbot's webroot plugin writes HTTP-01 challenges and nginx serves them, at
 * `/.well-known/acme-challenge/` on port 80 (edge droplet).
 */
export const ACME_WEBROOT = "/var/www/letsencrypt";

/**
 * The root-owned script user data installs for edge droplet (host/root/obtain-certificate.sh): the
 * one command besides nginx's test and reload the deploy user may run with sudo.
 */
export const CERTIFICATE_SCRIPT = "/usr/local/sbin/projectmeats-certificate";

/** The TLS server blocks of edge droplet, written once the certificate exists; included like the sites. */
export const TLS_SITES_PATH = `${NGINX_DIR}/tls-sites.conf`;

/**
 * Where certbot keeps a certificate's current files: `/etc/letsencrypt/live/<name>/` (certbot's docs,
 * "Where are my certificates?"; `fullchain.pem` is nginx's `ssl_certificate`, `privkey.pem` its key).
 */
export function certificateFiles(certificateName: string): { readonly fullchain: string; readonly privateKey: string } {
    return { fullchain: `/etc/letsencrypt/live/${certificateName}/fullchain.pem`, privateKey: `/etc/letsencrypt/live/${certificateName}/privkey.pem` };
}

/** The certbot certificate name of a droplet's hostnames, e.g. `projectmeats-app-1`. */
export function certificateName(serverKey: string): string {
    return `projectmeats-${serverKey}`;
}
