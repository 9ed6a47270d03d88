/**
 * What cloud-init does with the droplets' user data, as a list of actions the rehearsal's stand-in
 * carries out. Pure: reads the `#cloud-config` document, refuses what it does not know, so a user
 * data change that the stand-in would silently skip fails the rehearsal instead.
 */
import { parse } from "yaml";

export type ProvisioningAction =
    | { readonly kind: "require-packages"; readonly packages: readonly string[] }
    | { readonly kind: "group"; readonly name: string }
    | {
          readonly kind: "user";
          readonly name: string;
          readonly gecos: string;
          readonly shell: string;
          readonly groups: readonly string[];
          readonly lockPassword: boolean;
          readonly authorizedKeys: readonly string[];
      }
    | { readonly kind: "file"; readonly path: string; readonly mode: number; readonly content: string }
    | { readonly kind: "run"; readonly argv: readonly string[] }
    | { readonly kind: "service"; readonly verb: "start" | "reload"; readonly units: readonly string[] };

const KNOWN_KEYS = ["package_update", "packages", "groups", "users", "ssh_pwauth", "write_files", "runcmd"];

interface CloudConfig {
    packages?: string[];
    groups?: string[];
    users?: (string | { name: string; gecos?: string; shell?: string; groups?: string[]; lock_passwd?: boolean; ssh_authorized_keys?: string[] })[];
    write_files?: { path: string; permissions?: string; content: string }[];
    runcmd?: (string | string[])[];
}

/** The actions, in cloud-init's order: packages, groups, users, files, then runcmd. */
export function provisioningPlan(userData: string): ProvisioningAction[] {
    if (!userData.startsWith("#cloud-config\n")) throw new Error("user data must be a #cloud-config document");
    const doc = parse(userData) as CloudConfig & Record<string, unknown>;
    const unknown = Object.keys(doc).filter((key) => !KNOWN_KEYS.includes(key));
    if (unknown.length > 0) throw new Error(`the rehearsal does not know the cloud-config keys ${unknown.join(", ")}; teach rehearsal/provisioning.ts`);

    const actions: ProvisioningAction[] = [];
    if (doc.packages?.length) actions.push({ kind: "require-packages", packages: doc.packages });
    for (const group of doc.groups ?? []) actions.push({ kind: "group", name: group });
    for (const user of doc.users ?? []) {
        // "default" is the image's own user (root on DigitalOcean): nothing to create.
        if (user === "default") continue;
        if (typeof user === "string") throw new Error(`unsupported user entry ${JSON.stringify(user)}`);
        actions.push({
            kind: "user",
            name: user.name,
            gecos: user.gecos ?? "",
            shell: user.shell ?? "/bin/sh",
            groups: user.groups ?? [],
            lockPassword: user.lock_passwd ?? true,
            authorizedKeys: user.ssh_authorized_keys ?? [],
        });
    }
    for (const file of doc.write_files ?? []) {
        actions.push({ kind: "file", path: file.path, mode: parseInt(file.permissions ?? "0644", 8), content: file.content });
    }
    for (const entry of doc.runcmd ?? []) {
        if (!Array.isArray(entry)) throw new Error(`runcmd entries must be argument lists, got ${JSON.stringify(entry)}`);
        if (entry[0] === "systemctl") {
            const [, verb, ...rest] = entry;
            // The rehearsal's droplet has no systemd: its sshd is the service `ssh`, listening where
            // sshd_config says, which is what `ssh.socket` does on Ubuntu 24.04 once systemd's generator
            // has re-read sshd_config (`daemon-reload`, a no-op here).
            const units = rest.filter((arg) => !arg.startsWith("--")).map((unit) => (unit === "ssh.socket" ? "ssh" : unit));
            if (verb === "daemon-reload") continue;
            if (verb === "enable" && rest.includes("--now")) actions.push({ kind: "service", verb: "start", units });
            else if (verb === "reload" || verb === "restart" || verb === "try-reload-or-restart") actions.push({ kind: "service", verb: "reload", units });
            else throw new Error(`unsupported systemctl call in runcmd: ${entry.join(" ")}`);
        } else {
            actions.push({ kind: "run", argv: entry });
        }
    }
    return actions;
}
