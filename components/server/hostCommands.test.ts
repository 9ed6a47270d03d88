import { proxySitesCommand, registryLoginCommand, renderProxySites, waitForCloudInit } from "./hostCommands";
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
