/**
 * Requests to the droplet while releases come and go: a steady stream through nginx to both
 * services, as users would send them (Traffic), and a fast poll of the containers' own ports that
 * notes when each release became ready (ReadinessWatch, for the health check's detection latency).
 * Every request has a deadline covering its whole response, so a loop never waits on one for ever.
 */
import { SERVICE_PORTS } from "../model/layout";
import { httpRequest } from "../tools/http";
import { sleep, withDeadline } from "../tools/processes";
import { DROPLET_HTTP_PORT, DROPLET_HTTPS_PORT } from "./localSite";

export type Service = "backend" | "frontend";

export interface Response {
    /** Milliseconds since the epoch when the answer (or the failure) came. */
    readonly at: number;
    readonly service: Service;
    readonly ok: boolean;
    readonly release?: string;
    readonly detail?: string;
}

/** Milliseconds a request through nginx may take, body included. */
const REQUEST_DEADLINE_MS = 5000;

export type Hostnames = { readonly backend: string; readonly frontend: string };

/** What each service answers on, and how its answer names the release. */
const HEALTH_PATH: Record<Service, string> = { backend: "/api/v1/health/", frontend: "/" };

function releaseOf(service: Service, body: string): string | undefined {
    if (service === "frontend") return /release ([0-9a-f]+)/.exec(body)?.[1];
    try {
        const release = (JSON.parse(body) as Record<string, unknown>).release;
        return typeof release === "string" ? release : undefined;
    } catch {
        return undefined;
    }
}

/**
 * How users reach the app: over HTTPS, trusting `ca` (edge droplet: TLS ends in nginx; edge
 * loadBalancer: in the balancer), or plain HTTP; at `address`, where the hostnames' A records point
 * (default 127.0.0.1, the one droplet of the main rehearsal).
 */
export type Edge = { readonly tls?: { readonly ca: string }; readonly address?: string };

/**
 * One request to `service` by its hostname; never rejects: a failure is a response that is not ok.
 * Through nginx (HTTPS on 443 with the hostname as SNI when `edge.tls`, else HTTP on 80), or, with
 * `port`, straight to a container's port over HTTP.
 */
export async function request(service: Service, hostnames: Hostnames, options: { port?: number; edge?: Edge; deadlineMs?: number; signal?: AbortSignal } = {}): Promise<Response> {
    try {
        const tls = options.port === undefined ? options.edge?.tls : undefined;
        const res = await httpRequest({
            host: options.port === undefined ? (options.edge?.address ?? "127.0.0.1") : "127.0.0.1",
            port: options.port ?? (tls ? DROPLET_HTTPS_PORT : DROPLET_HTTP_PORT),
            path: HEALTH_PATH[service],
            headers: { Host: hostnames[service] },
            ...(tls ? { tls: { ca: tls.ca, servername: hostnames[service] } } : {}),
            deadlineMs: options.deadlineMs ?? REQUEST_DEADLINE_MS,
            signal: options.signal,
        });
        const ok = res.status === 200;
        return { at: Date.now(), service, ok, release: releaseOf(service, res.body), detail: ok ? undefined : `status ${res.status}` };
    } catch (error) {
        return { at: Date.now(), service, ok: false, detail: (error as Error).message };
    }
}

/** A loop that runs until stopped, or until `signal` aborts; `stop` waits for it, bounded. */
abstract class Loop {
    private running = false;
    private loop?: Promise<void>;
    /** Ends the requests in flight when the loop stops; a new one for each start, so a stopped loop can start again. */
    private stopping = new AbortController();

    constructor(protected readonly signal: AbortSignal) {}

    protected abstract once(signal: AbortSignal): Promise<void>;
    protected abstract readonly pauseMs: number;

    start(): void {
        if (this.running) return;
        this.running = true;
        this.stopping = new AbortController();
        const signal = AbortSignal.any([this.signal, this.stopping.signal]);
        this.loop = (async () => {
            while (this.running && !signal.aborted) {
                await this.once(signal);
                await sleep(this.pauseMs, signal).catch(() => undefined);
            }
        })();
    }

    async stop(): Promise<void> {
        this.running = false;
        this.stopping.abort();
        if (this.loop) await withDeadline("stopping a request loop", this.loop, REQUEST_DEADLINE_MS + 5000);
    }
}

/** A steady stream of requests through nginx to both services, alternating. */
export class Traffic extends Loop {
    public readonly responses: Response[] = [];
    protected readonly pauseMs = 5;
    private turn = 0;

    constructor(
        private readonly hostnames: Hostnames,
        private readonly edge: Edge,
        signal: AbortSignal,
    ) {
        super(signal);
    }

    protected async once(signal: AbortSignal): Promise<void> {
        const service = this.turn++ % 2 === 0 ? "backend" : "frontend";
        const response = await request(service, this.hostnames, { edge: this.edge, signal });
        // A request cut short by stopping says nothing about the release.
        if (!signal.aborted) this.responses.push(response);
    }

    since(at: number): Response[] {
        return this.responses.filter((r) => r.at >= at);
    }
}

/** Polls the containers' own ports fast, to know when a release became ready (for detection latency). */
export class ReadinessWatch extends Loop {
    /** First moment each `service release` answered 200 on its container port. */
    public readonly firstReady = new Map<string, number>();
    protected readonly pauseMs = 20;
    private readonly targets = (["backend", "frontend"] as const).flatMap((service) =>
        [SERVICE_PORTS[service].first, SERVICE_PORTS[service].first + 1].map((port) => ({ service, port })),
    );

    constructor(
        private readonly hostnames: Hostnames,
        signal: AbortSignal,
    ) {
        super(signal);
    }

    protected async once(signal: AbortSignal): Promise<void> {
        await Promise.all(
            this.targets.map(async ({ service, port }) => {
                const r = await request(service, this.hostnames, { port, deadlineMs: 2000, signal });
                const key = `${service} ${r.release}`;
                if (r.ok && r.release && !this.firstReady.has(key)) this.firstReady.set(key, r.at);
            }),
        );
    }

    /** Forgets what was seen, so a release deployed again is timed again. */
    reset(): void {
        this.firstReady.clear();
    }
}
