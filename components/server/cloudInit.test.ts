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
