import { certificateName, forwardingRules, loadBalancerHealthcheck } from "../../components/edge/edgeRules";
import { ofType, reveal, runProgram } from "../../tools/programRunner";
import { REHEARSAL_STACK } from "../../tools/stackFiles";
import { releaseTag } from "../../components/release/images";
import { parseStackConfig } from "../../config/stackConfig";
import { IMAGE_REPOSITORIES } from "../../model/services";
import { readStackFile } from "../../tools/stackFiles";
import { siteCalls, siteId, siteState, type Site } from "../site";
import { backendName, balancerConfig, BalancerSite, serverName, serverStats } from "./balancer";
import { BALANCER_ADDRESS, dropletIdentity, dropletsAt, LOAD_BALANCER_CONFIG } from "./inside";

const SITE: BalancerSite = {
    address: "192.0.2.10",
    dropletAddresses: { "11": "10.120.16.11", "12": "10.120.16.12" },
    certificateFiles: { "projectmeats-rehearsal-0123456789": "/run/tls/balancer.pem" },
    adminSocket: "/run/haproxy/admin.sock",
    stateFile: "/run/haproxy/servers.state",
};

const PROGRAM_INPUTS = {
    name: "projectmeats-rehearsal-app",
    region: "nyc3",
    vpcUuid: "vpc-1",
    dropletIds: [12, 11],
    forwardingRules: forwardingRules("projectmeats-rehearsal-0123456789"),
    redirectHttpToHttps: true,
    healthcheck: loadBalancerHealthcheck("/api/v1/health/"),
    disableLetsEncryptDnsRecords: true,
};

describe("balancerConfig", () => {
    test("the program's forwarding rules, redirect and health check, as HAProxy runs them", () => {
        expect(balancerConfig("edge-rehearsal-app", PROGRAM_INPUTS, SITE)).toBe(
            [
                "# The stand-in for DigitalOcean load balancer edge-rehearsal-app, made from its inputs (rehearsal/loadBalancer/balancer.ts).",
                "global",
                "    stats socket /run/haproxy/admin.sock mode 600 level admin",
                "    server-state-file /run/haproxy/servers.state",
                "",
                "defaults",
                "    mode http",
                "    load-server-state-from-file global",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    retries 0",
                "",
                "frontend entry-80",
                "    bind 192.0.2.10:80",
                "    http-request redirect scheme https code 301",
                "",
                "frontend entry-443",
                "    bind 192.0.2.10:443 ssl crt /run/tls/balancer.pem",
                "    option forwardfor",
                "    http-request set-header X-Forwarded-Proto https",
                "    http-request set-header X-Forwarded-Port 443",
                "    default_backend droplets-80",
                "",
                "backend droplets-80",
                "    option httpchk GET /api/v1/health/",
                "    http-check expect status 200-299",
                "    timeout check 5s",
                "    default-server check port 80 inter 10s fall 3 rise 3",
                "    server droplet-11 10.120.16.11:80",
                "    server droplet-12 10.120.16.12:80",
                "",
            ].join("\n"),
        );
    });

    test("without the redirect, port 80 forwards plain HTTP and says so", () => {
        const text = balancerConfig("lb", { ...PROGRAM_INPUTS, redirectHttpToHttps: false, httpIdleTimeoutSeconds: 120 }, SITE);
        expect(text).toContain(
            [
                "frontend entry-80",
                "    bind 192.0.2.10:80",
                "    option forwardfor",
                "    http-request set-header X-Forwarded-Proto http",
                "    http-request set-header X-Forwarded-Port 80",
                "    default_backend droplets-80",
            ].join("\n"),
        );
        expect(text).toContain("    timeout client 120s\n    timeout server 120s\n");
    });

    test("health check values the program leaves unset take the provider's defaults", () => {
        const text = balancerConfig("lb", { ...PROGRAM_INPUTS, healthcheck: { protocol: "http", port: 80, path: "/" } }, SITE);
        expect(text).toContain("    timeout check 5s\n    default-server check port 80 inter 10s fall 3 rise 5\n");
    });

    test("inputs it cannot emulate are all named in one error", () => {
        const inputs = {
            ...PROGRAM_INPUTS,
            dropletIds: [11, 99],
            dropletTag: "env-rehearsal",
            healthcheck: { protocol: "tcp", port: 80 },
            forwardingRules: [
                { entryPort: 443, entryProtocol: "https", targetPort: 443, targetProtocol: "https", certificateId: "c0ffee", tlsPassthrough: true },
                { entryPort: 8443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateName: "unknown" },
            ],
        };
        expect(() => balancerConfig("edge-uat-app", inputs, SITE)).toThrow(
            [
                "load balancer edge-uat-app: the rehearsal cannot emulate these inputs:",
                "  dropletIds and dropletTag: DigitalOcean takes one or the other",
                "  dropletIds: no droplet 99 in the rehearsal",
                "  healthcheck: only protocol http with a path is emulated, got tcp without a path",
                "  forwardingRules[0].targetProtocol https: only http to the droplets is emulated",
                "  forwardingRules[0].tlsPassthrough: not emulated",
                "  forwardingRules[0].certificateId: the id of a Let's Encrypt certificate changes on renewal; name it (certificateName)",
                "  forwardingRules[0]: an https entry needs certificateName",
                "  forwardingRules[1].certificateName unknown: no such certificate",
            ].join("\n"),
        );
    });

    test("with a dropletTag, the droplets that carry the tag now; none yet is a balancer without servers", () => {
        const byTag = { ...PROGRAM_INPUTS, dropletIds: undefined };
        const tagged = { ...byTag, dropletTag: "projectmeats-rehearsal-app" };
        const text = balancerConfig("lb", tagged, { ...SITE, dropletsByTag: { "projectmeats-rehearsal-app": ["12", "11"], other: ["13"] } });
        expect(text).toContain("    server droplet-11 10.120.16.11:80\n    server droplet-12 10.120.16.12:80\n");
        expect(text).not.toContain("droplet-13");
        expect(balancerConfig("lb", tagged, SITE)).toMatch(/default-server check port 80 inter 10s fall 3 rise 3\n$/);
        expect(() => balancerConfig("lb", byTag, SITE)).toThrow("  dropletIds: no droplet to balance (or a dropletTag)");
    });

    test("droplets joining the balancer start in maintenance, the others as they are", () => {
        const text = balancerConfig("lb", PROGRAM_INPUTS, { ...SITE, joining: ["12"] });
        expect(text).toContain("    server droplet-11 10.120.16.11:80\n    server droplet-12 10.120.16.12:80 disabled\n");
    });

    test("names HAProxy's backends and servers by port and droplet id", () => {
        expect(backendName(80)).toBe("droplets-80");
        expect(serverName("500000001")).toBe("droplet-500000001");
    });
});

describe("serverStats", () => {
    test("each server's sessions and status, by name, from the CSV HAProxy answers", () => {
        const csv = [
            "# pxname,svname,qcur,qmax,scur,smax,slim,stot,status",
            "entry-443,FRONTEND,,,0,3,,1200,OPEN",
            "droplets-80,droplet-500000001,0,0,0,2,,610,UP",
            "droplets-80,droplet-500000002,0,0,0,1,,590,UP 1/3",
            "droplets-80,BACKEND,0,0,0,3,,1200,UP",
            "",
        ].join("\n");
        expect(serverStats(csv)).toEqual({ "droplet-500000001": { sessions: 610, status: "UP" }, "droplet-500000002": { sessions: 590, status: "UP 1/3" } });
    });

    test("an answer that is not show stat's is refused", () => {
        expect(() => serverStats("Unknown command\n")).toThrow('not an answer to show stat: "Unknown command\\n"');
        expect(() => serverStats("# pxname,svname\n")).toThrow("show stat has no field stot");
    });
});

describe("the load-balancer rehearsal's stack", () => {
    const SHA = "1a2b3c4";
    const endpoint = "10.120.16.1:5000/projectmeats";
    const tag = releaseTag(parseStackConfig(REHEARSAL_STACK, { ...readStackFile(REHEARSAL_STACK).config, ...LOAD_BALANCER_CONFIG }).app.imageTagPrefix, SHA);
    const site: Site = {
        stack: REHEARSAL_STACK,
        config: {},
        secretConfig: {},
        droplet: dropletIdentity("app-1", 1),
        droplets: dropletsAt({ "app-1": 1, "app-2": 1 }),
        loadBalancerAddress: BALANCER_ADDRESS,
        database: { privateHost: "10.123.0.10", port: 25060, password: "p", adminPassword: "a", caCertificate: "CA" },
        registry: { server: "10.120.16.1:5000", endpoint, dockerConfig: JSON.stringify({ auths: { "10.120.16.1:5000": { auth: Buffer.from("ci:secret").toString("base64") } } }) },
        deployKey: { publicKeyOpenssh: "ssh-ed25519 AAAA", privateKeyOpenssh: "KEY" },
        randomSeed: "seed",
        digests: Object.fromEntries(Object.values(IMAGE_REPOSITORIES).map((repository) => [`${endpoint}/${repository}:${tag}`, `sha256:${"0".repeat(64)}`])),
    };

    test("the real program declares one balancer over the droplets carrying its tag, which the stand-in can run", async () => {
        const run = await runProgram(REHEARSAL_STACK, {
            config: { ...LOAD_BALANCER_CONFIG, "projectmeats:imageSha": SHA },
            id: (type, name) => siteId(site, type, name),
            state: (type, name) => siteState(site, type, name),
            call: (args) => siteCalls(site, args.token, args.inputs),
        });
        expect(run.error).toBeUndefined();
        const droplets = ofType(run, "digitalocean:index/droplet:Droplet");
        expect(droplets.map((d) => [d.name, d.id])).toEqual([
            ["servers-rehearsal-app-1", "500000011"],
            ["servers-rehearsal-app-2", "500000012"],
        ]);
        const [lb, ...others] = ofType(run, "digitalocean:index/loadBalancer:LoadBalancer");
        expect(others).toEqual([]);
        const inputs = reveal(lb.inputs) as Record<string, unknown>;
        expect(inputs.dropletTag).toBe("projectmeats-rehearsal-backend");
        expect(droplets.map((d) => (reveal(d.inputs) as { tags: string[] }).tags)).toEqual([
            ["projectmeats-rehearsal", "projectmeats-rehearsal-backend", "projectmeats-rehearsal-frontend"],
            ["projectmeats-rehearsal", "projectmeats-rehearsal-backend", "projectmeats-rehearsal-frontend"],
        ]);
        const [certificate] = ofType(run, "digitalocean:index/certificate:Certificate");
        const name = certificateName("rehearsal", { type: "lets_encrypt", domains: ["api.rehearsal.projectmeats.test", "rehearsal.projectmeats.test"] });
        expect(reveal(certificate.inputs)).toEqual({ name, type: "lets_encrypt", domains: ["api.rehearsal.projectmeats.test", "rehearsal.projectmeats.test"] });
        const text = balancerConfig(lb.name, inputs, {
            ...SITE,
            dropletAddresses: { "500000011": "10.120.16.11", "500000012": "10.120.16.12" },
            dropletsByTag: { "projectmeats-rehearsal-backend": ["500000011", "500000012"] },
            certificateFiles: { [name]: "/run/tls/balancer.pem" },
        });
        expect(text).toContain("    server droplet-500000011 10.120.16.11:80\n    server droplet-500000012 10.120.16.12:80\n");
        // The release checks each service through the balancer's address, as users reach it.
        const edgeHealth = ofType(run, "command:remote:Command").filter((c) => c.name.includes("-edge-health-"));
        expect(edgeHealth.map((c) => c.name).sort()).toEqual(["release-rehearsal-edge-health-backend", "release-rehearsal-edge-health-frontend"]);
        for (const check of edgeHealth) expect(String(reveal(check.inputs.create))).toContain(`:443:${BALANCER_ADDRESS}`);
    }, 60_000);
});

describe("dropletIdentity", () => {
    test("each key's generations: a replacement is a new droplet with a new id and address", () => {
        expect(dropletIdentity("app-1", 1)).toEqual({ id: "500000011", address: "10.120.16.11" });
        expect(dropletIdentity("app-2", 1)).toEqual({ id: "500000012", address: "10.120.16.12" });
        expect(dropletIdentity("app-1", 2)).toEqual({ id: "500000021", address: "10.120.16.21" });
        expect(dropletsAt({ "app-1": 2 })).toEqual({ "app-1": { id: "500000021", address: "10.120.16.21" }, "app-2": { id: "500000012", address: "10.120.16.12" } });
    });

    test("a key or a generation the rehearsal does not have is refused", () => {
        expect(() => dropletIdentity("backend-1", 1)).toThrow("the load-balancer rehearsal has droplets app-1, app-2 only, not backend-1");
        expect(() => dropletIdentity("app-1", 10)).toThrow("a droplet's generation is 1 to 9, got 10");
    });
});
