/**
 * The services ProjectMeats runs: a Django + Gunicorn backend and a static React frontend behind
 * nginx. Shared by the configuration, the components and the host scripts' callers; imports nothing
 * outside model/.
 */
import { PROJECTMEATS_REPOSITORIES } from "./app";

export const SERVICES = ["backend", "frontend"] as const;
export type Service = (typeof SERVICES)[number];

/**
 * The Environment of a DigitalOcean project, as the API accepts it
 * (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Projects).
 */
export const PROJECT_ENVIRONMENTS = ["Development", "Staging", "Production"] as const;
export type ProjectEnvironment = (typeof PROJECT_ENVIRONMENTS)[number];

/**
 * The image repository of each service in the registry, by default: ProjectMeats' (model/app.ts). The
 * program reads `projectmeats:appBackendRepository` and `projectmeats:appFrontendRepository`; this is
 * for what runs outside a stack's configuration (the rehearsal's builds).
 */
export const IMAGE_REPOSITORIES: Readonly<Record<Service, string>> = PROJECTMEATS_REPOSITORIES;
