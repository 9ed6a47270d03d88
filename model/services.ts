/**
 * The services ProjectMeats runs: a Django + Gunicorn backend and a static React frontend behind
 * nginx. Shared by the configuration, the components and the host scripts' callers; imports nothing.
 */
export const SERVICES = ["backend", "frontend"] as const;
export type Service = (typeof SERVICES)[number];

/**
 * The Environment of a DigitalOcean project, as the API accepts it
 * (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Projects).
 */
export const PROJECT_ENVIRONMENTS = ["Development", "Staging", "Production"] as const;
export type ProjectEnvironment = (typeof PROJECT_ENVIRONMENTS)[number];

/**
 * The image repository of each service in the registry: what ProjectMeats' build pushes
 * (Meats-Central/ProjectMeats `.github/workflows/reusable-deploy.yml`: `BACKEND_IMAGE: projectmeats-backend`,
 * `FRONTEND_IMAGE: projectmeats-frontend`, under `registry.digitalocean.com/meatscentral`).
 */
export const IMAGE_REPOSITORIES: Readonly<Record<Service, string>> = { backend: "projectmeats-backend", frontend: "projectmeats-frontend" };
