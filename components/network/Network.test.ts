/** The Network component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf } from "../../tools/componentRunner";
import { reveal } from "../../tools/programRunner";

const URN = "urn:pulumi:test::projectmeats-infra::projectmeats:network:Network::network-dev";

async function network() {
    return runComponent(async () => {
        const { Network } = await import("./Network");
        const component = new Network("network-dev", { environmentName: "dev", region: "nyc3", ipRange: "10.10.0.0/16" });
        return { vpcId: await valueOf<string>(component.vpcId), ipRange: await valueOf<string>(component.ipRange) };
    });
}

test("registers the component and one VPC, parented to it and named after it", async () => {
    const { resources } = await network();
    expect(summary(resources)).toEqual([
        { type: "projectmeats:network:Network", name: "network-dev", urn: URN, parent: "" },
        {
            type: "digitalocean:index/vpc:Vpc",
            name: "network-dev-vpc",
            urn: "urn:pulumi:test::projectmeats-infra::projectmeats:network:Network$digitalocean:index/vpc:Vpc::network-dev-vpc",
            parent: URN,
        },
    ]);
});

test("the VPC is named for the environment, in its region and range", async () => {
    const { resources } = await network();
    expect(reveal(named(resources, "network-dev-vpc").inputs)).toEqual({
        name: "projectmeats-dev",
        region: "nyc3",
        ipRange: "10.10.0.0/16",
        description: "ProjectMeats dev: app servers and database",
    });
});

test("exposes the VPC's id and range", async () => {
    const { value } = await network();
    expect(value).toEqual({ vpcId: "network-dev-vpc-id", ipRange: "10.10.0.0/16" });
});
