/**
 * The edge: what the public reaches. Production serves HTTPS only; every load balancer checks the
 * app's health and names its certificate; no app port is reachable from outside the VPC.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, isProductionStack, strings } from "./walk";

const LOAD_BALANCER = "digitalocean:index/loadBalancer:LoadBalancer";
const VPC = "digitalocean:index/vpc:Vpc";
const HTTPS_PROTOCOLS = ["https", "http2", "http3"];

type Rule = Record<string, unknown>;

function forwardingRules(lb: Pick<PolicyResource, "props">): Rule[] {
    return Array.isArray(lb.props.forwardingRules) ? (lb.props.forwardingRules as Rule[]) : [];
}

/** True when nginx in a command's text or stdin serves TLS: a `listen 443 ssl` server. */
export function servesTls(text: string): boolean {
    return /^\s*listen\s+(\[::\]:|[0-9.]+:)?443\s+ssl\b/m.test(text);
}

/**
 * True when the stack declares an HTTPS edge: a load balancer with an https forwarding rule, or a
 * command installing an nginx server that listens with TLS (edge droplet's HTTPS sites).
 */
export function hasHttpsEdge(resources: readonly Pick<PolicyResource, "type" | "props">[]): boolean {
    const balancer = resources.some((r) => r.type === LOAD_BALANCER && forwardingRules(r).some((rule) => HTTPS_PROTOCOLS.includes(String(rule.entryProtocol))));
    const nginx = resources.some((r) => r.type === TYPES.remoteCommand && [...strings(r.props.stdin), ...strings(r.props.create)].some(([, text]) => servesTls(text)));
    return balancer || nginx;
}

export const prodHttpsOnly: StackValidationPolicy = {
    name: "prod-https-only",
    description: "Checks whether a production stack serves HTTPS only: an HTTPS edge exists, and no load balancer forwards plain HTTP other than by redirecting it to HTTPS.",
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.resources)) return;
        if (!hasHttpsEdge(args.resources)) {
            reportViolation(
                "Production stack must serve HTTPS: no load balancer has an https forwarding rule and no droplet's nginx listens on 443 with TLS; set projectmeats:edge to loadBalancer or droplet (none is for the local rehearsal only).",
            );
        }
        for (const lb of args.resources.filter((r) => r.type === LOAD_BALANCER)) {
            if (lb.props.redirectHttpToHttps === true) continue;
            for (const rule of forwardingRules(lb).filter((r) => r.entryProtocol === "http")) {
                reportViolation(
                    `Production load balancer (${lb.name}) must not forward plain HTTP: its http rule on port ${String(rule.entryPort)} reaches the droplets; set redirectHttpToHttps: true so port 80 only redirects to HTTPS.`,
                    lb.urn,
                );
            }
        }
    },
};

export const loadBalancerHealthCheck: ResourceValidationPolicy = {
    name: "load-balancer-health-check",
    description: "Checks whether every load balancer health-checks the app over HTTP or HTTPS on a path, so a droplet whose release is unhealthy leaves the rotation.",
    validateResource: (args, reportViolation) => {
        if (args.type !== LOAD_BALANCER) return;
        const check = args.props.healthcheck as Rule | undefined;
        if (check === undefined || check === null) {
            reportViolation(`Load balancer (${args.name}) must health-check the app: set healthcheck with protocol http and the app's health path, e.g. /api/v1/health/.`);
            return;
        }
        if (!["http", "https"].includes(String(check.protocol))) {
            reportViolation(`Load balancer (${args.name}) must health-check the app over http or https, not ${String(check.protocol)}: a TCP check sees only that a port is open.`);
        } else if (typeof check.path !== "string" || !check.path.startsWith("/")) {
            reportViolation(`Load balancer (${args.name}) must health-check a path of the app: set healthcheck.path to its health path, e.g. /api/v1/health/.`);
        }
    },
};

export const loadBalancerCertificateByName: ResourceValidationPolicy = {
    name: "load-balancer-certificate-by-name",
    description:
        "Checks whether every HTTPS forwarding rule of a load balancer names its certificate by certificateName, whose value survives a Let's Encrypt renewal, unlike certificateId.",
    validateResource: (args, reportViolation) => {
        if (args.type !== LOAD_BALANCER) return;
        for (const rule of forwardingRules(args).filter((r) => HTTPS_PROTOCOLS.includes(String(r.entryProtocol)) && r.tlsPassthrough !== true)) {
            if (typeof rule.certificateName !== "string" || rule.certificateName === "") {
                reportViolation(
                    `Load balancer (${args.name}) must name the certificate of its ${String(rule.entryProtocol)} rule on port ${String(rule.entryPort)} by certificateName: a certificate's id changes when Let's Encrypt renews it.`,
                );
            }
        }
    },
};

/** An IPv4 CIDR block as a network number and prefix, or undefined for anything else (IPv6 included). */
function parseIpv4Cidr(block: string): { network: number; prefix: number } | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(block.trim());
    if (!match) return undefined;
    const octets = match.slice(1, 5).map(Number);
    const prefix = match[5] === undefined ? 32 : Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const address = octets.reduce((n, o) => n * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    return { network: address - (address % size), prefix };
}

/** True when the address or block `inner` lies wholly inside the IPv4 block `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
    const a = parseIpv4Cidr(inner);
    const b = parseIpv4Cidr(outer);
    if (!a || !b || a.prefix < b.prefix) return false;
    const size = 2 ** (32 - b.prefix);
    return a.network - (a.network % size) === b.network;
}

/** The part of a TCP rule's port range that overlaps `low`-`high`, as text, or undefined (an absent range, "all" or "0" is every port). */
export function overlap(rule: Rule, low: number, high: number): string | undefined {
    if (rule.protocol !== "tcp" && rule.protocol !== "udp") return undefined;
    const range = rule.portRange === undefined ? "all" : String(rule.portRange).trim();
    let [first, last] = [1, 65535];
    if (range !== "all" && range !== "0") {
        const [a, b] = range.split("-").map(Number);
        [first, last] = [a, b ?? a];
    }
    const from = Math.max(first, low);
    const to = Math.min(last, high);
    if (from > to) return undefined;
    return from === to ? String(from) : `${from}-${to}`;
}

export const appPortsNotPublic: StackValidationPolicy = {
    name: "app-ports-not-public",
    description: "Checks whether every firewall keeps the app ports (the containers' host ports) closed to every address outside the stack's VPC ranges.",
    configSchema: {
        properties: {
            appPorts: { type: "array", items: { type: "string", pattern: "^\\d{1,5}-\\d{1,5}$" }, default: ["8000-8009", "8080-8089"] },
        },
    },
    validateStack: (args, reportViolation) => {
        const ranges = (args.getConfig<{ appPorts: string[] }>().appPorts ?? ["8000-8009", "8080-8089"]).map((r) => r.split("-").map(Number) as [number, number]);
        const vpcs = args.resources.filter((r) => r.type === VPC).map((r) => String(r.props.ipRange));
        for (const firewall of args.resources.filter((r) => r.type === TYPES.firewall)) {
            for (const rule of (firewall.props.inboundRules ?? []) as Rule[]) {
                const ports = ranges.map(([low, high]) => overlap(rule, low, high)).filter((p): p is string => p !== undefined);
                if (ports.length === 0) continue;
                for (const address of (rule.sourceAddresses ?? []) as string[]) {
                    if (vpcs.some((vpc) => cidrWithin(address, vpc))) continue;
                    reportViolation(
                        `Firewall (${firewall.name}) must not open app port${ports.length > 1 || ports[0].includes("-") ? "s" : ""} ${ports.join(", ")} to ${address}, outside the VPC (${vpcs.join(", ") || "none declared"}): admit the VPC's range only; the public reaches nginx.`,
                        firewall.urn,
                    );
                }
            }
        }
    },
};
