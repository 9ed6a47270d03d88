/**
 * What the edge components decide, as pure functions: record names, certificate names, a load
 * balancer's forwarding rules and health check.
 *
 * A DigitalOcean (regional) load balancer cannot route by hostname: a forwarding rule has an entry and
 * a target port and protocol, a certificate and TLS passthrough, nothing that names a Host or a path
 * (@pulumi/digitalocean 4.80.1 `LoadBalancerForwardingRule`; terraform-provider-digitalocean
 * docs/resources/loadbalancer.md `forwarding_rule`), and one balancer has one set of droplets. So each
 * server group gets its own balancer, with one HTTPS rule for all of its hostnames (one certificate
 * naming them all); a droplet running both services gets one balancer, and its nginx routes by Host.
 */
import * as crypto from "crypto";
import type * as digitalocean from "@pulumi/digitalocean";
import type * as pulumi from "@pulumi/pulumi";

type ForwardingRule = digitalocean.types.input.LoadBalancerForwardingRule;
type Healthcheck = digitalocean.types.input.LoadBalancerHealthcheck;

/**
 * The record name of `hostname` in `domain` as DigitalOcean's records take it: relative to the domain,
 * `@` for the domain itself (terraform-provider-digitalocean docs/resources/record.md, `name`).
 */
export function dnsRecordName(hostname: string, domain: string): string {
    if (hostname === domain) return "@";
    if (!hostname.endsWith(`.${domain}`)) throw new Error(`${hostname} is not in the domain ${domain}`);
    return hostname.slice(0, -domain.length - 1);
}

/** The certificate's source, as the name's fingerprint reads it. */
export type CertificateIdentity = { readonly type: "lets_encrypt"; readonly domains: readonly string[] } | { readonly type: "custom"; readonly leafCertificate: string };

/**
 * The name of the load balancers' certificate: `projectmeats-<env>-<fingerprint>`, the fingerprint a
 * digest of what the certificate is (its domains, or its leaf certificate). A certificate cannot be
 * changed in place, and the provider's advice for replacing one behind a load balancer is to create the
 * new one first and to "change the name of the certificate, as there cannot be multiple certificates with
 * the same name in an account" (@pulumi/digitalocean 4.80.1 `LoadBalancer` docs; Pulumi replaces
 * create-before-delete by default). A new identity gives a new name; the same one, the same name.
 */
export function certificateName(environmentName: string, identity: CertificateIdentity): string {
    const source = identity.type === "lets_encrypt" ? `lets_encrypt\n${[...identity.domains].sort().join("\n")}` : `custom\n${identity.leafCertificate.trim()}`;
    return `projectmeats-${environmentName}-${crypto.createHash("sha256").update(source).digest("hex").slice(0, 10)}`;
}

/**
 * HTTPS on 443 ended at the balancer with the certificate named by `certificateName` (never its id: "Certificate
 * IDs may change, for example when a Let's Encrypt certificate is auto-renewed. Please specify
 * 'certificate_name' instead", @pulumi/digitalocean 4.80.1 `LoadBalancerForwardingRule.certificateId`),
 * forwarded as HTTP to nginx on port 80; and HTTP on 80, which `redirectHttpToHttps` answers with a
 * redirect to HTTPS ("HTTP requests to the Load Balancer on port 80 will be redirected to HTTPS on port 443",
 * docs/resources/loadbalancer.md `redirect_http_to_https`).
 */
export function forwardingRules(certificateName: pulumi.Input<string>): ForwardingRule[] {
    return [
        { entryPort: 443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateName },
        { entryPort: 80, entryProtocol: "http", targetPort: 80, targetProtocol: "http" },
    ];
}

/**
 * The app's health path over HTTP on nginx's port 80, where the droplet's default server answers it
 * with the service's hostname (components/server/edgeSites.ts). Success is a status from 200 to 399
 * ("Health Check" glossary, docs.digitalocean.com). Explicit values where the provider has defaults:
 * every 10 s, 5 s to answer, out after 3 failures, back after 3 passes.
 */
export function loadBalancerHealthcheck(path: string): Healthcheck {
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(path)) throw new Error(`a health check path must be an absolute URL path, got ${JSON.stringify(path)}`);
    return { protocol: "http", port: 80, path, checkIntervalSeconds: 10, responseTimeoutSeconds: 5, unhealthyThreshold: 3, healthyThreshold: 3 };
}

/** The A records of `hostnames` in `domain`, each pointing at `address`. Five minutes: an address that moves is seen soon. */
export const DNS_TTL_SECONDS = 300;

/**
 * Seconds a load balancer may take to send traffic to a droplet that has just become healthy. Droplets
 * join a balancer down and are sent traffic once they pass `healthyThreshold` checks in a row (added
 * droplets "begin in the DOWN state and remain there until they pass the load balancer's health check",
 * as DigitalOcean's health check page is quoted at bobcares.com/?p=319043; "Your health check
 * configuration determines how long it takes for an unhealthy backend to be marked as Healthy",
 * "How to Troubleshoot Load Balancer Health Check Issues", docs.digitalocean.com); checks come every
 * `checkIntervalSeconds` and may take `responseTimeoutSeconds`. On the first `up`, the release's check through the balancer
 * runs moments after the droplets became healthy, so it must wait this long (the load-balancer
 * rehearsal, `npm run rehearse:lb`, measures the wait).
 */
export function balancerAdmissionSeconds(check: Healthcheck): number {
    const interval = Number(check.checkIntervalSeconds ?? 10);
    const timeout = Number(check.responseTimeoutSeconds ?? 5);
    const threshold = Number(check.healthyThreshold ?? 5);
    return threshold * interval + timeout;
}
