import { dockerConfigJson, siteDroplet, siteId, siteState, type Site } from "./site";

const SITE = {
    droplet: { id: "400000001", address: "127.0.0.1" },
    droplets: { "app-1": { id: "500000001", address: "10.120.16.11" }, "app-2": { id: "500000002", address: "10.120.16.12" } },
    loadBalancerAddress: "192.0.2.10",
} as unknown as Site;
const ONE = { droplet: { id: "400000001", address: "127.0.0.1" } } as unknown as Site;

test("siteDroplet: the droplet whose server key ends the resource name, else the site's one droplet", () => {
    expect(siteDroplet(SITE, "servers-rehearsal-app-2")).toEqual({ id: "500000002", address: "10.120.16.12" });
    expect(siteDroplet(SITE, "servers-rehearsal-app-1")).toEqual({ id: "500000001", address: "10.120.16.11" });
    expect(siteDroplet(SITE, "servers-rehearsal-app-11")).toEqual({ id: "400000001", address: "127.0.0.1" });
    expect(siteDroplet(ONE, "servers-rehearsal-app-1")).toEqual({ id: "400000001", address: "127.0.0.1" });
});

test("siteId and siteState answer for each droplet, and give a load balancer its address", () => {
    expect(siteId(SITE, "digitalocean:index/droplet:Droplet", "servers-rehearsal-app-2")).toBe("500000002");
    expect(siteId(SITE, "digitalocean:index/loadBalancer:LoadBalancer", "edge-rehearsal-app")).toBeUndefined();
    expect(siteState(SITE, "digitalocean:index/droplet:Droplet", "servers-rehearsal-app-1")).toEqual({ ipv4Address: "10.120.16.11", ipv4AddressPrivate: "10.120.16.11" });
    expect(siteState(SITE, "digitalocean:index/loadBalancer:LoadBalancer", "edge-rehearsal-app")).toEqual({ ip: "192.0.2.10", status: "active" });
    expect(siteState(ONE, "digitalocean:index/loadBalancer:LoadBalancer", "edge-rehearsal-app")).toBeUndefined();
});

test("dockerConfigJson: the registry's credentials as Docker's config.json holds them", () => {
    expect(dockerConfigJson("10.120.16.1:5000", "ci", "secret")).toBe('{"auths":{"10.120.16.1:5000":{"auth":"Y2k6c2VjcmV0"}}}');
});
