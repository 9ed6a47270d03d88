import { cidrWithin, hasHttpsEdge, overlap, servesTls } from "./edge";

test.each<[string, string, boolean]>([
    ["10.130.16.0/20", "10.130.16.0/20", true],
    ["10.130.16.7", "10.130.16.0/20", true],
    ["10.130.31.255/32", "10.130.16.0/20", true],
    ["10.130.32.0/24", "10.130.16.0/20", false],
    ["10.130.0.0/16", "10.130.16.0/20", false],
    ["0.0.0.0/0", "10.130.16.0/20", false],
    ["::/0", "10.130.16.0/20", false],
    ["fd00::1", "10.130.16.0/20", false],
    ["10.130.16.0/33", "10.130.16.0/20", false],
])("cidrWithin(%s, %s) is %s", (inner, outer, expected) => {
    expect(cidrWithin(inner, outer)).toBe(expected);
});

test.each<[Record<string, unknown>, number, number, string | undefined]>([
    [{ protocol: "tcp", portRange: "8000-8009" }, 8000, 8009, "8000-8009"],
    [{ protocol: "tcp", portRange: "8005" }, 8000, 8009, "8005"],
    [{ protocol: "tcp", portRange: "7990-8001" }, 8000, 8009, "8000-8001"],
    [{ protocol: "tcp", portRange: "80" }, 8000, 8009, undefined],
    [{ protocol: "tcp", portRange: "all" }, 8080, 8089, "8080-8089"],
    [{ protocol: "tcp" }, 8080, 8089, "8080-8089"],
    [{ protocol: "udp", portRange: "8080" }, 8080, 8089, "8080"],
    [{ protocol: "icmp" }, 8080, 8089, undefined],
])("overlap(%j, %d, %d) is %p", (rule, low, high, expected) => {
    expect(overlap(rule, low, high)).toBe(expected);
});

describe("servesTls: an nginx server that listens on 443 with TLS", () => {
    test.each<[string, boolean]>([
        ["server {\n    listen 443 ssl;\n", true],
        ["server {\n    listen [::]:443 ssl;\n", true],
        ["server {\n    listen 127.0.0.1:443 ssl;\n", true],
        ["server {\n    listen 443;\n", false],
        ["server {\n    listen 80;\n    location / {\n        return 301 https://$host$request_uri;\n", false],
        ["# listen 443 ssl; is what edge droplet installs\n", false],
    ])("%j is %s", (text, expected) => {
        expect(servesTls(text)).toBe(expected);
    });
});

describe("hasHttpsEdge", () => {
    const LB = "digitalocean:index/loadBalancer:LoadBalancer";
    test("a load balancer with an https rule", () => {
        expect(hasHttpsEdge([{ type: LB, props: { forwardingRules: [{ entryProtocol: "https", entryPort: 443 }] } }])).toBe(true);
    });
    test("a load balancer with only http rules is no HTTPS edge", () => {
        expect(hasHttpsEdge([{ type: LB, props: { forwardingRules: [{ entryProtocol: "http", entryPort: 80 }] } }])).toBe(false);
    });
    test("a remote command installing a TLS server from stdin", () => {
        expect(hasHttpsEdge([{ type: "command:remote:Command", props: { stdin: "server {\n    listen 443 ssl;\n}\n" } }])).toBe(true);
    });
    test("the same text in another resource type is not nginx's", () => {
        expect(hasHttpsEdge([{ type: "github:index/repositoryFile:RepositoryFile", props: { content: "server {\n    listen 443 ssl;\n}\n" } }])).toBe(false);
    });
});
