import { obtainCertificateCommand } from "./tlsCommands";

test("obtains the certificate through the root-owned script, then installs the HTTPS servers from stdin, tests and reloads nginx", () => {
    expect(obtainCertificateCommand("projectmeats-app-1", ["api.dev.projectmeats.com", "dev.projectmeats.com"])).toBe(
        "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && " +
            "sudo /usr/local/sbin/projectmeats-certificate --cert-name projectmeats-app-1 --domain api.dev.projectmeats.com --domain dev.projectmeats.com && " +
            "cat > /etc/projectmeats/nginx/tls-sites.conf.new && mv -f /etc/projectmeats/nginx/tls-sites.conf.new /etc/projectmeats/nginx/tls-sites.conf && " +
            "sudo /usr/sbin/nginx -t && sudo /usr/sbin/nginx -s reload",
    );
});

test("another ACME directory (a test server's) reaches certbot as --server", () => {
    expect(obtainCertificateCommand("projectmeats-app-1", ["dev.projectmeats.com"], "https://10.0.0.2:14000/dir")).toContain(
        "sudo /usr/local/sbin/projectmeats-certificate --cert-name projectmeats-app-1 --domain dev.projectmeats.com --server https://10.0.0.2:14000/dir && ",
    );
});

test("a hostname is quoted like any argument", () => {
    expect(obtainCertificateCommand("projectmeats-backend-1", ["a'b.example.com"])).toContain("--domain 'a'\"'\"'b.example.com' && ");
});

test("no domain, no certificate", () => {
    expect(() => obtainCertificateCommand("projectmeats-app-1", [])).toThrow("a certificate names at least one domain");
});
