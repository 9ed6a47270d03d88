/**
 * The edge: how the public reaches the app (`edge`), the DNS domain whose records the program manages
 * (`dnsDomain`), where the load balancer's certificate comes from (`edgeCertificate…`), and how many
 * droplets of a service a release swaps at once (`releaseBatchSize`).
 */
import { Problems, checkCount, fullKey, oneOf } from "../problems";
import { ConfigValues, unsetIfEmpty } from "../values";
import { isHostname } from "./hostnames";

export const EDGE_MODES = ["loadBalancer", "droplet", "none"] as const;
export type EdgeMode = (typeof EDGE_MODES)[number];

export const CERTIFICATE_SOURCES = ["letsEncrypt", "custom"] as const;

/** The load balancer's certificate: issued by DigitalOcean (Let's Encrypt), or the stack's own. */
export type EdgeCertificateConfig =
    | { readonly source: "letsEncrypt" }
    | { readonly source: "custom"; readonly leafCertificate: string; readonly certificateChain?: string; readonly privateKey: string };

export interface EdgeConfig {
    readonly mode: EdgeMode;
    /** The DigitalOcean DNS domain holding both hostnames; absent, the records are not managed. */
    readonly dnsDomain?: string;
    /** The load balancer's certificate; present in mode loadBalancer only. */
    readonly certificate?: EdgeCertificateConfig;
    /** The ACME directory certbot uses (mode droplet); absent means Let's Encrypt's production directory. */
    readonly acmeServer?: string;
}

export type EdgeValues = Pick<
    ConfigValues,
    | "edge"
    | "dnsDomain"
    | "edgeCertificate"
    | "edgeCertificateLeaf"
    | "edgeCertificateChain"
    | "edgeCertificatePrivateKey"
    | "edgeAcmeServer"
    | "releaseBatchSize"
    | "backendHostname"
    | "frontendHostname"
    | "backendDropletCount"
    | "frontendDropletCount"
>;

const MAX_BATCH = 10;
const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----\s*$/;
const PEM_PRIVATE_KEY = /^-----BEGIN (?:RSA |EC )?PRIVATE KEY-----\r?\n[\s\S]+?\r?\n-----END (?:RSA |EC )?PRIVATE KEY-----\s*$/;

/** True when `hostname` is `domain` or a name under it. */
export function isInDomain(hostname: string, domain: string): boolean {
    return hostname === domain || hostname.endsWith(`.${domain}`);
}

/**
 * @param secretKeys the keys whose values are secret (set with `--secret`): the private key must be one.
 */
export function validateEdge(values: EdgeValues, problems: Problems, secretKeys: readonly string[]): { edge: EdgeConfig; releaseBatchSize: number } {
    const mode = values.edge;
    if (mode !== undefined && !(EDGE_MODES as readonly string[]).includes(mode)) problems.add("edge", mode, oneOf([...EDGE_MODES]));
    const valid = mode !== undefined && (EDGE_MODES as readonly string[]).includes(mode) ? (mode as EdgeMode) : undefined;

    // A reserved IP and a certbot certificate serve one droplet: more than one per service needs a load balancer.
    if (valid === "droplet") {
        const counts = [
            ["backendDropletCount", values.backendDropletCount],
            ["frontendDropletCount", values.frontendDropletCount],
        ] as const;
        const crowded = counts.filter(([, count]) => count !== undefined && count > 1);
        if (crowded.length > 0) {
            problems.add(
                "edge",
                mode,
                `loadBalancer when a service runs on more than one droplet (${crowded.map(([key, count]) => `${key} ${count}`).join(", ")}): edge droplet serves each hostname from one droplet`,
            );
        }
    }

    const dnsDomain = unsetIfEmpty(values.dnsDomain);
    if (dnsDomain !== undefined) {
        if (!isHostname(dnsDomain)) {
            problems.add("dnsDomain", dnsDomain, 'a lowercase domain name on DigitalOcean DNS, e.g. "projectmeats.com"');
        } else {
            for (const key of ["backendHostname", "frontendHostname"] as const) {
                const hostname = values[key];
                if (hostname !== undefined && isHostname(hostname) && !isInDomain(hostname, dnsDomain)) {
                    problems.add(key, hostname, `a hostname in dnsDomain ${dnsDomain}, e.g. "api.${dnsDomain}", or no dnsDomain (then point the records yourself)`);
                }
            }
        }
    }

    const source = values.edgeCertificate;
    if (source !== undefined && !(CERTIFICATE_SOURCES as readonly string[]).includes(source)) problems.add("edgeCertificate", source, oneOf([...CERTIFICATE_SOURCES]));
    const leaf = unsetIfEmpty(values.edgeCertificateLeaf);
    const chain = unsetIfEmpty(values.edgeCertificateChain);
    const privateKey = unsetIfEmpty(values.edgeCertificatePrivateKey);
    let certificate: EdgeCertificateConfig | undefined;
    if (source === "custom") {
        if (valid !== undefined && valid !== "loadBalancer") {
            problems.add(
                "edgeCertificate",
                source,
                `letsEncrypt with edge ${valid}: a custom certificate is for edge loadBalancer${valid === "droplet" ? " (edge droplet obtains its own with certbot)" : ""}`,
            );
        }
        if (leaf === undefined) problems.add("edgeCertificateLeaf", undefined, "a PEM certificate (-----BEGIN CERTIFICATE-----), because edgeCertificate is custom");
        else if (!PEM_CERTIFICATE.test(leaf.trim()))
            problems.add("edgeCertificateLeaf", "(not a PEM certificate, not shown)", "one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)");
        if (chain !== undefined && !/^(?:-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----\s*)+$/.test(chain.trim())) {
            problems.add("edgeCertificateChain", "(not PEM certificates, not shown)", "PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----), or nothing");
        }
        if (privateKey === undefined) {
            problems.add(
                "edgeCertificatePrivateKey",
                undefined,
                "a PEM private key, set with `pulumi config set --secret edgeCertificatePrivateKey`, because edgeCertificate is custom",
            );
        } else if (!secretKeys.includes(fullKey("edgeCertificatePrivateKey"))) {
            problems.add("edgeCertificatePrivateKey", "(plain text, not shown)", "a secret: set it with `pulumi config set --secret edgeCertificatePrivateKey <pem>`");
        } else if (!PEM_PRIVATE_KEY.test(privateKey.trim())) {
            problems.add("edgeCertificatePrivateKey", "(secret, not shown)", "a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)");
        }
        if (leaf !== undefined && privateKey !== undefined)
            certificate = { source: "custom", leafCertificate: leaf, ...(chain === undefined ? {} : { certificateChain: chain }), privateKey };
    } else {
        for (const key of ["edgeCertificateLeaf", "edgeCertificateChain", "edgeCertificatePrivateKey"] as const) {
            if (unsetIfEmpty(values[key]) !== undefined) problems.add(key, "(not shown)", "no value unless edgeCertificate is custom");
        }
        // DigitalOcean issues Let's Encrypt certificates only for domains on its DNS (terraform-provider-digitalocean
        // docs/resources/certificate.md, `domains`: "The domains must be managed using DigitalOcean's DNS").
        if (source === "letsEncrypt" && valid === "loadBalancer" && dnsDomain === undefined) {
            problems.add(
                "dnsDomain",
                undefined,
                "the DigitalOcean DNS domain of the hostnames, because edge loadBalancer with edgeCertificate letsEncrypt needs it; or edgeCertificate custom",
            );
        }
        if (source === "letsEncrypt") certificate = { source: "letsEncrypt" };
    }

    const acmeServer = unsetIfEmpty(values.edgeAcmeServer);
    if (acmeServer !== undefined) {
        if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(acmeServer))
            problems.add("edgeAcmeServer", acmeServer, 'an https:// ACME directory URL, e.g. "https://acme-staging-v02.api.letsencrypt.org/directory"');
        else if (valid !== undefined && valid !== "droplet") problems.add("edgeAcmeServer", acmeServer, `no value with edge ${valid}: only edge droplet runs certbot`);
    }

    const batch = values.releaseBatchSize;
    checkCount(problems, "releaseBatchSize", batch, 1, MAX_BATCH);

    return {
        edge: {
            mode: valid!,
            ...(dnsDomain === undefined ? {} : { dnsDomain }),
            ...(valid === "loadBalancer" && certificate !== undefined ? { certificate } : {}),
            ...(valid === "droplet" && acmeServer !== undefined ? { acmeServer } : {}),
        },
        releaseBatchSize: batch!,
    };
}
