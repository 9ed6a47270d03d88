import { FORWARDED_PROTO, HSTS_HEADER, groupHealthCheck, renderSites, renderTlsSites } from "./edgeSites";
import { renderProxySites } from "./hostCommands";

const HOSTS = { backend: "api.dev.example.com", frontend: "dev.example.com" };
const INTERNAL = { paths: { backend: ["/api/v1/health/"] }, allow: ["127.0.0.1", "10.110.16.0/20"] };
const proxy = (service: string, proto: string, host = "$host") => [
    `        proxy_pass http://projectmeats_${service};`,
    "        proxy_http_version 1.1;",
    '        proxy_set_header Connection "";',
    `        proxy_set_header Host ${host};`,
    "        proxy_set_header X-Real-IP $remote_addr;",
    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    `        proxy_set_header X-Forwarded-Proto ${proto};`,
];
const internal = (service: string, proto: string) => [
    "    location = /api/v1/health/ {",
    "        allow 127.0.0.1;",
    "        allow 10.110.16.0/20;",
    "        deny all;",
    ...proxy(service, proto),
    "    }",
];
const upstream = (service: string) => [`upstream projectmeats_${service} {`, `    include /etc/projectmeats/nginx/${service}.upstream;`, "    keepalive 16;", "}"];

test("edge none: exactly the plain HTTP sites of before", () => {
    expect(renderSites(["backend", "frontend"], HOSTS, INTERNAL, { mode: "none" })).toBe(renderProxySites(["backend", "frontend"], HOSTS, undefined, INTERNAL));
});

test("edge loadBalancer: the balancer's X-Forwarded-Proto, and a default server answering its health check with the service's hostname", () => {
    expect(renderSites(["backend"], HOSTS, INTERNAL, { mode: "loadBalancer", health: { service: "backend", path: "/api/v1/health/" } })).toBe(
        [
            "map $http_x_forwarded_proto $projectmeats_forwarded_proto {",
            "    default $scheme;",
            "    https https;",
            "}",
            "",
            ...upstream("backend"),
            "server {",
            "    listen 80;",
            "    listen [::]:80;",
            "    server_name api.dev.example.com;",
            "    client_max_body_size 25m;",
            ...internal("backend", FORWARDED_PROTO),
            "    location / {",
            ...proxy("backend", FORWARDED_PROTO),
            "    }",
            "}",
            "",
            "server {",
            "    listen 80 default_server;",
            "    listen [::]:80 default_server;",
            "    server_name _;",
            "    location = /api/v1/health/ {",
            "        allow 127.0.0.1;",
            "        allow 10.110.16.0/20;",
            "        deny all;",
            "        set $projectmeats_in_rotation 0;",
            "        include /etc/projectmeats/nginx/in-rotation/*.conf;",
            "        if ($projectmeats_in_rotation = 0) {",
            "            return 503;",
            "        }",
            ...proxy("backend", FORWARDED_PROTO, "api.dev.example.com"),
            "    }",
            "    location / {",
            "        return 404;",
            "    }",
            "}",
            "",
        ].join("\n"),
    );
});

test("edge droplet: port 80 serves ACME challenges from certbot's webroot and redirects the rest to HTTPS", () => {
    expect(renderSites(["frontend"], HOSTS, INTERNAL, { mode: "droplet" })).toBe(
        [
            ...upstream("frontend"),
            "server {",
            "    listen 80;",
            "    listen [::]:80;",
            "    server_name dev.example.com;",
            "    location /.well-known/acme-challenge/ {",
            "        root /var/www/letsencrypt;",
            "    }",
            "    location / {",
            "        return 301 https://$host$request_uri;",
            "    }",
            "}",
            "",
        ].join("\n"),
    );
});

test("edge droplet: the HTTPS servers use certbot's files, TLS 1.2 and 1.3, HSTS, and the same locations", () => {
    expect(renderTlsSites(["backend"], HOSTS, INTERNAL, "projectmeats-app-1")).toBe(
        [
            "server {",
            "    listen 443 ssl;",
            "    listen [::]:443 ssl;",
            "    server_name api.dev.example.com;",
            "    ssl_certificate /etc/letsencrypt/live/projectmeats-app-1/fullchain.pem;",
            "    ssl_certificate_key /etc/letsencrypt/live/projectmeats-app-1/privkey.pem;",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            '    add_header Strict-Transport-Security "max-age=31536000" always;',
            "    client_max_body_size 25m;",
            ...internal("backend", "$scheme"),
            "    location / {",
            ...proxy("backend", "$scheme"),
            "    }",
            "}",
            "",
        ].join("\n"),
    );
    expect(HSTS_HEADER).toBe('add_header Strict-Transport-Security "max-age=31536000" always;');
});

test.each<[Parameters<typeof renderSites>, string]>([
    [
        [["frontend"], HOSTS, INTERNAL, { mode: "loadBalancer", health: { service: "backend", path: "/" } }],
        "the load balancer's health check must reach a service this droplet runs (frontend), got backend",
    ],
    [
        [["backend"], HOSTS, INTERNAL, { mode: "loadBalancer", health: { service: "backend", path: "/h;deny" } }],
        'the load balancer\'s health check path must be an absolute URL path, got "/h;deny"',
    ],
    [[["backend"], HOSTS, { paths: { backend: ["health"] }, allow: [] }, { mode: "droplet" }], 'an internal path must be an absolute URL path, got "health"'],
])("refuses what would change nginx's meaning: %#", (args, message) => {
    expect(() => renderSites(...args)).toThrow(message);
});

test.each<[("backend" | "frontend")[], { service: string; path: string }]>([
    [["backend"], { service: "backend", path: "/api/v1/health/" }],
    [["frontend"], { service: "frontend", path: "/" }],
    [["backend", "frontend"], { service: "backend", path: "/api/v1/health/" }],
])("a group running %j is health-checked on %j", (services, expected) => {
    expect(groupHealthCheck(services, { backend: "/api/v1/health/", frontend: "/" })).toEqual(expected);
});
