import { coversPort, sshPorts } from "./network";

const DROPLET = "digitalocean:index/droplet:Droplet";

test.each<[Record<string, unknown>, number, boolean]>([
    [{ protocol: "tcp", portRange: "22" }, 22, true],
    [{ protocol: "tcp", portRange: "22" }, 2222, false],
    [{ protocol: "tcp", portRange: "2222" }, 2222, true],
    [{ protocol: "tcp", portRange: "2000-3000" }, 2222, true],
    [{ protocol: "tcp", portRange: "1-21" }, 22, false],
    [{ protocol: "tcp", portRange: "all" }, 2222, true],
    [{ protocol: "tcp", portRange: "0" }, 22, true],
    [{ protocol: "tcp" }, 22, true],
    [{ protocol: "udp", portRange: "22" }, 22, false],
    [{ protocol: "icmp" }, 22, false],
])("coversPort(%j, %d) is %s", (rule, port, expected) => {
    expect(coversPort(rule, port)).toBe(expected);
});

describe("sshPorts: where sshd listens", () => {
    test("the configured ports when no droplet moves sshd", () => {
        expect(sshPorts([{ type: DROPLET, props: { userData: "#cloud-config\npackages: [docker.io]\n" } }], [22])).toEqual([22]);
    });

    test("a Port line in a droplet's user data adds its port", () => {
        const userData = "#cloud-config\nwrite_files:\n  - path: /etc/ssh/sshd_config.d/10-projectmeats.conf\n    content: |\n      Port 2222\n      PasswordAuthentication no\n";
        expect(sshPorts([{ type: DROPLET, props: { userData } }], [22])).toEqual([22, 2222]);
    });

    test("the pack's configuration names other ports; other resources' text is not sshd's", () => {
        expect(sshPorts([{ type: "command:remote:Command", props: { create: "Port 2200" } }], [22, 8022])).toEqual([22, 8022]);
    });

    test("a Port inside a sentence is not a directive", () => {
        expect(sshPorts([{ type: DROPLET, props: { userData: "# Port 2222 is set elsewhere\n" } }], [22])).toEqual([22]);
    });
});
