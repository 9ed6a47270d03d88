/**
 * One HTTP(S) client for the system tests, the benchmarks and the rehearsal. A request has one
 * deadline that covers connecting, the response's headers and its whole body; it always settles: a
 * connection closed before the body ended, a body that never ends or an aborted request rejects.
 */
import * as http from "http";
import * as https from "https";
import type * as tls from "tls";
import { DeadlineError, StoppedError } from "./processes";

export interface HttpRequest {
    readonly host: string;
    readonly port: number;
    readonly path: string;
    /** Milliseconds for the whole exchange: connect, headers and body. */
    readonly deadlineMs: number;
    readonly method?: string;
    readonly headers?: Record<string, string>;
    /** `user:password` for basic authentication. */
    readonly auth?: string;
    readonly body?: string;
    /** Speak HTTPS, trusting `ca` (PEM), asking for `servername` (SNI; default none, as for an address). */
    readonly tls?: { readonly ca: string | Buffer; readonly servername?: string };
    /** Bytes of body kept at most; a longer body rejects. Default 1 MiB. */
    readonly maxBytes?: number;
    readonly signal?: AbortSignal;
}

export interface HttpResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
    /** Over HTTPS: the certificate the server presented (its serial number, in hex, and its issuer's common name). */
    readonly certificate?: { readonly serialNumber: string; readonly issuer: string };
}

export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
    const what = `${request.method ?? "GET"} ${request.tls ? "https" : "http"}://${request.host}:${request.port}${request.path}`;
    if (request.signal?.aborted) return Promise.reject(new StoppedError(`${what}: stopped`));
    return new Promise((resolve, reject) => {
        let settled = false;
        const settle = (error: Error | undefined, response?: HttpResponse) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            request.signal?.removeEventListener("abort", onAbort);
            if (error) {
                req.destroy();
                reject(error);
            } else resolve(response!);
        };
        const options: https.RequestOptions = {
            host: request.host,
            port: request.port,
            path: request.path,
            method: request.method ?? "GET",
            headers: request.headers,
            auth: request.auth,
            agent: false,
            ...(request.tls ? { ca: request.tls.ca, ...(request.tls.servername ? { servername: request.tls.servername } : {}) } : {}),
        };
        const req = (request.tls ? https : http).request(options, (res) => {
            const chunks: Buffer[] = [];
            let bytes = 0;
            res.on("data", (chunk: Buffer) => {
                bytes += chunk.length;
                if (bytes > (request.maxBytes ?? 1024 * 1024)) return settle(new Error(`${what}: body longer than ${request.maxBytes ?? 1024 * 1024} bytes`));
                chunks.push(chunk);
            });
            const peer = request.tls ? (res.socket as tls.TLSSocket).getPeerCertificate() : undefined;
            const certificate = peer?.serialNumber ? { serialNumber: peer.serialNumber, issuer: String(peer.issuer?.CN ?? "") } : undefined;
            res.on("end", () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), certificate }));
            res.on("error", (error) => settle(new Error(`${what}: ${error.message}`)));
            // Closed before the body ended: no "end", maybe no "error".
            res.on("close", () => settle(new Error(`${what}: connection closed before the body ended`)));
        });
        req.on("error", (error) => settle(new Error(`${what}: ${error.message}`)));
        req.on("close", () => setImmediate(() => settle(new Error(`${what}: connection closed before a response`))));
        const timer = setTimeout(() => settle(new DeadlineError(`${what}: no complete response within ${request.deadlineMs} ms`)), request.deadlineMs);
        const onAbort = () => settle(new StoppedError(`${what}: stopped`));
        request.signal?.addEventListener("abort", onAbort, { once: true });
        req.end(request.body);
    });
}

/** GET `path` with a Host header, as a browser reaching nginx by name would. */
export function get(port: number, path: string, options: { host?: string; hostHeader?: string; deadlineMs: number; signal?: AbortSignal }): Promise<HttpResponse> {
    return httpRequest({
        host: options.host ?? "127.0.0.1",
        port,
        path,
        headers: options.hostHeader ? { Host: options.hostHeader } : undefined,
        deadlineMs: options.deadlineMs,
        signal: options.signal,
    });
}
