/** The LoadBalancerEdge component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf } from "../../tools/componentRunner";
import { isSecret, reveal } from "../../tools/programRunner";
import type { LoadBalancerEdgeArgs } from "./LoadBalancerEdge";

const T = { component: "projectmeats:edge:LoadBalancerEdge", lb: "digitalocean:index/loadBalancer:LoadBalancer" };
const URN = `urn:pulumi:test::projectmeats-infra::${T.component}::edge-uat`;
const child = (type: string, name: string) => ({ type, name, urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`, parent: URN });
const HOSTNAMES = { backend: "api.uat.projectmeats.com", frontend: "uat.projectmeats.com" };
const ARGS: LoadBalancerEdgeArgs = {
    environmentName: "uat",
    region: "nyc3",
    vpcId: "vpc-uat",
    dropletTag: "projectmeats-uat",
    groups: [
        { key: "backend", services: ["backend"], dropletTag: "projectmeats-uat-backend", dropletCount: 2, healthPath: "/api/v1/health/" },
        { key: "frontend", services: ["frontend"], dropletTag: "projectmeats-uat-frontend", dropletCount: 1, healthPath: "/" },
    ],
    hostnames: HOSTNAMES,
    certificate: { source: "letsEncrypt" },
    dnsDomain: "projectmeats.com",
};
/** Each balancer's address, as the provider computes it. */
const state = (type: string, name: string) => (type === T.lb ? { ip: name.endsWith("backend") ? "198.51.100.1" : "198.51.100.2" } : {});

async function edge(args: Partial<LoadBalancerEdgeArgs> = {}) {
    return runComponent(
        async (pulumi) => {
            const { LoadBalancerEdge } = await import("./LoadBalancerEdge");
            try {
                const component = new LoadBalancerEdge("edge-uat", { ...ARGS, ...args });
                return { addresses: await valueOf<Record<string, string>>(component.addresses), admissionSeconds: component.admissionSeconds };
            } catch (error) {
                return { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
            }
        },
        { state },
    );
}

test("registers the certificate, a balancer per group, the edge firewall and the records, parented and named after the component", async () => {
    const { resources } = await edge();
    expect(summary(resources)).toEqual([
        { type: T.component, name: "edge-uat", urn: URN, parent: "" },
        child(T.lb, "edge-uat-backend"),
        child("digitalocean:index/certificate:Certificate", "edge-uat-certificate"),
        child("digitalocean:index/dnsRecord:DnsRecord", "edge-uat-dns-backend"),
        child("digitalocean:index/dnsRecord:DnsRecord", "edge-uat-dns-frontend"),
        child("digitalocean:index/firewall:Firewall", "edge-uat-firewall"),
        child(T.lb, "edge-uat-frontend"),
    ]);
});

test("each balancer names the certificate, redirects HTTP, checks its group's health path, and leaves the records to the program", async () => {
    const { resources } = await edge();
    const certificate = reveal(named(resources, "edge-uat-certificate").inputs) as { name: string };
    expect(certificate).toEqual({ name: "projectmeats-uat-f3569dacb7", type: "lets_encrypt", domains: ["api.uat.projectmeats.com", "uat.projectmeats.com"] });
    expect(reveal(named(resources, "edge-uat-frontend").inputs)).toEqual({
        name: "projectmeats-uat-frontend",
        region: "nyc3",
        vpcUuid: "vpc-uat",
        dropletTag: "projectmeats-uat-frontend",
        forwardingRules: [
            { entryPort: 443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateName: certificate.name },
            { entryPort: 80, entryProtocol: "http", targetPort: 80, targetProtocol: "http" },
        ],
        redirectHttpToHttps: true,
        healthcheck: { protocol: "http", port: 80, path: "/", checkIntervalSeconds: 10, responseTimeoutSeconds: 5, unhealthyThreshold: 3, healthyThreshold: 3 },
        disableLetsEncryptDnsRecords: true,
    });
    // By tag, not by ids: a replacement droplet joins while the one it replaces still serves.
    expect((reveal(named(resources, "edge-uat-backend").inputs) as { dropletTag: string; dropletIds?: number[] }).dropletTag).toBe("projectmeats-uat-backend");
    expect((reveal(named(resources, "edge-uat-backend").inputs) as { dropletIds?: number[] }).dropletIds).toBeUndefined();
});

test("the firewall admits HTTP from the balancers only, on the environment's droplets; the records point at the balancers", async () => {
    const { resources, value } = await edge();
    expect(reveal(named(resources, "edge-uat-firewall").inputs)).toEqual({
        name: "projectmeats-uat-edge",
        tags: ["projectmeats-uat"],
        inboundRules: [{ protocol: "tcp", portRange: "80", sourceLoadBalancerUids: ["edge-uat-backend-id", "edge-uat-frontend-id"] }],
    });
    expect(reveal(named(resources, "edge-uat-dns-backend").inputs)).toEqual({ domain: "projectmeats.com", type: "A", name: "api.uat", value: "198.51.100.1", ttl: 300 });
    expect(reveal(named(resources, "edge-uat-dns-frontend").inputs)).toEqual({ domain: "projectmeats.com", type: "A", name: "uat", value: "198.51.100.2", ttl: 300 });
    // Three passing checks 10 s apart, the last answered within 5 s (edgeRules.ts balancerAdmissionSeconds).
    expect(value).toEqual({ addresses: { backend: "198.51.100.1", frontend: "198.51.100.2" }, admissionSeconds: 35 });
});

test("a custom certificate keeps its key secret; without a domain no record is declared", async () => {
    const leaf = "-----BEGIN CERTIFICATE-----\nMIIleaf\n-----END CERTIFICATE-----\n";
    const { resources } = await edge({
        certificate: { source: "custom", leafCertificate: leaf, privateKey: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n" },
        dnsDomain: undefined,
    });
    const certificate = named(resources, "edge-uat-certificate");
    expect(reveal(certificate.inputs)).toEqual({
        name: "projectmeats-uat-03ecf9dd8c",
        type: "custom",
        leafCertificate: leaf,
        privateKey: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n",
    });
    expect(isSecret(certificate.inputs.privateKey)).toBe(true);
    expect(resources.filter((r) => r.type === "digitalocean:index/dnsRecord:DnsRecord")).toEqual([]);
});

test.each<[string, Partial<LoadBalancerEdgeArgs>, string]>([
    ["no group", { groups: [] }, "`groups` must name at least one group of droplets to balance."],
    [
        "a group without droplets",
        { groups: [{ key: "backend", services: ["backend"], dropletTag: "projectmeats-uat-backend", dropletCount: 0, healthPath: "/" }] },
        "`groups` entry backend has no droplets: a load balancer needs at least one.",
    ],
])("%s is refused with a ResourceError, before anything is declared", async (_, args, message) => {
    const { value, resources } = await edge(args);
    expect(value).toEqual({ resourceError: true, message });
    expect(resources.map((r) => r.name)).toEqual(["edge-uat"]);
});
