/**
 * Commands the app-server component runs on each droplet over SSH. Each is idempotent: running it
 * twice with the same input leaves the host as once. Secrets arrive on stdin, never in the text.
 */
import type { Service } from "../../model/services";
import { Command, Script, and, or, privately, publicly, quiet, render, toFile } from "../shell";
import { DEPLOY_USER, NGINX_DIR, SERVICE_PORTS, upstreamPath } from "../../model/layout";

/**
 * Waits until cloud-init has finished (SSH answers before packages are installed). Exit code 2
 * means "done, with recoverable errors", which must not block a release.
 */
export function waitForCloudInit(): Script {
    return or(quiet(["cloud-init", "status", "--wait"]), new Script("[ $? -eq 2 ]"));
}

/** Path of the deploy user's Docker client configuration, which holds the registry credentials. */
export const DOCKER_CONFIG_PATH = `/home/${DEPLOY_USER}/.docker/config.json`;

/**
 * Replaces `path` with stdin, mode 0600, atomically (a reader never sees half a file): the one way
 * secrets reach a host.
 */
export function writePrivateFileFromStdin(path: string): Script {
    return and(privately(toFile(["cat"], `${path}.new`)), ["mv", "-f", `${path}.new`, path]);
}

/**
 * Replaces `path` with stdin, mode 0644, atomically: for files that are not secret but must be readable
 * by a container's user when mounted (a CA certificate, the frontend's runtime configuration).
 */
export function writePublicFileFromStdin(path: string): Script {
    return and(publicly(toFile(["cat"], `${path}.new`)), ["mv", "-f", `${path}.new`, path]);
}

/** Writes the Docker `config.json` read from stdin (mode 0600): the same as `docker login`. */
export function registryLoginCommand(): string {
    return render(and(waitForCloudInit(), ["install", "-d", "-m", "0700", `/home/${DEPLOY_USER}/.docker`], writePrivateFileFromStdin(DOCKER_CONFIG_PATH)));
}

/** Path of the nginx server blocks a droplet serves. */
export const PROXY_SITES_PATH = `${NGINX_DIR}/sites.conf`;

/**
 * Installs the nginx sites read from stdin and reloads nginx gracefully (old workers finish their
 * requests). An upstream file is created only where none exists, pointing at the service's first
 * port, so a later run never undoes the release chain's swap.
 */
export function proxySitesCommand(services: readonly Service[]): string {
    const seedUpstreams: Command[] = services.map((service) =>
        or(["test", "-e", upstreamPath(service)], toFile(["printf", "server 127.0.0.1:%s;\\n", String(SERVICE_PORTS[service].first)], upstreamPath(service))),
    );
    return render(
        and(
            waitForCloudInit(),
            ...seedUpstreams,
            toFile(["cat"], `${PROXY_SITES_PATH}.new`),
            ["mv", "-f", `${PROXY_SITES_PATH}.new`, PROXY_SITES_PATH],
            ["sudo", "/usr/sbin/nginx", "-t"],
            ["sudo", "/usr/sbin/nginx", "-s", "reload"],
        ),
    );
}

/**
 * Paths nginx answers only to the droplet itself, the VPC and the load balancer: the backend's health
 * and readiness answers show the database's state (ProjectMeats' degraded health answer names the
 * database host and port, backend/projectmeats/health.py). A DigitalOcean load balancer reaches droplets
 * in its VPC over the VPC ("How to Manage Load Balancers", docs.digitalocean.com: "Load balancers
 * automatically connect to Droplets that reside in the same VPC network"), so admitting the VPC admits it.
 */
export interface InternalPaths {
    /** Exact paths per service, e.g. `/api/v1/health/`. */
    readonly paths: Partial<Readonly<Record<Service, readonly string[]>>>;
    /** Addresses and CIDR blocks admitted, e.g. `127.0.0.1`, `::1` and the VPC's range. */
    readonly allow: readonly string[];
}

/**
 * The proxy directives of a location that passes a request to a service's live container.
 *
 * @param forwardedProto what X-Forwarded-Proto says. Default `$scheme`: the scheme nginx itself was
 * reached by, https only where TLS really ended here, so Django's SECURE_PROXY_SSL_HEADER never mistakes
 * plain HTTP for HTTPS (settings/production.py). Behind a load balancer that ended TLS, the variable
 * `edgeSites.ts` maps from the balancer's own header.
 * @param host the Host sent to the app. Default `$host`, the request's.
 */
export function proxyTo(service: Service, forwardedProto = "$scheme", host = "$host"): string[] {
    return [
        `        proxy_pass http://projectmeats_${service};`,
        `        proxy_http_version 1.1;`,
        `        proxy_set_header Connection "";`,
        `        proxy_set_header Host ${host};`,
        `        proxy_set_header X-Real-IP $remote_addr;`,
        `        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`,
        `        proxy_set_header X-Forwarded-Proto ${forwardedProto};`,
    ];
}

/** Refuses internal paths and sources that would change nginx's meaning. */
export function checkInternalPaths(internal: InternalPaths): void {
    for (const path of Object.values(internal.paths).flat()) {
        if (!/^\/[A-Za-z0-9._~/-]*$/.test(path ?? "")) throw new Error(`an internal path must be an absolute URL path, got ${JSON.stringify(path)}`);
    }
    for (const source of internal.allow) {
        if (!/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(source)) throw new Error(`an internal path's source must be an address or CIDR block, got ${JSON.stringify(source)}`);
    }
}

/** The exact locations of a service's internal paths, for the droplet and the VPC only. */
export function internalLocations(service: Service, internal: InternalPaths, forwardedProto = "$scheme"): string[] {
    return (internal.paths[service] ?? []).flatMap((path) => [
        `    location = ${path} {`,
        ...internal.allow.map((source) => `        allow ${source};`),
        `        deny all;`,
        ...proxyTo(service, forwardedProto),
        `    }`,
    ]);
}

/** The upstream block of a service: its live container, as the release chain's upstream file names it. */
export function upstreamBlock(service: Service): string[] {
    return [`upstream projectmeats_${service} {`, `    include ${upstreamPath(service)};`, `    keepalive 16;`, `}`];
}

/** nginx server blocks for the services a droplet runs, one per public hostname. */
export function renderProxySites(
    services: readonly Service[],
    hostnames: Readonly<Record<Service, string>>,
    listen: readonly string[] = ["80", "[::]:80"],
    internal: InternalPaths = { paths: {}, allow: [] },
    forwardedProto = "$scheme",
): string {
    checkInternalPaths(internal);
    return services
        .map((service) =>
            [
                ...upstreamBlock(service),
                `server {`,
                ...listen.map((address) => `    listen ${address};`),
                `    server_name ${hostnames[service]};`,
                `    client_max_body_size 25m;`,
                ...internalLocations(service, internal, forwardedProto),
                `    location / {`,
                ...proxyTo(service, forwardedProto),
                `    }`,
                `}`,
                ``,
            ].join("\n"),
        )
        .join("\n");
}
