/** edge droplet's remote command: obtain the certificate, then install the HTTPS servers that use it. */
import { and, render, toFile } from "../shell";
import { waitForCloudInit } from "../server/hostCommands";
import { CERTIFICATE_SCRIPT, TLS_SITES_PATH } from "../../model/layout";

/**
 * Runs the root-owned certificate script (host/root/obtain-certificate.sh, installed by user data)
 * for the droplet's hostnames, then writes the HTTPS servers read from stdin and reloads nginx
 * gracefully. `acmeServer` is another ACME directory than Let's Encrypt's (a test server's). Idempotent: certbot keeps a certificate that is not due (`--keep-until-expiring`), and the
 * same servers again change nothing. nginx's test runs before the reload, so a bad site never goes live.
 */
export function obtainCertificateCommand(certificateName: string, domains: readonly string[], acmeServer?: string): string {
    if (domains.length === 0) throw new Error("a certificate names at least one domain");
    return render(
        and(
            waitForCloudInit(),
            [
                "sudo",
                CERTIFICATE_SCRIPT,
                "--cert-name",
                certificateName,
                ...domains.flatMap((domain) => ["--domain", domain]),
                ...(acmeServer === undefined ? [] : ["--server", acmeServer]),
            ],
            toFile(["cat"], `${TLS_SITES_PATH}.new`),
            ["mv", "-f", `${TLS_SITES_PATH}.new`, TLS_SITES_PATH],
            ["sudo", "/usr/sbin/nginx", "-t"],
            ["sudo", "/usr/sbin/nginx", "-s", "reload"],
        ),
    );
}
