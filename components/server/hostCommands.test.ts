import { proxySitesCommand, registryLoginCommand, renderProxySites, waitForCloudInit, writePublicFileFromStdin } from "./hostCommands";
import { render } from "../shell";

test("waitForCloudInit accepts 'done with recoverable errors' (exit 2)", () => {
    expect(render(waitForCloudInit())).toBe("cloud-init status --wait >/dev/null || [ $? -eq 2 ]");
});

test("registryLoginCommand writes stdin to a private Docker config, atomically", () => {
    expect(registryLoginCommand()).toBe(
        "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && install -d -m 0700 /home/deploy/.docker && " +
            "{ (umask 077 && cat > /home/deploy/.docker/config.json.new) && mv -f /home/deploy/.docker/config.json.new /home/deploy/.docker/config.json; }",
    );
});

test("proxySitesCommand seeds missing upstreams, installs the sites from stdin, tests and reloads nginx", () => {
    expect(proxySitesCommand(["backend", "frontend"])).toBe(
        "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && " +
            "{ test -e /etc/projectmeats/nginx/backend.upstream || printf 'server 127.0.0.1:%s;\\n' 8000 > /etc/projectmeats/nginx/backend.upstream; } && " +
            "{ test -e /etc/projectmeats/nginx/frontend.upstream || printf 'server 127.0.0.1:%s;\\n' 8080 > /etc/projectmeats/nginx/frontend.upstream; } && " +
            "cat > /etc/projectmeats/nginx/sites.conf.new && mv -f /etc/projectmeats/nginx/sites.conf.new /etc/projectmeats/nginx/sites.conf && " +
            "sudo /usr/sbin/nginx -t && sudo /usr/sbin/nginx -s reload",
    );
});

test("no command text carries a credential: they arrive on stdin", () => {
    expect(registryLoginCommand()).not.toMatch(/auth|token|password/i);
});

test("renderProxySites serves each service on its hostname through its upstream file", () => {
    expect(renderProxySites(["backend", "frontend"], { backend: "api.dev.example.com", frontend: "dev.example.com" })).toMatchSnapshot();
});

test("writePublicFileFromStdin writes a file a container's user may read (0644), atomically", () => {
    expect(render(writePublicFileFromStdin("/srv/projectmeats/db-ca.crt"))).toBe(
        "(umask 022 && cat > /srv/projectmeats/db-ca.crt.new) && mv -f /srv/projectmeats/db-ca.crt.new /srv/projectmeats/db-ca.crt",
    );
});

describe("renderProxySites: the backend's health and readiness answer only the droplet itself and the VPC", () => {
    const site = renderProxySites(["backend"], { backend: "api.dev.example.com", frontend: "dev.example.com" }, ["80"], {
        paths: { backend: ["/api/v1/health/", "/api/v1/ready/"] },
        allow: ["127.0.0.1", "::1", "10.110.16.0/20"],
    });
    const proxy = [
        "        proxy_pass http://projectmeats_backend;",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Real-IP $remote_addr;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
    ];

    test("exact locations for each path, admitting the given sources and denying the rest, before the catch-all", () => {
        expect(site).toBe(
            [
                "upstream projectmeats_backend {",
                "    include /etc/projectmeats/nginx/backend.upstream;",
                "    keepalive 16;",
                "}",
                "server {",
                "    listen 80;",
                "    server_name api.dev.example.com;",
                "    client_max_body_size 25m;",
                ...["/api/v1/health/", "/api/v1/ready/"].flatMap((path) => [
                    `    location = ${path} {`,
                    "        allow 127.0.0.1;",
                    "        allow ::1;",
                    "        allow 10.110.16.0/20;",
                    "        deny all;",
                    ...proxy,
                    "    }",
                ]),
                "    location / {",
                ...proxy,
                "    }",
                "}",
                "",
            ].join("\n"),
        );
    });

    test("X-Forwarded-Proto is the scheme nginx was reached by: https only where TLS ended here", () => {
        expect(site).not.toMatch(/X-Forwarded-Proto https/);
    });

    test.each([
        [{ paths: { backend: ["health"] }, allow: [] }, 'an internal path must be an absolute URL path, got "health"'],
        [{ paths: { backend: ["/h;deny"] }, allow: [] }, 'an internal path must be an absolute URL path, got "/h;deny"'],
        [{ paths: {}, allow: ["all; allow everyone"] }, `an internal path's source must be an address or CIDR block, got "all; allow everyone"`],
    ])("refuses what would change nginx's meaning: %j", (internal, message) => {
        expect(() => renderProxySites(["backend"], { backend: "a.example.com", frontend: "b.example.com" }, ["80"], internal)).toThrow(message);
    });
});
