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
