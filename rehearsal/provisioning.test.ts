/** The rehearsal provisions its droplet from the program's own user data (rehearsal/provisioning.ts). */
import { renderCloudInit } from "../components/server/cloudInit";
import { provisioningPlan } from "./provisioning";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm8kFvR9mX2fQk1v8n7H7F8m3c3 deploy";

test("the droplets' user data becomes packages, groups, the deploy user, files, commands and services, in cloud-init's order", () => {
    const actions = provisioningPlan(renderCloudInit({ deployPublicKey: KEY, sshPort: 2222 }));
    expect(actions.map((a) => a.kind)).toEqual(["require-packages", "group", "user", "file", "file", "file", "file", "run", "run", "service", "service", "service", "service"]);
    expect(actions[2]).toEqual({
        kind: "user",
        name: "deploy",
        gecos: "ProjectMeats release chain",
        shell: "/bin/bash",
        groups: ["docker"],
        lockPassword: true,
        authorizedKeys: [KEY],
    });
    expect(actions.find((a) => a.kind === "file" && a.path === "/etc/ssh/sshd_config.d/60-projectmeats.conf")).toEqual({
        kind: "file",
        path: "/etc/ssh/sshd_config.d/60-projectmeats.conf",
        mode: 0o644,
        content: "Port 2222\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n",
    });
    expect(actions.find((a) => a.kind === "file" && a.path === "/etc/sudoers.d/projectmeats-deploy")).toMatchObject({ mode: 0o440 });
    expect(actions.slice(-4)).toEqual([
        { kind: "service", verb: "start", units: ["docker", "nginx"] },
        { kind: "service", verb: "reload", units: ["ssh"] },
        { kind: "service", verb: "reload", units: ["ssh"] },
        { kind: "service", verb: "reload", units: ["nginx"] },
    ]);
});

test("cloud-config the stand-in does not know is refused, not skipped", () => {
    expect(() => provisioningPlan("#cloud-config\nbootcmd: [[echo, hi]]\n")).toThrow("the rehearsal does not know the cloud-config keys bootcmd; teach rehearsal/provisioning.ts");
    expect(() => provisioningPlan("#cloud-config\nruncmd: ['echo hi']\n")).toThrow('runcmd entries must be argument lists, got "echo hi"');
    expect(() => provisioningPlan("#cloud-config\nruncmd: [[systemctl, mask, docker]]\n")).toThrow("unsupported systemctl call in runcmd: systemctl mask docker");
    expect(() => provisioningPlan("#!/bin/sh\necho hi\n")).toThrow("user data must be a #cloud-config document");
});
