/** The DropletEdge component on its own, under Pulumi's mocks, with stand-in droplets. */
import { named, runComponent, summary, valueOf } from "../../tools/componentRunner";
import { reveal } from "../../tools/programRunner";

const T = { component: "projectmeats:edge:DropletEdge", droplet: "digitalocean:index/droplet:Droplet", ip: "digitalocean:index/reservedIp:ReservedIp", ready: "test:index:Ready" };
const URN = `urn:pulumi:test::projectmeats-infra::${T.component}::edge-dev`;
const child = (type: string, name: string) => ({ type, name, urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`, parent: URN });
const HOSTNAMES = { backend: "api.dev.projectmeats.com", frontend: "dev.projectmeats.com" };
const INTERNAL = { paths: { backend: ["/api/v1/health/"] }, allow: ["127.0.0.1", "::1", "10.110.16.0/20"] };
const ADDRESSES: Record<string, string> = { "edge-dev-app-1-ip": "192.0.2.10", "edge-dev-backend-1-ip": "192.0.2.21", "edge-dev-frontend-1-ip": "192.0.2.22" };
const state = (type: string, name: string) => (type === T.ip ? { ipAddress: ADDRESSES[name] } : {});

async function edge(keys: { key: string; services: ("backend" | "frontend")[] }[], domain: { dnsDomain?: string } = { dnsDomain: "projectmeats.com" }) {
    return runComponent(
        async (pulumi) => {
            const digitalocean = await import("@pulumi/digitalocean");
            const { DropletEdge } = await import("./DropletEdge");
            class Ready extends pulumi.CustomResource {
                constructor(name: string) {
                    super(T.ready, name, {});
                }
            }
            const servers = keys.map(({ key, services }) => {
                const droplet = new digitalocean.Droplet(`droplet-${key}`, { image: "ubuntu-24-04-x64", region: "nyc3", size: "s-1vcpu-2gb" });
                return { key, services, droplet, connection: { host: "203.0.113.5", user: "deploy" }, ready: [new Ready(`${key}-proxy`)] };
            });
            try {
                const component = new DropletEdge("edge-dev", { region: "nyc3", servers, hostnames: HOSTNAMES, dnsDomain: domain.dnsDomain, internalPaths: INTERNAL });
                return { addresses: await valueOf<Record<string, string>>(component.addresses), ready: Object.keys(component.ready) };
            } catch (error) {
                return { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
            }
        },
        { state },
    );
}

test("per droplet a reserved IP, its assignment, its hostnames' records and the certificate step, parented and named after the component", async () => {
    const { resources, value } = await edge([{ key: "app-1", services: ["backend", "frontend"] }]);
    expect(summary(resources.filter((r) => r.type !== T.droplet && r.type !== T.ready))).toEqual([
        { type: T.component, name: "edge-dev", urn: URN, parent: "" },
        child(T.ip, "edge-dev-app-1-ip"),
        child("digitalocean:index/reservedIpAssignment:ReservedIpAssignment", "edge-dev-app-1-ip-assignment"),
        child("command:remote:Command", "edge-dev-app-1-tls"),
        child("digitalocean:index/dnsRecord:DnsRecord", "edge-dev-dns-backend"),
        child("digitalocean:index/dnsRecord:DnsRecord", "edge-dev-dns-frontend"),
    ]);
    expect(value).toEqual({ addresses: { "app-1": "192.0.2.10" }, ready: ["app-1"] });
});

test("the address is assigned to the droplet and the records point at it", async () => {
    const { resources } = await edge([{ key: "app-1", services: ["backend", "frontend"] }]);
    expect(reveal(named(resources, "edge-dev-app-1-ip").inputs)).toEqual({ region: "nyc3" });
    // The provider takes the droplet's id as a number; the stand-in's id ("droplet-app-1-id") is not one (test/edge.test.ts has real ids).
    expect(reveal(named(resources, "edge-dev-app-1-ip-assignment").inputs)).toEqual({ ipAddress: "192.0.2.10", dropletId: Number("droplet-app-1-id") });
    expect(reveal(named(resources, "edge-dev-dns-backend").inputs)).toEqual({ domain: "projectmeats.com", type: "A", name: "api.dev", value: "192.0.2.10", ttl: 300 });
    expect(reveal(named(resources, "edge-dev-dns-frontend").inputs)).toEqual({ domain: "projectmeats.com", type: "A", name: "dev", value: "192.0.2.10", ttl: 300 });
});

test("the certificate step waits for the droplet's readiness, the assignment and the records, and installs the HTTPS servers from stdin", async () => {
    const { resources } = await edge([{ key: "app-1", services: ["backend", "frontend"] }]);
    const tls = named(resources, "edge-dev-app-1-tls");
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    expect(tls.dependencies.map((urn) => names.get(urn)).sort()).toEqual(["app-1-proxy", "edge-dev-app-1-ip-assignment", "edge-dev-dns-backend", "edge-dev-dns-frontend"]);
    const inputs = reveal(tls.inputs) as { create: string; stdin: string; logging: string; addPreviousOutputInEnv: boolean };
    expect(inputs.create).toContain(
        "sudo /usr/local/sbin/projectmeats-certificate --cert-name projectmeats-app-1 --domain api.dev.projectmeats.com --domain dev.projectmeats.com && ",
    );
    expect(inputs.stdin.match(/^    listen 443 ssl;$/gm)).toHaveLength(2);
    expect([inputs.logging, inputs.addPreviousOutputInEnv]).toEqual(["stdoutAndStderr", false]);
});

test("each service on its own droplet gets its own address; without a domain no record", async () => {
    const { resources, value } = await edge(
        [
            { key: "backend-1", services: ["backend"] },
            { key: "frontend-1", services: ["frontend"] },
        ],
        {},
    );
    expect(resources.filter((r) => r.type === "digitalocean:index/dnsRecord:DnsRecord")).toEqual([]);
    expect(value).toEqual({ addresses: { "backend-1": "192.0.2.21", "frontend-1": "192.0.2.22" }, ready: ["backend-1", "frontend-1"] });
});

test("a service on two droplets is refused: a reserved IP serves one", async () => {
    const { value } = await edge([
        { key: "backend-1", services: ["backend"] },
        { key: "backend-2", services: ["backend"] },
    ]);
    expect(value).toEqual({
        resourceError: true,
        message: "`servers` must run each service on one droplet: backend runs on more; put a load balancer in front (edge loadBalancer).",
    });
});
