/** The EnvironmentProject component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf } from "../../tools/componentRunner";
import { reveal } from "../../tools/programRunner";

const URN = "urn:pulumi:test::projectmeats-infra::projectmeats:network:EnvironmentProject::project-dev";

async function project(resourceUrns: string[]) {
    return runComponent(async () => {
        const { EnvironmentProject } = await import("./EnvironmentProject");
        const component = new EnvironmentProject("project-dev", { environmentName: "dev", environment: "Development", resourceUrns });
        return await valueOf<string>(component.projectId);
    });
}

test("registers the component and one project, parented to it and named after it", async () => {
    const { resources } = await project([]);
    expect(summary(resources)).toEqual([
        { type: "projectmeats:network:EnvironmentProject", name: "project-dev", urn: URN, parent: "" },
        {
            type: "digitalocean:index/project:Project",
            name: "project-dev-project",
            urn: "urn:pulumi:test::projectmeats-infra::projectmeats:network:EnvironmentProject$digitalocean:index/project:Project::project-dev-project",
            parent: URN,
        },
    ]);
});

test.each([
    ["Development", "dev"],
    ["Staging", "uat2"],
    ["Production", "prod2"],
] as const)("a %s project for %s is named, described and labelled for it", async (environment, environmentName) => {
    const { resources } = await runComponent(async () => {
        const { EnvironmentProject } = await import("./EnvironmentProject");
        new EnvironmentProject("project", { environmentName, environment, resourceUrns: ["do:droplet:1001", "do:dbaas:abc"] });
    });
    expect(reveal(named(resources, "project-project").inputs)).toEqual({
        name: `ProjectMeats ${environmentName}`,
        description: `ProjectMeats ${environmentName} environment, managed by Pulumi (projectmeats-infra).`,
        purpose: "Web Application",
        environment,
        resources: ["do:droplet:1001", "do:dbaas:abc"],
    });
});

test("groups the resources whose URNs it is given, and waits for them", async () => {
    const { resources } = await runComponent(
        async () => {
            const digitalocean = await import("@pulumi/digitalocean");
            const { EnvironmentProject } = await import("./EnvironmentProject");
            const droplet = new digitalocean.Droplet("web", { image: "ubuntu-24-04-x64", region: "nyc3", size: "s-1vcpu-1gb" });
            new EnvironmentProject("project-dev", { environmentName: "dev", environment: "Development", resourceUrns: [droplet.dropletUrn] });
        },
        { state: (type, name) => (type === "digitalocean:index/droplet:Droplet" ? { dropletUrn: `do:droplet:${name}` } : {}) },
    );
    const project = named(resources, "project-dev-project");
    expect(reveal(project.inputs)).toMatchObject({ resources: ["do:droplet:web"] });
    expect(project.dependencies).toEqual([named(resources, "web").urn]);
});

test("exposes the project's id", async () => {
    const { value } = await project([]);
    expect(value).toBe("project-dev-project-id");
});
