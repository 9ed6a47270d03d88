import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { ProjectEnvironment } from "../../model/services";

export interface EnvironmentProjectArgs {
    /** Short environment name (`dev`); project names are unique in the account. */
    readonly environmentName: string;
    /** DigitalOcean's label for the project: Development, Staging or Production. */
    readonly environment: ProjectEnvironment;
    /** URNs (`do:droplet:…`, `do:dbaas:…`) of the resources to group; VPCs and registries cannot be grouped. */
    readonly resourceUrns: pulumi.Input<pulumi.Input<string>[]>;
}

/** A DigitalOcean project that groups one environment's droplets and database in the control panel. */
export class EnvironmentProject extends pulumi.ComponentResource {
    public readonly projectId: pulumi.Output<string>;

    constructor(name: string, args: EnvironmentProjectArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:network:EnvironmentProject", name, {}, opts);

        const project = new digitalocean.Project(
            `${name}-project`,
            {
                name: `ProjectMeats ${args.environmentName}`,
                description: `ProjectMeats ${args.environmentName} environment, managed by Pulumi (projectmeats-infra).`,
                purpose: "Web Application",
                environment: args.environment,
                resources: args.resourceUrns,
            },
            { parent: this },
        );

        this.projectId = project.id;
        this.registerOutputs({ projectId: this.projectId });
    }
}
