import { parse } from "yaml";
import { renderCloudInit } from "./cloudInit";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm8kFvR9mX2fQk1v8n7H7F8m3c3 deploy\n";

test("starts with the #cloud-config header and holds no secret or per-release value", () => {
    const text = renderCloudInit({ deployPublicKey: KEY });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(text).not.toMatch(/\bpassword\s*[:=]|token|"auth"|imageSha|PRIVATE KEY/i);
});

test("creates the deploy user with only the deploy key, in the docker group, password locked", () => {
    const doc = parse(renderCloudInit({ deployPublicKey: KEY }));
    expect(doc.users[1]).toEqual({
        name: "deploy",
        gecos: "ProjectMeats release chain",
        shell: "/bin/bash",
        groups: ["docker"],
        lock_passwd: true,
        ssh_authorized_keys: [KEY.trim()],
    });
    expect(doc.packages).toEqual(["docker.io", "nginx", "curl", "ca-certificates"]);
    expect(doc.ssh_pwauth).toBe(false);
});

test("is a pure function of its input: the same key renders the same text", () => {
    expect(renderCloudInit({ deployPublicKey: KEY })).toBe(renderCloudInit({ deployPublicKey: KEY }));
});

test.each(["", "not a key", "ssh-ed25519 AAAA\nssh-ed25519 BBBB"])("rejects a deploy key that is not one OpenSSH line: %j", (key) => {
    expect(() => renderCloudInit({ deployPublicKey: key })).toThrow(/^deployPublicKey must be one OpenSSH public key line/);
});

test("sshd takes the configured port; the default port 22 is left implicit", () => {
    const sshd = (port?: number) =>
        parse(renderCloudInit({ deployPublicKey: KEY, sshPort: port })).write_files.find((f: { path: string }) => f.path === "/etc/ssh/sshd_config.d/60-projectmeats.conf").content;
    expect(sshd()).toBe("PasswordAuthentication no\nKbdInteractiveAuthentication no\n");
    expect(sshd(22)).toBe("PasswordAuthentication no\nKbdInteractiveAuthentication no\n");
    expect(sshd(2222)).toBe("Port 2222\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n");
    expect(() => renderCloudInit({ deployPublicKey: KEY, sshPort: 0 })).toThrow("sshPort must be a TCP port, got 0");
});

test("a new SSH port reaches Ubuntu 24.04's socket-activated sshd: the generator re-runs and ssh.socket restarts, then sshd reloads", () => {
    const runcmd = (parse(renderCloudInit({ deployPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy", sshPort: 2222 })) as { runcmd: string[][] }).runcmd;
    const ssh = runcmd.filter((entry) => entry[0] === "systemctl" && (entry[1] === "daemon-reload" || entry.some((arg) => arg.startsWith("ssh"))));
    expect(ssh).toEqual([
        ["systemctl", "daemon-reload"],
        ["systemctl", "restart", "ssh.socket"],
        ["systemctl", "try-reload-or-restart", "ssh"],
    ]);
    // After the file that holds the port is written (write_files runs before runcmd).
    expect(runcmd.indexOf(ssh[0])).toBeLessThan(runcmd.indexOf(ssh[1]));
});

describe("edge droplet: certbot", () => {
    const SCRIPT = "#!/usr/bin/env bash\nset -euo pipefail\necho certificate\n";
    const doc = () => parse(renderCloudInit({ deployPublicKey: KEY, certbot: { certificateScript: SCRIPT } }));

    test("installs certbot, the root-owned certificate script, the renewal hook that reloads nginx, and the challenge folder", () => {
        expect(doc().packages).toEqual(["docker.io", "nginx", "curl", "ca-certificates", "certbot"]);
        const files = doc().write_files as Array<{ path: string; permissions: string; owner?: string; content: string }>;
        expect(files.filter((f) => f.owner === "root:root")).toEqual([
            { path: "/usr/local/sbin/projectmeats-certificate", permissions: "0755", owner: "root:root", content: SCRIPT },
            {
                path: "/etc/letsencrypt/renewal-hooks/deploy/projectmeats-reload-nginx",
                permissions: "0755",
                owner: "root:root",
                content: "#!/bin/sh\nexec systemctl reload nginx\n",
            },
        ]);
        expect(doc().runcmd).toContainEqual(["install", "-d", "-m", "0755", "/var/www/letsencrypt"]);
    });

    test("the deploy user may run the certificate script besides nginx's test and reload, nothing else", () => {
        const sudoers = (doc().write_files as Array<{ path: string; content: string }>).find((f) => f.path === "/etc/sudoers.d/projectmeats-deploy")!.content;
        expect(sudoers).toBe("deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t, /usr/sbin/nginx -s reload, /usr/local/sbin/projectmeats-certificate\n");
    });

    test("without certbot the user data is what it always was: no certbot, no script, the same sudoers", () => {
        const text = renderCloudInit({ deployPublicKey: KEY });
        expect(text).not.toMatch(/certbot|letsencrypt|projectmeats-certificate/);
        expect(text).toContain("deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t, /usr/sbin/nginx -s reload\n");
    });
});
