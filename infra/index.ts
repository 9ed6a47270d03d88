/**
 * ProjectMeats infrastructure: one stack per environment (dev, uat, prod).
 *
 * Reads and validates the stack's configuration before declaring anything, then composes the
 * components. Stack differences live in Pulumi.<stack>.yaml, never in code.
 */
import * as pulumi from "@pulumi/pulumi";
import { Database } from "../components/database/Database";
import { DropletEdge } from "../components/edge/DropletEdge";
import { LoadBalancerEdge } from "../components/edge/LoadBalancerEdge";
import { GitHubDeployments } from "../components/github/GitHubDeployments";
import { InfraRepository } from "../components/github/InfraRepository";
import { environmentSecrets, notificationSecrets } from "../components/github/secrets";
import { infraEnvironments } from "../components/github/trustLevels";
import { EnvironmentProject } from "../components/network/EnvironmentProject";
import { Network } from "../components/network/Network";
import { ContainerRegistry } from "../components/registry/ContainerRegistry";
import { ReleaseChain } from "../components/release/ReleaseChain";
import { ReleaseImages } from "../components/release/ReleaseImages";
import { AppServers } from "../components/server/AppServers";
import { groupHealthCheck } from "../components/server/edgeSites";
import { githubTokenFromConfig, loadStackConfig } from "../config/load";
import { HEALTH_PATHS } from "../model/layout";

const config = loadStackConfig();
const env = config.environmentName;

const registry = new ContainerRegistry(`registry`, {
    registryName: config.registry.name,
    create: config.ownsAccountResources,
    adopt: config.adoption.registry,
    ownerStack: config.accountOwnerStack,
    subscriptionTierSlug: config.registry.tier,
    region: config.registry.region,
});

const network = new Network(`network-${env}`, { environmentName: env, region: config.region, ipRange: config.vpcIpRange });

const servers = new AppServers(`servers-${env}`, {
    environmentName: env,
    region: config.region,
    vpcId: network.vpcId,
    vpcIpRange: config.vpcIpRange,
    image: config.servers.image,
    backups: config.servers.backups,
    groups: config.servers.groups,
    sshAllowedCidrs: config.servers.sshAllowedCidrs,
    sshPort: config.servers.sshPort,
    adminSshKeyFingerprints: config.servers.adminSshKeyFingerprints,
    hostnames: config.hostnames,
    registryCredentials: registry.readCredentials,
    // The backend's health and readiness answers show the database's state: for the droplet and the VPC only.
    internalPaths: { backend: [config.app.healthPath, config.app.readyPath] },
    edge: config.edge.mode,
    healthPaths: { backend: config.app.healthPath },
});

// How the public reaches the app (config/sections/edge.ts): a load balancer per server group, or a
// reserved IP and certbot per droplet; `none` serves plain HTTP from the droplets (the rehearsal only).
const edge = deployEdge();

function deployEdge() {
    const { mode, dnsDomain, certificate } = config.edge;
    if (mode === "loadBalancer") {
        return new LoadBalancerEdge(`edge-${env}`, {
            environmentName: env,
            region: config.region,
            vpcId: network.vpcId,
            dropletTag: servers.environmentTag,
            groups: servers.groups.map((group) => ({
                key: group.key,
                services: group.services,
                dropletTag: group.tag,
                dropletCount: group.servers.length,
                healthPath: groupHealthCheck(group.services, { ...HEALTH_PATHS, backend: config.app.healthPath }).path,
            })),
            hostnames: config.hostnames,
            certificate: certificate!.source === "letsEncrypt" ? certificate! : { ...certificate!, privateKey: pulumi.secret(certificate!.privateKey) },
            dnsDomain,
        });
    }
    if (mode === "droplet") {
        return new DropletEdge(`edge-${env}`, {
            region: config.region,
            servers: servers.servers,
            hostnames: config.hostnames,
            dnsDomain,
            acmeServer: config.edge.acmeServer,
            internalPaths: { paths: { backend: [config.app.healthPath, config.app.readyPath] }, allow: ["127.0.0.1", "::1", config.vpcIpRange] },
        });
    }
    return undefined;
}

const database = new Database(`database-${env}`, {
    environmentName: env,
    region: config.region,
    vpcId: network.vpcId,
    version: config.database.version,
    size: config.database.size,
    nodeCount: config.database.nodeCount,
    databaseName: config.database.name,
    userName: config.database.user,
    backendDropletIds: servers.backendDropletIds,
    clusterName: config.adoption.databaseClusterName,
    adoptClusterId: config.adoption.databaseClusterId,
    extraTrustedDropletIds: config.adoption.extraTrustedDropletIds,
});

const slackWebhookUrl = config.notifications.slackWebhookUrl && pulumi.secret(config.notifications.slackWebhookUrl);
const teamsWebhookUrl = config.notifications.teamsWebhookUrl && pulumi.secret(config.notifications.teamsWebhookUrl);

// The first deployment has no image to deploy yet: the registry and the build's push credential come
// from this very `up` (README, "First deployment"). Without imageSha the stack declares no release.
const release = config.imageSha === undefined ? undefined : deployRelease(config.imageSha);

function deployRelease(imageSha: string) {
    const images = new ReleaseImages(`images-${env}`, {
        tagPrefix: config.app.imageTagPrefix,
        imageSha,
        registryEndpoint: registry.endpoint,
        registryServer: registry.serverUrl,
        registryCredentials: registry.readCredentials,
        repositories: config.app.repositories,
    });
    new ReleaseChain(`release-${env}`, {
        environmentName: env,
        imageSha,
        images: images.images,
        digests: images.digests,
        // edge droplet: a release reaches a droplet once its certificate and HTTPS servers are in place.
        servers: servers.servers.map((server) => ({ ...server, ready: [...server.ready, ...(edge instanceof DropletEdge ? edge.ready[server.key] : [])] })),
        hostnames: config.hostnames,
        databaseUrl: database.connectionUri,
        databaseAdminUrl: database.adminUri,
        databaseUser: config.database.user,
        databaseCaCertificate: database.caCertificate,
        databaseReady: [database.firewall],
        app: config.app,
        secretKey: config.app.secretKey === undefined ? undefined : pulumi.secret(config.app.secretKey),
        superuserPassword: config.app.superuserPassword === undefined ? undefined : pulumi.secret(config.app.superuserPassword),
        slackWebhookUrl,
        teamsWebhookUrl,
        batchSize: config.releaseBatchSize,
        healthScheme: config.edge.mode === "droplet" ? "https" : "http",
        // edge loadBalancer: each service checked once more through its balancer, over HTTPS.
        edgeAddresses:
            edge instanceof LoadBalancerEdge
                ? Object.fromEntries(servers.groups.flatMap((group) => group.services.map((service) => [service, edge.loadBalancers[group.key].ip])))
                : undefined,
        edgeAdmissionSeconds: edge instanceof LoadBalancerEdge ? edge.admissionSeconds : undefined,
    });
    return images;
}

const project = new EnvironmentProject(`project-${env}`, {
    environmentName: env,
    environment: config.projectEnvironment,
    resourceUrns: pulumi.all([servers.dropletUrns, database.clusterUrn]).apply(([droplets, cluster]) => [...droplets, cluster]),
});

const githubDeployments = new GitHubDeployments(`github-${env}`, {
    github: config.github,
    ownsRepositoryRules: config.ownsAccountResources,
    adoptEnvironments: config.adoption.githubEnvironments,
    token: githubTokenFromConfig(),
    secrets: environmentSecrets({
        databaseUrlSecretName: config.github.databaseUrlSecretName,
        databaseUrl: database.connectionUri,
        registryWriteCredentials: registry.writeCredentials,
        slackWebhookUrl,
        teamsWebhookUrl,
    }),
});

// This program's own repository: CI's credentials by trust level, per stack (components/github/trustLevels.ts).
new InfraRepository(`infra-repository-${env}`, {
    owner: config.infra.owner,
    repository: config.infra.repository,
    token: githubTokenFromConfig(),
    environments: infraEnvironments(config.stack, { ...config.github, deployBranches: config.infra.deployBranches }),
    notificationSecrets: notificationSecrets({ slackWebhookUrl, teamsWebhookUrl }),
    governance: config.ownsAccountResources ? config.infra : undefined,
});

export const environmentName = env;
export const imageSha = config.imageSha ?? "";
/** What the stack deploys: the images, or why there is no release yet. */
export const releaseImages = release?.images ?? "none: no projectmeats:imageSha set; the infrastructure is up without a release (README, First deployment)";
export const registryEndpoint = registry.endpoint;
export const serverAddresses = servers.publicAddresses;
/** Where the hostnames' A records point: the load balancers' or reserved addresses, by group or server key. */
export const edgeAddresses = edge?.addresses ?? "none: projectmeats:edge is none; the droplets serve plain HTTP at serverAddresses";
export const deployPublicKey = servers.deployPublicKey;
export const vpcId = network.vpcId;
export const databaseHost = database.privateHost;
export const databasePort = database.port;
export const databaseName = database.databaseName;
export const doProjectId = project.projectId;
export const githubEnvironments = { backend: githubDeployments.environments.backend.environment, frontend: githubDeployments.environments.frontend.environment };
