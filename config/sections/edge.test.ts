import { Problems, formatProblem } from "../problems";
import { EdgeValues, isInDomain, validateEdge } from "./edge";

const S = 'stack "prod", key projectmeats:';
const LEAF = "-----BEGIN CERTIFICATE-----\nMIIleaf\n-----END CERTIFICATE-----\n";
const CHAIN = "-----BEGIN CERTIFICATE-----\nMIIca1\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIca2\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n";
const SECRET_KEY = ["projectmeats:edgeCertificatePrivateKey"];

const VALID: EdgeValues = {
    edge: "loadBalancer",
    dnsDomain: "projectmeats.com",
    edgeCertificate: "letsEncrypt",
    edgeCertificateLeaf: "",
    edgeCertificateChain: "",
    edgeCertificatePrivateKey: "",
    edgeAcmeServer: "",
    releaseBatchSize: 1,
    backendHostname: "api.projectmeats.com",
    frontendHostname: "app.projectmeats.com",
    backendDropletCount: 2,
    frontendDropletCount: 2,
};

function validate(values: Partial<EdgeValues>, secretKeys: readonly string[] = []) {
    const problems = new Problems();
    const result = validateEdge({ ...VALID, ...values }, problems, secretKeys);
    return { ...result, problems: problems.list.map((problem) => formatProblem("prod", problem)) };
}

describe("validateEdge accepts", () => {
    test("a load balancer with a Let's Encrypt certificate for a domain on DigitalOcean DNS, one droplet at a time", () => {
        expect(validate({})).toEqual({ edge: { mode: "loadBalancer", dnsDomain: "projectmeats.com", certificate: { source: "letsEncrypt" } }, releaseBatchSize: 1, problems: [] });
    });

    test("a load balancer with the stack's own certificate and no managed DNS", () => {
        expect(
            validate(
                { dnsDomain: "", edgeCertificate: "custom", edgeCertificateLeaf: LEAF, edgeCertificateChain: CHAIN, edgeCertificatePrivateKey: KEY, releaseBatchSize: 2 },
                SECRET_KEY,
            ),
        ).toEqual({
            edge: { mode: "loadBalancer", certificate: { source: "custom", leafCertificate: LEAF, certificateChain: CHAIN, privateKey: KEY } },
            releaseBatchSize: 2,
            problems: [],
        });
    });

    test("a custom certificate without intermediates", () => {
        expect(validate({ edgeCertificate: "custom", edgeCertificateLeaf: LEAF, edgeCertificatePrivateKey: KEY }, SECRET_KEY).edge.certificate).toEqual({
            source: "custom",
            leafCertificate: LEAF,
            privateKey: KEY,
        });
    });

    test("one droplet per service behind a reserved IP, with or without managed DNS; no load balancer certificate", () => {
        expect(validate({ edge: "droplet", backendDropletCount: 1, frontendDropletCount: 0 })).toEqual({
            edge: { mode: "droplet", dnsDomain: "projectmeats.com" },
            releaseBatchSize: 1,
            problems: [],
        });
        expect(validate({ edge: "droplet", dnsDomain: "", backendDropletCount: 1, frontendDropletCount: 1 }).edge).toEqual({ mode: "droplet" });
    });

    test("edge droplet with another ACME directory (a test server's)", () => {
        expect(validate({ edge: "droplet", backendDropletCount: 1, frontendDropletCount: 0, edgeAcmeServer: "https://10.0.0.2:14000/dir" }).edge).toEqual({
            mode: "droplet",
            dnsDomain: "projectmeats.com",
            acmeServer: "https://10.0.0.2:14000/dir",
        });
    });

    test("plain HTTP for the rehearsal, two droplets or not", () => {
        expect(validate({ edge: "none", dnsDomain: "" })).toEqual({ edge: { mode: "none" }, releaseBatchSize: 1, problems: [] });
    });

    test("hostnames equal to the domain (the apex) are in it", () => {
        expect(validate({ frontendHostname: "projectmeats.com" }).problems).toEqual([]);
    });
});

describe("validateEdge rejects", () => {
    test.each<[string, Partial<EdgeValues>, string[], string[]]>([
        ["an unknown mode", { edge: "cdn" }, [], [`${S}edge: got "cdn"; expected one of loadBalancer, droplet, none`]],
        [
            "edge droplet for two droplets per service",
            { edge: "droplet" },
            [],
            [
                `${S}edge: got "droplet"; expected loadBalancer when a service runs on more than one droplet (backendDropletCount 2, frontendDropletCount 2): edge droplet serves each hostname from one droplet`,
            ],
        ],
        [
            "a domain that is not a domain name",
            { dnsDomain: "ProjectMeats" },
            [],
            [`${S}dnsDomain: got "ProjectMeats"; expected a lowercase domain name on DigitalOcean DNS, e.g. "projectmeats.com"`],
        ],
        [
            "a hostname outside the domain",
            { frontendHostname: "app.meatscentral.com" },
            [],
            [
                `${S}frontendHostname: got "app.meatscentral.com"; expected a hostname in dnsDomain projectmeats.com, e.g. "api.projectmeats.com", or no dnsDomain (then point the records yourself)`,
            ],
        ],
        [
            "a name that only ends like the domain",
            { backendHostname: "api.notprojectmeats.com" },
            [],
            [
                `${S}backendHostname: got "api.notprojectmeats.com"; expected a hostname in dnsDomain projectmeats.com, e.g. "api.projectmeats.com", or no dnsDomain (then point the records yourself)`,
            ],
        ],
        ["an unknown certificate source", { edgeCertificate: "acme" }, [], [`${S}edgeCertificate: got "acme"; expected one of letsEncrypt, custom`]],
        [
            "Let's Encrypt on a load balancer without a DigitalOcean DNS domain",
            { dnsDomain: "" },
            [],
            [
                `${S}dnsDomain: missing; expected the DigitalOcean DNS domain of the hostnames, because edge loadBalancer with edgeCertificate letsEncrypt needs it; or edgeCertificate custom`,
            ],
        ],
        [
            "a custom certificate with nothing given",
            { edgeCertificate: "custom" },
            [],
            [
                `${S}edgeCertificateLeaf: missing; expected a PEM certificate (-----BEGIN CERTIFICATE-----), because edgeCertificate is custom`,
                `${S}edgeCertificatePrivateKey: missing; expected a PEM private key, set with \`pulumi config set --secret edgeCertificatePrivateKey\`, because edgeCertificate is custom`,
            ],
        ],
        [
            "a custom certificate whose key is plain text, whose leaf and chain are not PEM",
            { edgeCertificate: "custom", edgeCertificateLeaf: "MIIleaf", edgeCertificateChain: "chain", edgeCertificatePrivateKey: KEY },
            [],
            [
                `${S}edgeCertificateLeaf: got "(not a PEM certificate, not shown)"; expected one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)`,
                `${S}edgeCertificateChain: got "(not PEM certificates, not shown)"; expected PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----), or nothing`,
                `${S}edgeCertificatePrivateKey: got "(plain text, not shown)"; expected a secret: set it with \`pulumi config set --secret edgeCertificatePrivateKey <pem>\``,
            ],
        ],
        [
            "a secret key that is not a PEM private key",
            { edgeCertificate: "custom", edgeCertificateLeaf: LEAF, edgeCertificatePrivateKey: "hunter2" },
            SECRET_KEY,
            [`${S}edgeCertificatePrivateKey: got "(secret, not shown)"; expected a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)`],
        ],
        [
            "a custom certificate with edge droplet",
            { edge: "droplet", backendDropletCount: 1, frontendDropletCount: 1, edgeCertificate: "custom", edgeCertificateLeaf: LEAF, edgeCertificatePrivateKey: KEY },
            SECRET_KEY,
            [
                `${S}edgeCertificate: got "custom"; expected letsEncrypt with edge droplet: a custom certificate is for edge loadBalancer (edge droplet obtains its own with certbot)`,
            ],
        ],
        [
            "a custom certificate with edge none",
            { edge: "none", edgeCertificate: "custom", edgeCertificateLeaf: LEAF, edgeCertificatePrivateKey: KEY },
            SECRET_KEY,
            [`${S}edgeCertificate: got "custom"; expected letsEncrypt with edge none: a custom certificate is for edge loadBalancer`],
        ],
        [
            "certificate parts without edgeCertificate custom",
            { edgeCertificateLeaf: LEAF, edgeCertificatePrivateKey: KEY },
            SECRET_KEY,
            [
                `${S}edgeCertificateLeaf: got "(not shown)"; expected no value unless edgeCertificate is custom`,
                `${S}edgeCertificatePrivateKey: got "(not shown)"; expected no value unless edgeCertificate is custom`,
            ],
        ],
        [
            "an ACME directory that is not https",
            { edge: "droplet", backendDropletCount: 1, frontendDropletCount: 1, edgeAcmeServer: "http://acme.example/dir" },
            [],
            [`${S}edgeAcmeServer: got "http://acme.example/dir"; expected an https:// ACME directory URL, e.g. "https://acme-staging-v02.api.letsencrypt.org/directory"`],
        ],
        [
            "an ACME directory with a load balancer, whose certificate DigitalOcean gets",
            { edgeAcmeServer: "https://acme.example/dir" },
            [],
            [`${S}edgeAcmeServer: got "https://acme.example/dir"; expected no value with edge loadBalancer: only edge droplet runs certbot`],
        ],
        ["a batch of no droplets", { releaseBatchSize: 0 }, [], [`${S}releaseBatchSize: got "0"; expected a whole number from 1 to 10`]],
        ["a batch of eleven", { releaseBatchSize: 11 }, [], [`${S}releaseBatchSize: got "11"; expected a whole number from 1 to 10`]],
    ])("%s", (_, values, secretKeys, messages) => {
        expect(validate(values, secretKeys).problems).toEqual(messages);
    });

    test("a missing mode is left to the missing-key report", () => {
        expect(validate({ edge: undefined }).problems).toEqual([]);
    });
});

test.each<[string, string, boolean]>([
    ["api.projectmeats.com", "projectmeats.com", true],
    ["projectmeats.com", "projectmeats.com", true],
    ["api.dev.projectmeats.com", "projectmeats.com", true],
    ["api.dev.projectmeats.com", "dev.projectmeats.com", true],
    ["notprojectmeats.com", "projectmeats.com", false],
    ["projectmeats.com.evil.example", "projectmeats.com", false],
])("isInDomain(%s, %s) is %s", (hostname, domain, expected) => {
    expect(isInDomain(hostname, domain)).toBe(expected);
});
