import { DNS_TTL_SECONDS, balancerAdmissionSeconds, certificateName, dnsRecordName, forwardingRules, loadBalancerHealthcheck } from "./edgeRules";

test.each<[string, string, string]>([
    ["api.projectmeats.com", "projectmeats.com", "api"],
    ["api.dev.projectmeats.com", "projectmeats.com", "api.dev"],
    ["projectmeats.com", "projectmeats.com", "@"],
    ["api.dev.projectmeats.com", "dev.projectmeats.com", "api"],
])("dnsRecordName(%s, %s) is %s", (hostname, domain, name) => {
    expect(dnsRecordName(hostname, domain)).toBe(name);
});

test("a hostname outside the domain has no record name in it", () => {
    expect(() => dnsRecordName("api.notprojectmeats.com", "projectmeats.com")).toThrow("api.notprojectmeats.com is not in the domain projectmeats.com");
});

describe("certificateName: the environment and a fingerprint of what the certificate is", () => {
    const LEAF = "-----BEGIN CERTIFICATE-----\nMIIleaf\n-----END CERTIFICATE-----\n";
    test.each<[string, Parameters<typeof certificateName>[1], string]>([
        ["prod", { type: "lets_encrypt", domains: ["api.projectmeats.com", "app.projectmeats.com"] }, "projectmeats-prod-9aad32ef25"],
        ["prod", { type: "lets_encrypt", domains: ["app.projectmeats.com", "api.projectmeats.com"] }, "projectmeats-prod-9aad32ef25"],
        ["dev", { type: "lets_encrypt", domains: ["api.dev.projectmeats.com", "dev.projectmeats.com"] }, "projectmeats-dev-6964dfecea"],
        ["prod", { type: "custom", leafCertificate: LEAF }, "projectmeats-prod-03ecf9dd8c"],
        ["prod", { type: "custom", leafCertificate: LEAF.trim() }, "projectmeats-prod-03ecf9dd8c"],
    ])("%s %j is %s", (env, identity, name) => {
        expect(certificateName(env, identity)).toBe(name);
    });

    test("another domain, another leaf or another environment gives another name (a replacement never collides)", () => {
        const names = [
            certificateName("prod", { type: "lets_encrypt", domains: ["api.projectmeats.com"] }),
            certificateName("prod", { type: "lets_encrypt", domains: ["api.projectmeats.com", "www.projectmeats.com"] }),
            certificateName("uat", { type: "lets_encrypt", domains: ["api.projectmeats.com"] }),
            certificateName("prod", { type: "custom", leafCertificate: "-----BEGIN CERTIFICATE-----\nMIIother\n-----END CERTIFICATE-----\n" }),
        ];
        expect(new Set(names).size).toBe(4);
    });
});

test("forwarding rules: HTTPS on 443 by certificate name to nginx's port 80, and HTTP on 80 (which the redirect answers)", () => {
    expect(forwardingRules("projectmeats-prod-9aad32ef25")).toEqual([
        { entryPort: 443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateName: "projectmeats-prod-9aad32ef25" },
        { entryPort: 80, entryProtocol: "http", targetPort: 80, targetProtocol: "http" },
    ]);
});

test("the health check asks nginx's port 80 for the app's path over HTTP, with explicit thresholds", () => {
    expect(loadBalancerHealthcheck("/api/v1/health/")).toEqual({
        protocol: "http",
        port: 80,
        path: "/api/v1/health/",
        checkIntervalSeconds: 10,
        responseTimeoutSeconds: 5,
        unhealthyThreshold: 3,
        healthyThreshold: 3,
    });
    expect(() => loadBalancerHealthcheck("health")).toThrow('a health check path must be an absolute URL path, got "health"');
});

test("records live five minutes", () => {
    expect(DNS_TTL_SECONDS).toBe(300);
});

test("balancerAdmissionSeconds: the healthy threshold's checks at the interval, the last one's timeout included", () => {
    expect(balancerAdmissionSeconds(loadBalancerHealthcheck("/api/v1/health/"))).toBe(35);
    expect(balancerAdmissionSeconds({ protocol: "http", port: 80, checkIntervalSeconds: 3, responseTimeoutSeconds: 3, healthyThreshold: 2 })).toBe(9);
    // The provider's defaults where the program sets nothing: every 10 s, 5 s to answer, 5 passes.
    expect(balancerAdmissionSeconds({ protocol: "http", port: 80 })).toBe(55);
});
