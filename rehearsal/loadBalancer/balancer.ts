/**
 * The load balancer stand-in's configuration, made from a `digitalocean.LoadBalancer`'s inputs as the
 * program declares them: HAProxy (Debian's, tools/standins/haproxy.ts) doing what DigitalOcean documents
 * its regional load balancer does with those inputs, and refusing the inputs it cannot emulate, so a
 * program that uses one fails the rehearsal instead of passing something else.
 *
 * What DigitalOcean documents, and what the configuration does with it:
 * - A forwarding rule takes `entry_protocol` on `entry_port` to `target_protocol` on `target_port` of
 *   the droplets, over the VPC; an `https` entry ends TLS with the certificate it names
 *   (terraform-provider-digitalocean docs/resources/loadbalancer.md, `forwarding_rule`). A frontend per
 *   entry port, a backend per target port.
 * - `redirect_http_to_https`: "HTTP requests to the Load Balancer on port 80 will be redirected to HTTPS
 *   on port 443" (same page). The status code is not documented; the stand-in answers 301.
 * - The balancer "sets the X-Forwarded-For, X-Forwarded-Proto, and X-Forwarded-Port headers" on what it
 *   forwards ("Load Balancers" product docs, docs.digitalocean.com).
 * - Health checks: `protocol`, `port`, `path`, every `check_interval_seconds`, answered within
 *   `response_timeout_seconds`, out after `unhealthy_threshold` failures, in after `healthy_threshold`
 *   passes (loadbalancer.md, `healthcheck`); success is "an HTTP status code indicating success in the
 *   200–299 range" ("How to Troubleshoot Load Balancer Health Check Issues", docs.digitalocean.com).
 *   Droplets added to a balancer start down until they pass (components/edge/edgeRules.ts
 *   `balancerAdmissionSeconds` has the sources): a joining droplet's server starts in maintenance
 *   (`joining`), and ./inside.ts then marks it down, since HAProxy would start it up.
 * - "Load balancers return 503 errors when there are either no Droplets assigned to them or all of the
 *   assigned Droplets are unhealthy" ("Load Balancer Support", docs.digitalocean.com): HAProxy's answer
 *   without a server is 503 as well.
 * - Idle connections end after 60 seconds by default (same page): `http_idle_timeout_seconds`.
 * - The droplets are `droplet_ids`, or every droplet carrying `droplet_tag`: "All Droplets with this tag
 *   applied will be assigned to the load balancer. Additional Droplets will be automatically assigned as
 *   they are tagged" (API reference, "Create a New Load Balancer", docs.digitalocean.com/reference/pydo/
 *   reference/load_balancers/create/). The rehearsal passes the droplets that carry each tag now, and
 *   configures the stand-in again whenever one is created or deleted.
 * Not documented, so the stand-in does the strict thing: a request whose connection to a droplet fails
 * is not sent to another one (`retries 0`), so a gap in a droplet's service is a failed request here.
 */

/** What the rehearsal gives the balancer besides its inputs. */
export interface BalancerSite {
    /** The balancer's address (its `ip`), where its entry ports listen. */
    readonly address: string;
    /** Each droplet's private address by its id. */
    readonly dropletAddresses: Readonly<Record<string, string>>;
    /** The ids of the droplets that carry each tag now. */
    readonly dropletsByTag?: Readonly<Record<string, readonly string[]>>;
    /**
     * Ids of droplets joining the balancer with this configuration: their servers start in maintenance
     * (`disabled`), so none is sent a request before it is marked down and then enabled, to be admitted
     * by its health checks as DigitalOcean admits a droplet (HAProxy would start it up).
     */
    readonly joining?: readonly string[];
    /** A PEM file (certificate chain, then private key) for each certificate by its name. */
    readonly certificateFiles: Readonly<Record<string, string>>;
    /** HAProxy's runtime API socket. */
    readonly adminSocket: string;
    /** Where each server's health is kept across a reload. */
    readonly stateFile: string;
}

interface ForwardingRule {
    readonly entryPort: number;
    readonly entryProtocol: string;
    readonly targetPort: number;
    readonly targetProtocol: string;
    readonly certificateName?: string;
    readonly certificateId?: string;
    readonly tlsPassthrough?: boolean;
}

interface Healthcheck {
    readonly protocol: string;
    readonly port: number;
    readonly path?: string;
    readonly checkIntervalSeconds?: number;
    readonly responseTimeoutSeconds?: number;
    readonly unhealthyThreshold?: number;
    readonly healthyThreshold?: number;
}

/** The provider's defaults where an input is unset (terraform-provider-digitalocean resource_loadbalancer.go schema). */
const HEALTHCHECK_DEFAULTS = { checkIntervalSeconds: 10, responseTimeoutSeconds: 5, unhealthyThreshold: 3, healthyThreshold: 5 } as const;
const IDLE_TIMEOUT_DEFAULT_SECONDS = 60;

/** The HAProxy name of the backend for droplets' `port`, and of a droplet's server in it. */
export const backendName = (port: number): string => `droplets-${port}`;
export const serverName = (dropletId: string): string => `droplet-${dropletId}`;

/**
 * HAProxy's configuration for the balancer `name` with these inputs (secrets revealed, as the provider
 * gets them). Every input it cannot emulate is named in one error.
 */
export function balancerConfig(name: string, inputs: Record<string, unknown>, site: BalancerSite): string {
    const problems: string[] = [];
    const rules = (Array.isArray(inputs.forwardingRules) ? inputs.forwardingRules : []) as ForwardingRule[];
    if (rules.length === 0) problems.push("forwardingRules: at least one rule is needed");
    const tagged = typeof inputs.dropletTag === "string" && inputs.dropletTag !== "";
    if (tagged && Array.isArray(inputs.dropletIds) && inputs.dropletIds.length > 0) problems.push("dropletIds and dropletTag: DigitalOcean takes one or the other");
    if (inputs.enableProxyProtocol === true) problems.push("enableProxyProtocol: not emulated");
    const sticky = inputs.stickySessions as { type?: string } | undefined;
    if (sticky?.type !== undefined && sticky.type !== "none") problems.push(`stickySessions.type ${sticky.type}: not emulated`);
    // With a tag, no droplet carrying it yet is allowed: the balancer answers 503 until one does.
    const dropletIds = tagged ? [...(site.dropletsByTag?.[String(inputs.dropletTag)] ?? [])] : (Array.isArray(inputs.dropletIds) ? inputs.dropletIds : []).map(String);
    if (!tagged && dropletIds.length === 0) problems.push("dropletIds: no droplet to balance (or a dropletTag)");
    const named = (Array.isArray(inputs.dropletIds) ? inputs.dropletIds : []).map(String);
    for (const id of new Set([...named, ...dropletIds])) if (site.dropletAddresses[id] === undefined) problems.push(`dropletIds: no droplet ${id} in the rehearsal`);
    const check = inputs.healthcheck as Healthcheck | undefined;
    if (check === undefined) problems.push("healthcheck: the stand-in needs one (the program's policy requires it)");
    else if (check.protocol !== "http" || check.path === undefined)
        problems.push(`healthcheck: only protocol http with a path is emulated, got ${check.protocol} ${check.path ?? "without a path"}`);
    const redirect = inputs.redirectHttpToHttps === true;
    for (const [i, rule] of rules.entries()) {
        const at = `forwardingRules[${i}]`;
        if (!["http", "https"].includes(rule.entryProtocol)) problems.push(`${at}.entryProtocol ${rule.entryProtocol}: only http and https are emulated`);
        if (rule.targetProtocol !== "http") problems.push(`${at}.targetProtocol ${rule.targetProtocol}: only http to the droplets is emulated`);
        if (rule.tlsPassthrough === true) problems.push(`${at}.tlsPassthrough: not emulated`);
        if (rule.entryProtocol === "https") {
            if (rule.certificateId !== undefined) problems.push(`${at}.certificateId: the id of a Let's Encrypt certificate changes on renewal; name it (certificateName)`);
            if (rule.certificateName === undefined) problems.push(`${at}: an https entry needs certificateName`);
            else if (site.certificateFiles[rule.certificateName] === undefined) problems.push(`${at}.certificateName ${rule.certificateName}: no such certificate`);
        }
    }
    if (redirect && !rules.some((r) => r.entryProtocol === "https" && r.entryPort === 443)) problems.push("redirectHttpToHttps: needs an https rule on port 443");
    if (problems.length > 0) throw new Error(`load balancer ${name}: the rehearsal cannot emulate these inputs:\n  ${problems.join("\n  ")}`);

    const c = { ...HEALTHCHECK_DEFAULTS, ...Object.fromEntries(Object.entries(check!).filter(([, v]) => v !== undefined)) } as Required<Healthcheck>;
    const idle = Number(inputs.httpIdleTimeoutSeconds ?? IDLE_TIMEOUT_DEFAULT_SECONDS);
    const lines = [
        `# The stand-in for DigitalOcean load balancer ${name}, made from its inputs (rehearsal/loadBalancer/balancer.ts).`,
        "global",
        `    stats socket ${site.adminSocket} mode 600 level admin`,
        `    server-state-file ${site.stateFile}`,
        "",
        "defaults",
        "    mode http",
        "    load-server-state-from-file global",
        "    timeout connect 5s",
        `    timeout client ${idle}s`,
        `    timeout server ${idle}s`,
        "    retries 0",
    ];
    for (const rule of [...rules].sort((a, b) => a.entryPort - b.entryPort)) {
        const tls = rule.entryProtocol === "https";
        lines.push("", `frontend entry-${rule.entryPort}`, `    bind ${site.address}:${rule.entryPort}${tls ? ` ssl crt ${site.certificateFiles[rule.certificateName!]}` : ""}`);
        if (!tls && redirect && rule.entryPort === 80) {
            lines.push("    http-request redirect scheme https code 301");
            continue;
        }
        lines.push(
            "    option forwardfor",
            `    http-request set-header X-Forwarded-Proto ${tls ? "https" : "http"}`,
            `    http-request set-header X-Forwarded-Port ${rule.entryPort}`,
            `    default_backend ${backendName(rule.targetPort)}`,
        );
    }
    for (const port of [...new Set(rules.map((r) => r.targetPort))].sort((a, b) => a - b)) {
        lines.push(
            "",
            `backend ${backendName(port)}`,
            `    option httpchk GET ${c.path}`,
            "    http-check expect status 200-299",
            `    timeout check ${c.responseTimeoutSeconds}s`,
            `    default-server check port ${c.port} inter ${c.checkIntervalSeconds}s fall ${c.unhealthyThreshold} rise ${c.healthyThreshold}`,
            ...[...dropletIds].sort().map((id) => `    server ${serverName(id)} ${site.dropletAddresses[id]}:${port}${site.joining?.includes(id) ? " disabled" : ""}`),
        );
    }
    return `${lines.join("\n")}\n`;
}

/** A server's line of HAProxy's `show stat`: sessions it was sent so far, and its status (`UP`, `DOWN`, `UP 1/3` while failing checks). */
export interface ServerStat {
    readonly sessions: number;
    readonly status: string;
}

/**
 * The servers of HAProxy's `show stat` answer (CSV whose header line starts with `# `; the management
 * guide §9.1 names the fields: `pxname`, `svname`, `stot` the total sessions, `status`), by server name;
 * the frontends' and backends' own lines are left out.
 */
export function serverStats(csv: string): Record<string, ServerStat> {
    const [header, ...rows] = csv.split("\n").filter((line) => line.trim() !== "");
    if (!header?.startsWith("# ")) throw new Error(`not an answer to show stat: ${JSON.stringify(csv.slice(0, 80))}`);
    const fields = header.slice(2).split(",");
    const at = (name: string) => {
        const index = fields.indexOf(name);
        if (index < 0) throw new Error(`show stat has no field ${name}`);
        return index;
    };
    const [sv, stot, status] = [at("svname"), at("stot"), at("status")];
    const stats: Record<string, ServerStat> = {};
    for (const row of rows.map((line) => line.split(","))) {
        if (row[sv] === "FRONTEND" || row[sv] === "BACKEND") continue;
        stats[row[sv]] = { sessions: Number(row[stot]), status: row[status] };
    }
    return stats;
}
