/** The AppServers component on its own, under Pulumi's mocks: its groups, their tags, and what it refuses. */
import { runComponent, valueOf } from "../../tools/componentRunner";
import type { AppServersArgs } from "./AppServers";

const ARGS: AppServersArgs = {
    environmentName: "prod",
    region: "nyc3",
    vpcId: "vpc-prod",
    vpcIpRange: "10.120.0.0/20",
    image: "ubuntu-24-04-x64",
    groups: [
        { key: "backend", services: ["backend"], size: "s-1vcpu-2gb", count: 2 },
        { key: "frontend", services: ["frontend"], size: "s-1vcpu-1gb", count: 1 },
    ],
    sshAllowedCidrs: ["203.0.113.0/24"],
    hostnames: { backend: "api.projectmeats.com", frontend: "projectmeats.com" },
    registryCredentials: "{}",
    edge: "loadBalancer",
};

/** The deploy key the TLS provider generates. */
const state = (type: string) =>
    type === "tls:index/privateKey:PrivateKey" ? { publicKeyOpenssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeploy deploy\n", privateKeyOpenssh: "KEY" } : {};

async function servers(args: Partial<AppServersArgs> = {}) {
    return runComponent(
        async (pulumi) => {
            const { AppServers } = await import("./AppServers");
            try {
                const component = new AppServers("servers-prod", { ...ARGS, ...args });
                return { groups: await Promise.all(component.groups.map(async (g) => [g.key, g.servers.map((s) => s.key), await valueOf<string>(g.tag)])) };
            } catch (error) {
                return { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
            }
        },
        { state },
    );
}

test("each group's tag is its first service's, which its droplets carry and no other droplet does", async () => {
    const { value, resources } = await servers();
    expect(value).toEqual({
        groups: [
            ["backend", ["backend-1", "backend-2"], "projectmeats-prod-backend"],
            ["frontend", ["frontend-1"], "projectmeats-prod-frontend"],
        ],
    });
    const tagsOf = (name: string) => (resources.find((r) => r.name === name)!.inputs as { tags: string[] }).tags;
    expect(tagsOf("servers-prod-backend-1")).toEqual(["projectmeats-prod", "projectmeats-prod-backend"]);
    expect(tagsOf("servers-prod-frontend-1")).toEqual(["projectmeats-prod", "projectmeats-prod-frontend"]);
});

test("a service in two groups is refused with a ResourceError, before any droplet is declared", async () => {
    const { value, resources } = await servers({
        groups: [
            { key: "app", services: ["backend", "frontend"], size: "s-1vcpu-2gb", count: 1 },
            { key: "frontend", services: ["frontend"], size: "s-1vcpu-1gb", count: 1 },
        ],
    });
    expect(value).toEqual({ resourceError: true, message: "`groups`: each service runs in one group, but frontend is in more than one." });
    expect(resources.filter((r) => r.type === "digitalocean:index/droplet:Droplet")).toEqual([]);
});
