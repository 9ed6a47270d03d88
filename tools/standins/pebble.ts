/**
 * Pebble, Let's Encrypt's ACME test server (Debian's `pebble`), standing in for Let's Encrypt: its
 * directory over HTTPS with a stand-in certificate, HTTP-01 validation by a request to port `httpPort`
 * of the address the hostname resolves to, and the root it issues under, from its management interface.
 *
 * Facts from pebble's README (/usr/share/doc/pebble/README.md.gz, pebble 2.4.0):
 * - "Management interface": the issuing root is generated at each start and served at `GET /roots/0`
 *   of `managementListenAddress`, so a client trusts it only after asking.
 * - The VA sleeps a random 0–15 s before each validation unless `PEBBLE_VA_NOSLEEP=1`, and the WFE rejects
 *   5 % of valid nonces unless `PEBBLE_WFE_NONCEREJECT=0`: both exist to test clients' patience and
 *   retries, and Let's Encrypt does neither, so both are off here.
 * - Without `-dnsserver` it resolves names with the system's resolver (Go's, which reads /etc/hosts).
 */
import * as fs from "fs";
import * as path from "path";
import { httpRequest } from "../http";
import { Managed, portOpen, Supervisor, waitFor } from "../processes";

export interface PebbleOptions {
    /** Its folder: the configuration. */
    readonly dir: string;
    readonly host: string;
    /** Where the ACME directory listens (`https://host:port/dir`). */
    readonly port: number;
    readonly managementPort: number;
    /** The port HTTP-01 validation requests go to: 80, as Let's Encrypt's do. */
    readonly httpPort: number;
    /** Its own HTTPS certificate and key (PEM files), valid for `host`, and the CA that signed them. */
    readonly tls: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
    readonly signal?: AbortSignal;
}

export interface Pebble {
    readonly managed: Managed;
    /** The ACME directory URL, for `certbot --server`. */
    readonly directoryUrl: string;
    /** The root certificate (PEM) of what it issues this run. */
    rootCertificate(): Promise<string>;
}

export async function startPebble(supervisor: Supervisor, options: PebbleOptions): Promise<Pebble> {
    fs.mkdirSync(options.dir, { recursive: true });
    const config = path.join(options.dir, "pebble-config.json");
    fs.writeFileSync(
        config,
        JSON.stringify({
            pebble: {
                listenAddress: `${options.host}:${options.port}`,
                managementListenAddress: `${options.host}:${options.managementPort}`,
                certificate: options.tls.certFile,
                privateKey: options.tls.keyFile,
                httpPort: options.httpPort,
                // TLS-ALPN-01 is not used: any free port.
                tlsPort: 5001,
                ocspResponderURL: "",
                externalAccountBindingRequired: false,
            },
        }),
    );
    const managed = supervisor.start("pebble", "pebble", ["-config", config, "-strict"], {
        env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" },
    });
    await waitFor("pebble listens", () => portOpen(options.port, options.host), { deadlineMs: 30_000, intervalMs: 100, signal: options.signal });
    const ca = fs.readFileSync(options.tls.caFile);
    return {
        managed,
        directoryUrl: `https://${options.host}:${options.port}/dir`,
        async rootCertificate() {
            const res = await httpRequest({ host: options.host, port: options.managementPort, path: "/roots/0", tls: { ca }, deadlineMs: 10_000, signal: options.signal });
            if (res.status !== 200 || !res.body.includes("BEGIN CERTIFICATE")) throw new Error(`pebble's management interface answered ${res.status} for /roots/0`);
            return res.body;
        },
    };
}
