/** A certificate authority and one server certificate for the stand-ins that speak TLS (PostgreSQL, webhooks). */
import * as fs from "fs";
import * as path from "path";
import { run } from "../processes";

export interface Certificates {
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
}

/** Writes `ca.crt`, `server.crt` and `server.key` into `dir`, the server's valid for `ips` (two days). */
export async function makeCertificates(dir: string, ips: readonly string[], signal?: AbortSignal): Promise<Certificates> {
    fs.mkdirSync(dir, { recursive: true });
    const at = (file: string) => path.join(dir, file);
    const ssl = (...args: string[]) => run("openssl", args, { deadlineMs: 60_000, signal });
    await ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=projectmeats stand-in CA", "-keyout", at("ca.key"), "-out", at("ca.crt"));
    fs.writeFileSync(at("ext.cnf"), `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}\n`);
    await ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${ips[0]}`, "-keyout", at("server.key"), "-out", at("server.csr"));
    await ssl(
        "x509",
        "-req",
        "-in",
        at("server.csr"),
        "-CA",
        at("ca.crt"),
        "-CAkey",
        at("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        at("ext.cnf"),
        "-out",
        at("server.crt"),
    );
    return { caFile: at("ca.crt"), certFile: at("server.crt"), keyFile: at("server.key") };
}
