import { Problems, formatProblem } from "../problems";
import { ServersValues, isFreeSshPort, validateServers } from "./servers";

const VALID: ServersValues = {
    dropletImage: "ubuntu-24-04-x64",
    backendDropletSize: "s-1vcpu-2gb",
    backendDropletCount: 1,
    frontendDropletSize: "s-1vcpu-1gb",
    frontendDropletCount: 1,
    dropletBackups: false,
    sshAllowedCidrs: ["203.0.113.0/24"],
    sshPort: 22,
    adminSshKeyFingerprints: [],
};

function validate(values: ServersValues) {
    const problems = new Problems();
    const servers = validateServers({ ...VALID, ...values }, problems);
    return { servers, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

const S = 'stack "dev", key projectmeats:';
const SIZE = 'a DigitalOcean droplet size slug, e.g. "s-1vcpu-2gb" (see `doctl compute size list`)';
const PORT = "a TCP port from 1 to 65535 that is not 80, 443 or an app port (8000-8009, 8080-8089)";

describe("validateServers accepts", () => {
    test("one group per service", () => {
        expect(validate({})).toEqual({
            servers: {
                image: "ubuntu-24-04-x64",
                backups: false,
                sshAllowedCidrs: ["203.0.113.0/24"],
                sshPort: 22,
                adminSshKeyFingerprints: [],
                groups: [
                    { key: "backend", services: ["backend"], size: "s-1vcpu-2gb", count: 1 },
                    { key: "frontend", services: ["frontend"], size: "s-1vcpu-1gb", count: 1 },
                ],
            },
            problems: [],
        });
    });

    test("frontendDropletCount 0 puts both services on the backend droplets", () => {
        expect(validate({ frontendDropletCount: 0, frontendDropletSize: "", backendDropletCount: 2 })).toMatchObject({
            servers: { groups: [{ key: "app", services: ["backend", "frontend"], size: "s-1vcpu-2gb", count: 2 }] },
            problems: [],
        });
    });

    test("admin key fingerprints, backups and a custom SSH port", () => {
        const fingerprint = "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa";
        expect(validate({ adminSshKeyFingerprints: [fingerprint], dropletBackups: true, sshPort: 2222 })).toMatchObject({
            servers: { adminSshKeyFingerprints: [fingerprint], backups: true, sshPort: 2222 },
            problems: [],
        });
    });
});

describe("validateServers rejects", () => {
    test.each<[string, ServersValues, string]>([
        ["an image slug with capitals", { dropletImage: "Ubuntu" }, `${S}dropletImage: got "Ubuntu"; expected a DigitalOcean image slug, e.g. "ubuntu-24-04-x64"`],
        ["an unknown droplet size", { backendDropletSize: "s-1vcpu-3gb-huge" }, `${S}backendDropletSize: got "s-1vcpu-3gb-huge"; expected ${SIZE}`],
        ["an unknown frontend droplet size", { frontendDropletSize: "huge" }, `${S}frontendDropletSize: got "huge"; expected ${SIZE}`],
        ["zero backend droplets", { backendDropletCount: 0 }, `${S}backendDropletCount: got "0"; expected a whole number from 1 to 10`],
        ["eleven frontend droplets", { frontendDropletCount: 11 }, `${S}frontendDropletCount: got "11"; expected a whole number from 0 to 10`],
        [
            "a frontend size when the frontend runs on the backend droplets",
            { frontendDropletCount: 0 },
            `${S}frontendDropletSize: got "s-1vcpu-1gb"; expected no value when frontendDropletCount is 0 (the frontend then runs on the backend droplets)`,
        ],
        ["frontend droplets without a size", { frontendDropletSize: "" }, `${S}frontendDropletSize: missing; expected ${SIZE}, because frontendDropletCount is 1`],
        [
            "an SSH block that is not a CIDR",
            { sshAllowedCidrs: ["203.0.113.7"] },
            `${S}sshAllowedCidrs: got "203.0.113.7"; expected an IPv4 or IPv6 CIDR block with no host bits set, e.g. "203.0.113.0/24" or "198.51.100.7/32"`,
        ],
        ["no SSH blocks at all", { sshAllowedCidrs: [] }, `${S}sshAllowedCidrs: got "[]"; expected at least one CIDR block: the release chain deploys over SSH`],
        ["an SSH port nginx uses", { sshPort: 80 }, `${S}sshPort: got "80"; expected ${PORT}`],
        ["an SSH port a release container uses", { sshPort: 8081 }, `${S}sshPort: got "8081"; expected ${PORT}`],
        ["an SSH port out of range", { sshPort: 70000 }, `${S}sshPort: got "70000"; expected ${PORT}`],
        [
            "an admin key fingerprint in SHA256 form",
            { adminSshKeyFingerprints: ["SHA256:abc"] },
            `${S}adminSshKeyFingerprints: got "SHA256:abc"; expected an MD5 key fingerprint as DigitalOcean shows it, e.g. "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"`,
        ],
    ])("%s", (_, values, message) => {
        expect(validate(values).problems).toEqual([message]);
    });
});

test.each<[number, boolean]>([
    [22, true],
    [2222, true],
    [65535, true],
    [0, false],
    [80, false],
    [443, false],
    [8000, false],
    [8009, false],
    [8010, true],
    [8089, false],
    [65536, false],
    [22.5, false],
])("isFreeSshPort(%p) is %p", (port, free) => {
    expect(isFreeSshPort(port)).toBe(free);
});
