import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";

export interface NetworkArgs {
    /** Short environment name (`dev`), used in the VPC's name, which must be unique in the account. */
    readonly environmentName: string;
    /** Region slug of the VPC; droplets and the database cluster join it. */
    readonly region: string;
    /** Private IPv4 range, /16 to /28, not overlapping any other VPC in the account. */
    readonly ipRange: string;
}

/** The environment's private network. */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly ipRange: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:network:Network", name, {}, opts);

        const vpc = new digitalocean.Vpc(
            `${name}-vpc`,
            {
                name: `projectmeats-${args.environmentName}`,
                region: args.region,
                ipRange: args.ipRange,
                description: `ProjectMeats ${args.environmentName}: app servers and database`,
            },
            { parent: this },
        );

        this.vpcId = vpc.id;
        this.ipRange = vpc.ipRange;
        this.registerOutputs({ vpcId: this.vpcId, ipRange: this.ipRange });
    }
}
