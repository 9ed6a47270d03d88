/**
 * Facts about DigitalOcean that the configuration is checked against.
 *
 * Size slugs come from the provider SDK's own enums, so they move with the pinned provider.
 * Limits are from DigitalOcean's documentation, linked beside each one.
 */
import * as digitalocean from "@pulumi/digitalocean";

/**
 * Regions that accept new droplets, VPCs and database clusters.
 * The SDK enum lags DigitalOcean (it lacks atl1 and ric1) and lists nyc2/ams2/sfo1, which no longer
 * accept new resources — https://docs.digitalocean.com/platform/regional-availability/
 */
export const DROPLET_REGIONS: readonly string[] = ["nyc1", "nyc3", "sfo2", "sfo3", "ams3", "sgp1", "lon1", "fra1", "tor1", "blr1", "syd1", "atl1", "ric1"];

/** Regions where DigitalOcean Container Registry can live — https://docs.digitalocean.com/products/container-registry/details/availability/ */
export const REGISTRY_REGIONS: readonly string[] = ["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "blr1", "syd1"];

/**
 * Registry tiers and how many repositories each holds.
 * https://docs.digitalocean.com/products/container-registry/details/pricing/
 */
export const REGISTRY_TIER_REPOSITORIES: Readonly<Record<string, number>> = {
    starter: 1,
    basic: 5,
    professional: Number.POSITIVE_INFINITY,
};

/** The repositories ProjectMeats pushes to, one per service. */
export const REGISTRY_REPOSITORIES = ["backend", "frontend"] as const;

export const DROPLET_SIZES: readonly string[] = Object.values(digitalocean.DropletSlug);
export const DATABASE_SIZES: readonly string[] = Object.values(digitalocean.DatabaseSlug);

/**
 * PostgreSQL major versions DigitalOcean offers for new clusters. DigitalOcean's "PostgreSQL Limits"
 * (https://docs.digitalocean.com/products/databases/postgresql/details/limits/) lists the versions it
 * supports, and its supported-versions page
 * (https://docs.digitalocean.com/products/databases/postgresql/details/supported-versions/) their end of
 * life, which follows PostgreSQL's own (https://www.postgresql.org/support/versioning/: 13 ended on
 * 13 November 2025; DigitalOcean's upgrade prompt gave the same date, NYCPlanning/ceqr-app-data#170).
 * 17 is what ProjectMeats' cluster runs (Meats-Central/ProjectMeats
 * `.github/workflows/21-db-backup-restore-do.yml`: "Install PostgreSQL 17 client to match server version").
 */
export const POSTGRES_VERSIONS: readonly string[] = ["14", "15", "16", "17"];

/** The default: ProjectMeats' server version (above). */
export const POSTGRES_DEFAULT_VERSION = "17";

/** A PostgreSQL cluster has at most 3 nodes (a primary and two standbys) — https://docs.digitalocean.com/products/databases/postgresql/details/limits/ */
export const POSTGRES_MAX_NODES = 3;

/** Standby nodes need a plan with at least 2 GB of memory — https://docs.digitalocean.com/glossary/standby/ */
export const STANDBY_MIN_MEMORY_GB = 2;

/** Memory in GB that a DigitalOcean size slug names (`db-s-1vcpu-2gb` → 2), or undefined. */
export function slugMemoryGb(slug: string): number | undefined {
    const match = /-(\d+)gb(?:-|$)/.exec(slug);
    return match ? Number(match[1]) : undefined;
}

export { PROJECT_ENVIRONMENTS, type ProjectEnvironment } from "../model/services";

/** VPC ranges DigitalOcean reserves — https://docs.digitalocean.com/products/networking/vpc/details/limits/ */
export const RESERVED_VPC_RANGES: readonly string[] = ["10.244.0.0/16", "10.245.0.0/16", "10.246.0.0/24", "10.229.0.0/16"];
