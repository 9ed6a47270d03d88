/**
 * The nginx sites of a droplet for each edge mode (config/sections/edge.ts):
 * - `none`: plain HTTP on port 80, exactly `renderProxySites` (the rehearsal's).
 * - `loadBalancer`: HTTP on port 80 for the load balancer, which ended TLS; X-Forwarded-Proto is the
 *   balancer's, and a default server answers its health check with the service's own hostname.
 * - `droplet`: port 80 serves ACME HTTP-01 challenges and redirects everything else to HTTPS; the
 *   HTTPS servers (`renderTlsSites`) are installed once certbot has the certificate.
 */
import type { Service } from "../../model/services";
import { ACME_WEBROOT, IN_ROTATION_DIR, certificateFiles } from "../../model/layout";
import { InternalPaths, checkInternalPaths, internalLocations, proxyTo, renderProxySites, upstreamBlock } from "./hostCommands";

/** What the sites depend on in each mode. */
export type SitesEdge =
    | { readonly mode: "none" }
    | {
          readonly mode: "loadBalancer";
          /** The service the load balancer's health check reaches, and the path it asks for. */
          readonly health: { readonly service: Service; readonly path: string };
      }
    | { readonly mode: "droplet" };

/**
 * The variable X-Forwarded-Proto takes behind a load balancer: `https` when the balancer says so, else
 * the scheme nginx was reached by. A DigitalOcean load balancer sets X-Forwarded-Proto on what it
 * forwards ("Load Balancers" product docs, docs.digitalocean.com: "The load balancer sets the
 * X-Forwarded-For, X-Forwarded-Proto, and X-Forwarded-Port headers"); only the balancer and the VPC
 * reach port 80 in this mode (components/server/firewallRules.ts), so no one else can claim https.
 */
export const FORWARDED_PROTO = "$projectmeats_forwarded_proto";

const FORWARDED_PROTO_MAP = [`map $http_x_forwarded_proto ${FORWARDED_PROTO} {`, `    default $scheme;`, `    https https;`, `}`, ``].join("\n");

/** HSTS for a year on every HTTPS answer, errors included (`always`). */
export const HSTS_HEADER = `add_header Strict-Transport-Security "max-age=31536000" always;`;

/** The sites.conf of a droplet running `services`, for its edge mode. */
export function renderSites(services: readonly Service[], hostnames: Readonly<Record<Service, string>>, internal: InternalPaths, edge: SitesEdge): string {
    checkInternalPaths(internal);
    switch (edge.mode) {
        case "none":
            return renderProxySites(services, hostnames, undefined, internal);
        case "loadBalancer": {
            const { service, path } = edge.health;
            if (!services.includes(service)) throw new Error(`the load balancer's health check must reach a service this droplet runs (${services.join(", ")}), got ${service}`);
            if (!/^\/[A-Za-z0-9._~/-]*$/.test(path)) throw new Error(`the load balancer's health check path must be an absolute URL path, got ${JSON.stringify(path)}`);
            // The balancer's health check names no hostname of ours: the default server answers it with the service's.
            const healthServer = [
                `server {`,
                `    listen 80 default_server;`,
                `    listen [::]:80 default_server;`,
                `    server_name _;`,
                `    location = ${path} {`,
                ...internal.allow.map((source) => `        allow ${source};`),
                `        deny all;`,
                // A droplet enters the rotation once every service it runs is healthy: until the release
                // writes the file, the balancer's check fails here (a glob that matches nothing is no
                // error: nginx's ngx_conf_include). `set`, the include's `set` and `if` run in order
                // (ngx_http_rewrite_module).
                `        set $projectmeats_in_rotation 0;`,
                `        include ${IN_ROTATION_DIR}/*.conf;`,
                `        if ($projectmeats_in_rotation = 0) {`,
                `            return 503;`,
                `        }`,
                ...proxyTo(service, FORWARDED_PROTO, hostnames[service]),
                `    }`,
                `    location / {`,
                `        return 404;`,
                `    }`,
                `}`,
                ``,
            ].join("\n");
            return [FORWARDED_PROTO_MAP, renderProxySites(services, hostnames, undefined, internal, FORWARDED_PROTO), healthServer].join("\n");
        }
        case "droplet":
            return services
                .map((service) =>
                    [
                        ...upstreamBlock(service),
                        `server {`,
                        `    listen 80;`,
                        `    listen [::]:80;`,
                        `    server_name ${hostnames[service]};`,
                        `    location /.well-known/acme-challenge/ {`,
                        `        root ${ACME_WEBROOT};`,
                        `    }`,
                        `    location / {`,
                        `        return 301 https://$host$request_uri;`,
                        `    }`,
                        `}`,
                        ``,
                    ].join("\n"),
                )
                .join("\n");
    }
}

/** edge droplet: the HTTPS servers, with certbot's certificate for `certificateName`, HSTS, and the same locations as HTTP had. */
export function renderTlsSites(services: readonly Service[], hostnames: Readonly<Record<Service, string>>, internal: InternalPaths, certificateName: string): string {
    checkInternalPaths(internal);
    const files = certificateFiles(certificateName);
    return services
        .map((service) =>
            [
                `server {`,
                `    listen 443 ssl;`,
                `    listen [::]:443 ssl;`,
                `    server_name ${hostnames[service]};`,
                `    ssl_certificate ${files.fullchain};`,
                `    ssl_certificate_key ${files.privateKey};`,
                `    ssl_protocols TLSv1.2 TLSv1.3;`,
                `    ${HSTS_HEADER}`,
                `    client_max_body_size 25m;`,
                ...internalLocations(service, internal),
                `    location / {`,
                ...proxyTo(service),
                `    }`,
                `}`,
                ``,
            ].join("\n"),
        )
        .join("\n");
}

/**
 * What a group's load balancer health-checks: the backend's health path where the group runs the
 * backend (so also a droplet running both), else the frontend's. A DigitalOcean load balancer has one
 * health check ("Only 1 healthcheck is allowed", terraform-provider-digitalocean docs/resources/loadbalancer.md).
 */
export function groupHealthCheck(services: readonly Service[], healthPaths: Readonly<Record<Service, string>>): { service: Service; path: string } {
    const service: Service = services.includes("backend") ? "backend" : "frontend";
    if (!services.includes(service)) throw new Error("a server group runs at least one service");
    return { service, path: healthPaths[service] };
}
