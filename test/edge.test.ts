/**
 * The edge of every stack in both modes (projectmeats:edge overridden by configuration), and `none`:
 * the real program under mocks, asserting the resources, firewall sources, forwarding rules, redirect,
 * DNS records, reserved IPs and certificate references it would ask the engine for.
 */
import { certificateName } from "../components/edge/edgeRules";
import { renderCloudInit } from "../components/server/cloudInit";
import { ProgramRun, RecordedResource, isSecret, named, ofType, reveal, runProgram } from "../tools/programRunner";
import { STACK_NAMES } from "../tools/stackFiles";

const T = {
    lb: "digitalocean:index/loadBalancer:LoadBalancer",
    certificate: "digitalocean:index/certificate:Certificate",
    record: "digitalocean:index/dnsRecord:DnsRecord",
    ip: "digitalocean:index/reservedIp:ReservedIp",
    assignment: "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
    firewall: "digitalocean:index/firewall:Firewall",
    droplet: "digitalocean:index/droplet:Droplet",
    remote: "command:remote:Command",
};
const SHA = "3f9c2ab";
const SUPERUSER = { "projectmeats:appSuperuserPassword": "operators-chosen-password" };
const EVERYWHERE = ["0.0.0.0/0", "::/0"];

/** What each stack's file gives: hostnames, the record names in projectmeats.com, and the server groups. */
const STACKS: Record<string, { backend: string; frontend: string; records: Record<string, string>; groups: Record<string, string[]>; vpc: string }> = {
    dev: {
        backend: "api.dev.projectmeats.com",
        frontend: "dev.projectmeats.com",
        records: { backend: "api.dev", frontend: "dev" },
        groups: { app: ["app-1"] },
        vpc: "10.110.16.0/20",
    },
    uat: {
        backend: "api.uat.projectmeats.com",
        frontend: "uat.projectmeats.com",
        records: { backend: "api.uat", frontend: "uat" },
        groups: { backend: ["backend-1"], frontend: ["frontend-1"] },
        vpc: "10.120.16.0/20",
    },
    prod: {
        backend: "api.projectmeats.com",
        frontend: "app.projectmeats.com",
        records: { backend: "api", frontend: "app" },
        groups: { backend: ["backend-1", "backend-2"], frontend: ["frontend-1", "frontend-2"] },
        vpc: "10.130.16.0/20",
    },
};
/** Droplet mode serves each hostname from one droplet: prod is tested with one per service. */
const ONE_EACH = { "projectmeats:backendDropletCount": "1", "projectmeats:frontendDropletCount": "1" };
const groupsIn = (stack: string, mode: string) => (stack === "prod" && mode === "droplet" ? { backend: ["backend-1"], frontend: ["frontend-1"] } : STACKS[stack].groups);
const servicesOf = (group: string) => (group === "app" ? ["backend", "frontend"] : [group]);

const runs = new Map<string, ProgramRun>();
const key = (stack: string, mode: string) => `${stack}/${mode}`;

beforeAll(async () => {
    for (const stack of STACK_NAMES) {
        for (const mode of ["loadBalancer", "droplet", "none"]) {
            const config = { "projectmeats:imageSha": SHA, "projectmeats:edge": mode, ...(stack === "prod" && mode === "droplet" ? ONE_EACH : {}) };
            runs.set(key(stack, mode), await runProgram(stack, { config, secretConfig: SUPERUSER }));
        }
    }
}, 120000);

const plain = (resource: RecordedResource) => reveal(resource.inputs) as Record<string, unknown>;
const names = (run: ProgramRun, type: string) => ofType(run, type).map((r) => r.name);
/** The names of the resources a registration depends on. */
const dependencies = (run: ProgramRun, name: string) => named(run, name).dependencies.map((urn) => run.resources.find((r) => r.urn === urn)?.name ?? urn);
const serversFirewall = (run: ProgramRun, env: string) => plain(named(run, `servers-${env}-firewall`)).inboundRules as Array<Record<string, unknown>>;

describe.each(STACK_NAMES)("stack %s, edge loadBalancer", (stack) => {
    const env = stack;
    const s = STACKS[stack];
    const run = () => runs.get(key(stack, "loadBalancer"))!;
    const domains = [s.backend, s.frontend].sort();
    const certName = certificateName(env, { type: "lets_encrypt", domains });

    test("runs without error", () => {
        expect(run().error).toBeUndefined();
    });

    test("one Let's Encrypt certificate for every hostname, named after what it is", () => {
        expect(ofType(run(), T.certificate).map((c) => [c.name, plain(c)])).toEqual([[`edge-${env}-certificate`, { name: certName, type: "lets_encrypt", domains }]]);
    });

    test("each balancer serves the droplets that carry its group's tag: exactly that group's droplets", () => {
        for (const lb of ofType(run(), T.lb)) {
            const tag = String(plain(lb).dropletTag);
            const carrying = ofType(run(), T.droplet)
                .filter((droplet) => (plain(droplet).tags as string[]).includes(tag))
                .map((droplet) => droplet.name);
            const group = lb.name.slice(`edge-${env}-`.length);
            expect(carrying).toEqual(s.groups[group].map((server) => `servers-${env}-${server}`));
        }
    });

    test("one load balancer per server group in the VPC, in front of its droplets: HTTPS by certificate name, HTTP redirected, the app's health path checked", () => {
        const vpc = named(run(), `network-${env}-vpc`).id;
        expect(ofType(run(), T.lb).map((lb) => [lb.name, plain(lb)])).toEqual(
            Object.keys(s.groups).map((group) => [
                `edge-${env}-${group}`,
                {
                    name: `projectmeats-${env}-${group}`,
                    region: "nyc3",
                    vpcUuid: vpc,
                    // The group's first service's tag, which its droplets carry and no other droplet does.
                    dropletTag: `projectmeats-${env}-${group === "frontend" ? "frontend" : "backend"}`,
                    forwardingRules: [
                        { entryPort: 443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateName: certName },
                        { entryPort: 80, entryProtocol: "http", targetPort: 80, targetProtocol: "http" },
                    ],
                    redirectHttpToHttps: true,
                    healthcheck: {
                        protocol: "http",
                        port: 80,
                        path: group === "frontend" ? "/" : "/api/v1/health/",
                        checkIntervalSeconds: 10,
                        responseTimeoutSeconds: 5,
                        unhealthyThreshold: 3,
                        healthyThreshold: 3,
                    },
                    disableLetsEncryptDnsRecords: true,
                },
            ]),
        );
        // The certificate by name only, never by id (its id changes when Let's Encrypt renews it).
        expect(JSON.stringify(ofType(run(), T.lb).map((lb) => lb.inputs))).not.toContain("certificateId");
    });

    test("the droplets take HTTP from their load balancers only: the edge firewall names them, the servers' firewall opens neither 80 nor 443", () => {
        const balancers = Object.keys(s.groups).map((group) => named(run(), `edge-${env}-${group}`).id);
        expect(plain(named(run(), `edge-${env}-firewall`))).toEqual({
            name: `projectmeats-${env}-edge`,
            tags: [`projectmeats-${env}`],
            inboundRules: [{ protocol: "tcp", portRange: "80", sourceLoadBalancerUids: balancers }],
        });
        expect(serversFirewall(run(), env).filter((rule) => rule.portRange === "80" || rule.portRange === "443")).toEqual([]);
    });

    test("each hostname's A record points at the load balancer of the group that serves it", () => {
        const balancerOf = (service: string) => Object.keys(s.groups).find((group) => servicesOf(group).includes(service))!;
        expect(ofType(run(), T.record).map((r) => [r.name, plain(r)])).toEqual(
            Object.keys(s.groups)
                .flatMap(servicesOf)
                .map((service) => [
                    `edge-${env}-dns-${service}`,
                    {
                        domain: "projectmeats.com",
                        type: "A",
                        name: s.records[service],
                        value: (run().outputs.edgeAddresses as Record<string, string>)[balancerOf(service)],
                        ttl: 300,
                    },
                ]),
        );
    });

    test("no reserved IP, no certbot, and the health steps stay on the droplet over HTTP with the hostname as Host", () => {
        expect([...names(run(), T.ip), ...names(run(), T.assignment)]).toEqual([]);
        expect(ofType(run(), T.remote).filter((c) => c.name.endsWith("-tls"))).toEqual([]);
        for (const droplet of ofType(run(), T.droplet)) expect(String(plain(droplet).userData)).not.toContain("certbot");
        for (const check of ofType(run(), T.remote).filter((c) => /-health-(backend|frontend)$/.test(c.name) && !c.name.includes("-edge-health-"))) {
            expect(String(plain(check).create)).toMatch(/^bash \/srv\/projectmeats\/bin\/health-check\.sh --url http:\/\/127\.0\.0\.1\/.* --host \S+ --deadline 30 && echo /);
        }
    });

    test("each droplet waits, once, for its balancer to admit it before the checks through the balancers", () => {
        const servers = Object.values(s.groups).flat();
        expect(
            ofType(run(), "command:local:Command")
                .filter((c) => c.name.endsWith("-admitted"))
                .map((c) => c.name)
                .sort(),
        ).toEqual(servers.map((server) => `release-${env}-${server}-admitted`).sort());
        for (const server of servers) {
            const admitted = plain(named(run(), `release-${env}-${server}-admitted`));
            expect(admitted.create).toBe(`sleep 35 && echo 'pm-${env}-${server} has passed the balancer'"'"'s health checks for 35s: in rotation'`);
            expect(admitted.triggers).toEqual([named(run(), `servers-${env}-${server}`).id]);
        }
    });

    test("once every droplet is in the rotation, one step per service checks it through its load balancer over HTTPS with the public hostname; the notification waits for it", () => {
        const groupOfServer = (server: string) => Object.entries(s.groups).find(([, list]) => list.includes(server))![0];
        const addresses = run().outputs.edgeAddresses as Record<string, string>;
        const balancerOf = (service: string) => addresses[Object.keys(s.groups).find((group) => servicesOf(group).includes(service))!];
        const first = (service: string) => Object.entries(s.groups).find(([group]) => servicesOf(group).includes(service))![1][0];
        const backend = named(run(), `release-${env}-edge-health-backend`);
        expect(plain(backend).create).toBe(
            `bash /srv/projectmeats/bin/health-check.sh --url https://${s.backend}/api/v1/health/ --ready-url https://${s.backend}/api/v1/ready/ --json-field status --json-value healthy ` +
                `--resolve ${s.backend}:443:${balancerOf("backend")} --deadline 65 && echo 'https://${s.backend} (${balancerOf("backend")}) serves backend release ${SHA}'`,
        );
        expect(plain(named(run(), `release-${env}-edge-health-frontend`)).create).toBe(
            `bash /srv/projectmeats/bin/health-check.sh --url https://${s.frontend}/ --resolve ${s.frontend}:443:${balancerOf("frontend")} --deadline 65 && ` +
                `echo 'https://${s.frontend} (${balancerOf("frontend")}) serves frontend release ${SHA}'`,
        );
        // From the first droplet of the service, over its connection.
        expect(plain(backend).connection).toEqual(plain(named(run(), `release-${env}-${first("backend")}-deploy-backend`)).connection);
        const backendServers = Object.entries(s.groups)
            .filter(([group]) => servicesOf(group).includes("backend"))
            .flatMap(([, list]) => list);
        expect(
            dependencies(run(), backend.name)
                .filter((d) => d.includes("-health-"))
                .sort(),
        ).toEqual(backendServers.map((server) => `release-${env}-${server}-health-backend`).sort());
        // After every droplet of its group is in the balancer's rotation, which comes after all of the
        // droplet's services: so the checks through the balancers come after every rollout.
        expect(
            dependencies(run(), backend.name)
                .filter((d) => d.endsWith("-admitted"))
                .sort(),
        ).toEqual(backendServers.map((server) => `release-${env}-${server}-admitted`).sort());
        for (const server of Object.values(s.groups).flat()) {
            expect(dependencies(run(), `release-${env}-${server}-in-rotation`)).toEqual(
                expect.arrayContaining(servicesOf(groupOfServer(server)).map((service) => `release-${env}-${server}-health-${service}`)),
            );
            expect(dependencies(run(), `release-${env}-${server}-admitted`)).toContain(`release-${env}-${server}-in-rotation`);
        }
        expect(dependencies(run(), `release-${env}-notify`)).toEqual(expect.arrayContaining([backend.name, `release-${env}-edge-health-frontend`]));
    });

    test("nginx keeps the balancer's X-Forwarded-Proto and answers its health check with the service's hostname", () => {
        for (const [group, servers] of Object.entries(s.groups)) {
            const sites = String(plain(named(run(), `servers-${env}-${servers[0]}-proxy`)).stdin);
            expect(sites.startsWith("map $http_x_forwarded_proto $projectmeats_forwarded_proto {\n    default $scheme;\n    https https;\n}\n")).toBe(true);
            expect(sites).not.toContain("X-Forwarded-Proto $scheme");
            const service = group === "frontend" ? "frontend" : "backend";
            expect(sites).toContain(
                `server {\n    listen 80 default_server;\n    listen [::]:80 default_server;\n    server_name _;\n    location = ${service === "frontend" ? "/" : "/api/v1/health/"} {\n` +
                    `        allow 127.0.0.1;\n        allow ::1;\n        allow ${s.vpc};\n        deny all;\n` +
                    `        set $projectmeats_in_rotation 0;\n        include /etc/projectmeats/nginx/in-rotation/*.conf;\n        if ($projectmeats_in_rotation = 0) {\n            return 503;\n        }\n` +
                    `        proxy_pass http://projectmeats_${service};\n` +
                    `        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_set_header Host ${service === "frontend" ? s.frontend : s.backend};\n`,
            );
        }
    });

    test("exports the load balancers' addresses by group, one each (the provider's `ip`)", () => {
        const addresses = run().outputs.edgeAddresses as Record<string, string>;
        expect(Object.keys(addresses)).toEqual(Object.keys(s.groups));
        for (const address of Object.values(addresses)) expect(address).toMatch(/^198\.51\.100\.\d+$/);
        expect(new Set(Object.values(addresses)).size).toBe(Object.keys(s.groups).length);
    });
});

describe.each(STACK_NAMES)("stack %s, edge droplet", (stack) => {
    const env = stack;
    const s = STACKS[stack];
    const run = () => runs.get(key(stack, "droplet"))!;
    const servers = () => Object.values(groupsIn(stack, "droplet")).flat();
    const groupOf = (server: string) => Object.entries(groupsIn(stack, "droplet")).find(([, list]) => list.includes(server))![0];
    const hostnames = (server: string) => servicesOf(groupOf(server)).map((service) => (service === "backend" ? s.backend : s.frontend));

    test("runs without error, with no load balancer, DigitalOcean certificate or check through a balancer", () => {
        expect(run().error).toBeUndefined();
        expect([...names(run(), T.lb), ...names(run(), T.certificate)]).toEqual([]);
        expect(names(run(), T.remote).filter((name) => name.includes("-edge-health-"))).toEqual([]);
    });

    test("a reserved IP per droplet, assigned to it", () => {
        expect(ofType(run(), T.ip).map((ip) => [ip.name, plain(ip)])).toEqual(servers().map((server) => [`edge-${env}-${server}-ip`, { region: "nyc3" }]));
        expect(ofType(run(), T.assignment).map((a) => [a.name, plain(a)])).toEqual(
            servers().map((server) => [
                `edge-${env}-${server}-ip-assignment`,
                { ipAddress: (run().outputs.edgeAddresses as Record<string, string>)[server], dropletId: Number(named(run(), `servers-${env}-${server}`).id) },
            ]),
        );
    });

    test("each hostname's A record points at the reserved IP of the droplet that serves it", () => {
        expect(ofType(run(), T.record).map((r) => [r.name, plain(r)])).toEqual(
            servers().flatMap((server) =>
                servicesOf(groupOf(server)).map((service) => [
                    `edge-${env}-dns-${service}`,
                    { domain: "projectmeats.com", type: "A", name: s.records[service], value: (run().outputs.edgeAddresses as Record<string, string>)[server], ttl: 300 },
                ]),
            ),
        );
    });

    test("certbot obtains the certificate once the address and the records exist, then nginx serves HTTPS with HSTS", () => {
        for (const server of servers()) {
            const tls = named(run(), `edge-${env}-${server}-tls`);
            const args = hostnames(server)
                .map((host) => `--domain ${host}`)
                .join(" ");
            expect(plain(tls).create).toBe(
                "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && " +
                    `sudo /usr/local/sbin/projectmeats-certificate --cert-name projectmeats-${server} ${args} && ` +
                    "cat > /etc/projectmeats/nginx/tls-sites.conf.new && mv -f /etc/projectmeats/nginx/tls-sites.conf.new /etc/projectmeats/nginx/tls-sites.conf && " +
                    "sudo /usr/sbin/nginx -t && sudo /usr/sbin/nginx -s reload",
            );
            const stdin = String(plain(tls).stdin);
            for (const host of hostnames(server)) {
                expect(stdin).toContain(
                    `server {\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    server_name ${host};\n` +
                        `    ssl_certificate /etc/letsencrypt/live/projectmeats-${server}/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/projectmeats-${server}/privkey.pem;\n` +
                        `    ssl_protocols TLSv1.2 TLSv1.3;\n    add_header Strict-Transport-Security "max-age=31536000" always;\n`,
                );
            }
            expect(dependencies(run(), tls.name)).toEqual(
                expect.arrayContaining([
                    `servers-${env}-${server}-proxy`,
                    `edge-${env}-${server}-ip-assignment`,
                    ...servicesOf(groupOf(server)).map((service) => `edge-${env}-dns-${service}`),
                ]),
            );
        }
    });

    test("port 80 answers ACME challenges and redirects everything else to HTTPS; the firewall opens 80 and 443 to everyone", () => {
        for (const server of servers()) {
            const sites = String(plain(named(run(), `servers-${env}-${server}-proxy`)).stdin);
            for (const host of hostnames(server)) {
                expect(sites).toContain(
                    `server {\n    listen 80;\n    listen [::]:80;\n    server_name ${host};\n    location /.well-known/acme-challenge/ {\n        root /var/www/letsencrypt;\n    }\n` +
                        "    location / {\n        return 301 https://$host$request_uri;\n    }\n}\n",
                );
            }
            expect(sites).not.toContain("proxy_pass");
        }
        expect(serversFirewall(run(), env).filter((rule) => rule.portRange === "80" || rule.portRange === "443")).toEqual([
            { protocol: "tcp", portRange: "80", sourceAddresses: EVERYWHERE },
            { protocol: "tcp", portRange: "443", sourceAddresses: EVERYWHERE },
        ]);
        expect(names(run(), T.firewall)).toEqual([`servers-${env}-firewall`]);
    });

    test("user data installs certbot, the certificate script and nginx's reload after renewal", () => {
        const userData = String(plain(ofType(run(), T.droplet)[0]).userData);
        expect(userData).toContain("  - certbot\n");
        expect(userData).toContain("deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t, /usr/sbin/nginx -s reload, /usr/local/sbin/projectmeats-certificate\n");
        expect(userData).toContain("  - path: /usr/local/sbin/projectmeats-certificate\n");
        expect(userData).toContain("  - path: /etc/letsencrypt/renewal-hooks/deploy/projectmeats-reload-nginx\n");
    });

    test("each health step goes through HTTPS with its hostname resolved to the droplet, after the droplet's certificate", () => {
        for (const server of servers()) {
            for (const service of servicesOf(groupOf(server))) {
                const host = service === "backend" ? s.backend : s.frontend;
                const health = named(run(), `release-${env}-${server}-health-${service}`);
                expect(String(plain(health).create)).toMatch(
                    new RegExp(
                        `^bash /srv/projectmeats/bin/health-check\\.sh --url https://${host.replace(/\./g, "\\.")}/.* --resolve ${host.replace(/\./g, "\\.")}:443:127\\.0\\.0\\.1 --deadline 30 && echo `,
                    ),
                );
                // The deploy waits for the scripts, which wait for the droplet to be ready: its certificate and HTTPS servers included.
                expect(dependencies(run(), `release-${env}-${server}-deploy-${service}`)).toContain(`release-${env}-${server}-script-deploy.sh`);
                expect(dependencies(run(), `release-${env}-${server}-script-deploy.sh`)).toContain(`edge-${env}-${server}-tls`);
            }
        }
    });

    test("exports the reserved addresses by droplet: the ones assigned and recorded", () => {
        expect(run().outputs.edgeAddresses).toEqual(Object.fromEntries(servers().map((server) => [server, plain(named(run(), `edge-${env}-${server}-ip-assignment`)).ipAddress])));
        for (const address of Object.values(run().outputs.edgeAddresses as Record<string, string>)) expect(address).toMatch(/^192\.0\.2\.\d+$/);
    });
});

describe("edge none: the rehearsal's plain HTTP, as before edges existed", () => {
    test.each(STACK_NAMES)("stack %s: no edge resource, the user data without certbot, nginx on port 80 proxying, 80 and 443 open", (stack) => {
        const run = runs.get(key(stack, "none"))!;
        expect(run.error).toBeUndefined();
        expect(run.resources.filter((r) => [T.lb, T.certificate, T.record, T.ip, T.assignment].includes(r.type) || r.type.startsWith("projectmeats:edge:"))).toEqual([]);
        const droplet = ofType(run, T.droplet)[0];
        const publicKey = String(plain(droplet).userData).match(/ssh-ed25519 \S+/)![0];
        expect(plain(droplet).userData).toBe(renderCloudInit({ deployPublicKey: `${publicKey}\n` }));
        for (const proxy of ofType(run, T.remote).filter((c) => c.name.endsWith("-proxy"))) {
            expect(String(plain(proxy).stdin)).not.toMatch(/443|return 301|default_server|map /);
            expect(String(plain(proxy).stdin)).toContain("        proxy_set_header X-Forwarded-Proto $scheme;\n");
        }
        expect(serversFirewall(run, stack).filter((rule) => rule.portRange === "80" || rule.portRange === "443")).toEqual([
            { protocol: "tcp", portRange: "80", sourceAddresses: EVERYWHERE },
            { protocol: "tcp", portRange: "443", sourceAddresses: EVERYWHERE },
        ]);
        expect(run.outputs.edgeAddresses).toBe("none: projectmeats:edge is none; the droplets serve plain HTTP at serverAddresses");
    });
});

describe("certificates and domains other than the committed ones", () => {
    const LEAF = "-----BEGIN CERTIFICATE-----\nMIIleaf\n-----END CERTIFICATE-----\n";
    const KEY = "-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n";

    test("a custom certificate from the stack's secrets, with the records left to the operator", async () => {
        const run = await runProgram("prod", {
            config: { "projectmeats:edgeCertificate": "custom", "projectmeats:edgeCertificateLeaf": LEAF },
            unset: ["projectmeats:dnsDomain"],
            secretConfig: { "projectmeats:edgeCertificatePrivateKey": KEY },
        });
        expect(run.error).toBeUndefined();
        const certificate = named(run, "edge-prod-certificate");
        const name = certificateName("prod", { type: "custom", leafCertificate: LEAF });
        expect(plain(certificate)).toEqual({ name, type: "custom", leafCertificate: LEAF, privateKey: KEY });
        expect(isSecret(certificate.inputs.privateKey)).toBe(true);
        for (const lb of ofType(run, T.lb)) expect((plain(lb).forwardingRules as Array<Record<string, unknown>>)[0].certificateName).toBe(name);
        expect(ofType(run, T.record)).toEqual([]);
    });

    test("edge droplet without a managed domain, with another ACME directory: reserved IPs and certbot asking that directory, no records", async () => {
        const run = await runProgram("dev", {
            config: { "projectmeats:edge": "droplet", "projectmeats:edgeAcmeServer": "https://10.0.0.2:14000/dir" },
            unset: ["projectmeats:dnsDomain"],
        });
        expect(run.error).toBeUndefined();
        expect(names(run, T.ip)).toEqual(["edge-dev-app-1-ip"]);
        expect(ofType(run, T.record)).toEqual([]);
        expect(dependencies(run, "edge-dev-app-1-tls")).toEqual(expect.arrayContaining(["servers-dev-app-1-proxy", "edge-dev-app-1-ip-assignment"]));
        expect(String(plain(named(run, "edge-dev-app-1-tls")).create)).toContain(
            "--cert-name projectmeats-app-1 --domain api.dev.projectmeats.com --domain dev.projectmeats.com --server https://10.0.0.2:14000/dir && ",
        );
    });

    test("prod with edge droplet and two droplets per service is refused before anything is declared", async () => {
        const run = await runProgram("prod", { config: { "projectmeats:edge": "droplet" } });
        expect(run.resources).toEqual([]);
        expect(run.error?.message).toBe(
            [
                'Stack "prod" has 1 configuration problem; nothing was created or changed. Fix them in Pulumi.prod.yaml or with `pulumi config set --stack prod <key> <value>`:',
                '  - stack "prod", key projectmeats:edge: got "droplet"; expected loadBalancer when a service runs on more than one droplet (backendDropletCount 2, frontendDropletCount 2): edge droplet serves each hostname from one droplet',
            ].join("\n"),
        );
    });
});

describe("rolling releases across prod's droplets", () => {
    test("one droplet at a time: backend-2 waits for backend-1's health, the frontends for every backend and each other; the output names droplet, release and batch", () => {
        const run = runs.get(key("prod", "loadBalancer"))!;
        expect(dependencies(run, "release-prod-backend-2-deploy-backend")).toContain("release-prod-backend-1-health-backend");
        expect(dependencies(run, "release-prod-backend-1-deploy-backend")).not.toContain("release-prod-backend-2-health-backend");
        expect(dependencies(run, "release-prod-frontend-1-deploy-frontend")).toEqual(
            expect.arrayContaining(["release-prod-backend-1-health-backend", "release-prod-backend-2-health-backend"]),
        );
        expect(dependencies(run, "release-prod-frontend-2-deploy-frontend")).toContain("release-prod-frontend-1-health-frontend");
        expect(String(plain(named(run, "release-prod-backend-2-health-backend")).create)).toMatch(/ && echo 'pm-prod-backend-2 serves backend release 3f9c2ab \(batch 2 of 2\)'$/);
    });

    test("releaseBatchSize 2 swaps both droplets of a service at once", async () => {
        const run = await runProgram("prod", { config: { "projectmeats:imageSha": SHA, "projectmeats:releaseBatchSize": "2" }, secretConfig: SUPERUSER });
        expect(run.error).toBeUndefined();
        expect(dependencies(run, "release-prod-backend-2-deploy-backend")).not.toContain("release-prod-backend-1-health-backend");
        expect(dependencies(run, "release-prod-frontend-2-deploy-frontend")).not.toContain("release-prod-frontend-1-health-frontend");
        expect(String(plain(named(run, "release-prod-backend-2-health-backend")).create)).toMatch(/ && echo 'pm-prod-backend-2 serves backend release 3f9c2ab \(batch 1 of 1\)'$/);
    });
});
