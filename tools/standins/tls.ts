/** A certificate authority and server certificates for the stand-ins that speak TLS (PostgreSQL, webhooks, the registry, a load balancer). */
import * as fs from "fs";
import * as path from "path";
import { run } from "../processes";

export interface Certificates {
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
}

/** What a server certificate is valid for: addresses and host names (its subjectAltName). */
export interface ServerNames {
    readonly ips?: readonly string[];
    readonly dnsNames?: readonly string[];
}

/** The subjectAltName extension naming `names`, as openssl's `-extfile` takes it. */
export function subjectAltName(names: ServerNames): string {
    const entries = [...(names.ips ?? []).map((ip) => `IP:${ip}`), ...(names.dnsNames ?? []).map((name) => `DNS:${name}`)];
    if (entries.length === 0) throw new Error("a server certificate must name at least one address or host name");
    return `subjectAltName=${entries.join(",")}\n`;
}

/** Writes `ca.crt`, `server.crt` and `server.key` into `dir`, the server's valid for `ips` (two days). */
export async function makeCertificates(dir: string, ips: readonly string[], signal?: AbortSignal): Promise<Certificates> {
    fs.mkdirSync(dir, { recursive: true });
    const at = (file: string) => path.join(dir, file);
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=projectmeats stand-in CA", "-keyout", at("ca.key"), "-out", at("ca.crt")], {
        deadlineMs: 60_000,
        signal,
    });
    return issueCertificate(dir, "server", { ips }, signal);
}

/**
 * Writes `<name>.crt` and `<name>.key` into `dir`, a server certificate for `names` signed by the CA
 * `makeCertificates` made there (two days).
 */
export async function issueCertificate(dir: string, name: string, names: ServerNames, signal?: AbortSignal): Promise<Certificates> {
    const at = (file: string) => path.join(dir, file);
    const ssl = (...args: string[]) => run("openssl", args, { deadlineMs: 60_000, signal });
    const subject = names.dnsNames?.[0] ?? names.ips?.[0] ?? "";
    fs.writeFileSync(at(`${name}.ext`), subjectAltName(names));
    await ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${subject}`, "-keyout", at(`${name}.key`), "-out", at(`${name}.csr`));
    await ssl(
        "x509",
        "-req",
        "-in",
        at(`${name}.csr`),
        "-CA",
        at("ca.crt"),
        "-CAkey",
        at("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        at(`${name}.ext`),
        "-out",
        at(`${name}.crt`),
    );
    return { caFile: at("ca.crt"), certFile: at(`${name}.crt`), keyFile: at(`${name}.key`) };
}
