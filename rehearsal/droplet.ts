/**
 * The rehearsal's droplet: this machine as seen inside the rehearsal's mount namespace (overlays on
 * /etc, /home, /srv, /var and a fresh /run, set up by ./localSite.ts), provisioned from the program's
 * own user data when the engine creates the droplet — what cloud-init would do (./provisioning.ts) —
 * then Docker Engine, nginx and sshd (on the port the user data sets) run there as they would on
 * DigitalOcean, each from tools/standins/ with its PID recorded.
 *
 * A replaced droplet is a new machine at a new address: nothing of the old one's users, files,
 * containers or services is on it. The rehearsal has one such machine, so a replacement stops the old
 * droplet's services and boots the new one on fresh overlays before the engine's other steps run;
 * on DigitalOcean the old droplet would keep serving until the engine deletes it at the end.
 */
import * as fs from "fs";
import * as path from "path";
import { Managed, missingCommands, run, succeeds, Supervisor } from "../tools/processes";
import { DockerEngine, startDockerd } from "../tools/standins/docker";
import { reloadNginx, startNginx } from "../tools/standins/nginx";
import { Sshd, startSshd } from "../tools/standins/sshd";
import { ProvisioningAction, provisioningPlan } from "./provisioning";

const NGINX = ["/usr/sbin/nginx"];

/**
 * What the droplet sees through overlays of its own (writes stay in the run's folder), besides a fresh
 * /run; /usr/local holds the root-owned certificate script of edge droplet.
 */
export const DROPLET_OVERLAYS = ["/etc", "/home", "/srv", "/var", "/usr/local"] as const;

/** True when `file` lies where the droplet may write: under an overlay or /run, never on this machine's own files. */
export function isDropletPath(file: string): boolean {
    const resolved = path.posix.resolve(file);
    return ["/run", ...DROPLET_OVERLAYS].some((root) => resolved.startsWith(`${root}/`));
}

export class LocalDroplet {
    private docker?: DockerEngine;
    private sshd?: Sshd;
    private nginx?: Managed;
    /** 1 for the first droplet, one more for each replacement. */
    public generation = 1;
    /** Where its sshd listens: the droplet's address. */
    public address = "127.0.0.1";
    /** Runs as each droplet boots, before its user data: what the world around it provides (DNS, trusted roots). */
    public onBoot?: () => void;

    constructor(
        private readonly dir: string,
        private readonly supervisor: Supervisor,
        private readonly signal: AbortSignal,
    ) {}

    /** Mounts the droplet's filesystem: fresh overlays on /etc, /home, /srv and /var, and a fresh /run. */
    async mountFilesystem(): Promise<void> {
        for (const target of DROPLET_OVERLAYS) {
            const base = path.join(this.dir, `droplet-${this.generation}`, target.slice(1));
            fs.mkdirSync(path.join(base, "upper"), { recursive: true });
            fs.mkdirSync(path.join(base, "work"), { recursive: true });
            await this.sh(["mount", "-t", "overlay", "overlay", "-o", `lowerdir=${target},upperdir=${base}/upper,workdir=${base}/work`, target]);
        }
        await this.sh(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"]);
    }

    /**
     * The old droplet goes away and a new one boots at `address`: its services stopped by their PIDs,
     * its overlays detached (the machine's own directories show through again) and new ones mounted.
     * The new droplet is then created from its user data as the first one was (`provision`).
     */
    async replace(address: string): Promise<void> {
        await this.removeContainers();
        for (const managed of [this.nginx, this.sshd?.managed, this.docker?.managed]) if (managed) await this.supervisor.stopOne(managed);
        this.nginx = this.sshd = this.docker = undefined;
        for (const target of ["/run", ...DROPLET_OVERLAYS]) await this.sh(["umount", "--lazy", target]);
        this.generation++;
        this.address = address;
        await this.mountFilesystem();
        await this.prepare();
    }

    private async sh(argv: readonly string[]): Promise<void> {
        await run(argv[0], argv.slice(1), { deadlineMs: 60_000, signal: this.signal });
    }

    /** A droplet boots without this machine's docker or nginx state, with cloud-init still running. */
    async prepare(): Promise<void> {
        for (const leftover of ["/var/lib/docker", "/var/log/nginx"]) fs.rmSync(leftover, { recursive: true, force: true });
        fs.mkdirSync("/var/log/nginx", { recursive: true });
        fs.mkdirSync("/run/cloud-init", { recursive: true });
        // `cloud-init status --wait` blocks until provisioning ends.
        fs.writeFileSync("/run/cloud-init/status.json", JSON.stringify({ v1: { datasource: null, stage: "init" } }));
        this.onBoot?.();
    }

    /** Creates the droplet: what cloud-init would do with its user data, then the services it enables. */
    async provision(userData: string): Promise<void> {
        for (const action of provisioningPlan(userData)) await this.apply(action);
        const now = Date.now() / 1000;
        fs.writeFileSync(
            "/run/cloud-init/status.json",
            JSON.stringify({ v1: { datasource: "DataSourceNoCloud [seed=rehearsal]", stage: null, "modules-final": { errors: [], start: now - 1, finished: now } } }),
        );
        fs.writeFileSync("/run/cloud-init/result.json", JSON.stringify({ v1: { datasource: "DataSourceNoCloud [seed=rehearsal]", errors: [] } }));
    }

    private async apply(action: ProvisioningAction): Promise<void> {
        switch (action.kind) {
            case "require-packages": {
                const command: Record<string, string> = { "docker.io": "dockerd", nginx: "nginx", curl: "curl", "ca-certificates": "update-ca-certificates" };
                const missing = missingCommands(action.packages.map((p) => command[p] ?? p));
                if (missing.length > 0) throw new Error(`the droplet's packages are not installed here: ${missing.join(", ")} (npm run setup:system)`);
                return;
            }
            case "group":
                if (!(await succeeds("getent", ["group", action.name], { deadlineMs: 10_000, signal: this.signal }))) await this.sh(["groupadd", action.name]);
                return;
            case "user": {
                const groups = action.groups.length ? ["--groups", action.groups.join(",")] : [];
                await this.sh(["useradd", "--create-home", "--shell", action.shell, "--comment", action.gecos, "--user-group", ...groups, action.name]);
                if (action.lockPassword) await this.sh(["passwd", "--lock", action.name]);
                const home = `/home/${action.name}`;
                fs.mkdirSync(`${home}/.ssh`, { mode: 0o700 });
                fs.writeFileSync(`${home}/.ssh/authorized_keys`, action.authorizedKeys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
                await this.sh(["chown", "-R", `${action.name}:${action.name}`, `${home}/.ssh`]);
                return;
            }
            case "file":
                if (!isDropletPath(action.path))
                    throw new Error(`the user data writes ${action.path}, outside what the local droplet overlays (${DROPLET_OVERLAYS.join(", ")}, /run)`);
                fs.mkdirSync(path.dirname(action.path), { recursive: true });
                fs.writeFileSync(action.path, action.content);
                fs.chmodSync(action.path, action.mode);
                return;
            case "run":
                await this.sh(action.argv);
                return;
            case "service":
                for (const unit of action.units) await (action.verb === "start" ? this.startUnit(unit) : this.reloadUnit(unit));
                return;
        }
    }

    private async startUnit(unit: string): Promise<void> {
        switch (unit) {
            case "docker":
                // Reads /etc/docker/daemon.json from the user data; only its state lives in this run's folder.
                this.docker = await startDockerd(this.supervisor, {
                    name: `droplet-${this.generation}-dockerd`,
                    dataRoot: path.join(this.dir, `droplet-${this.generation}-docker`),
                    execRoot: path.join(this.dir, `droplet-${this.generation}-docker-exec`),
                    signal: this.signal,
                });
                return;
            case "nginx":
                this.nginx = await startNginx(this.supervisor, NGINX, "/run/nginx.pid", this.signal);
                return;
            case "ssh":
                return this.reloadUnit("ssh");
            default:
                throw new Error(`the rehearsal cannot start the unit ${unit}`);
        }
    }

    private async reloadUnit(unit: string): Promise<void> {
        switch (unit) {
            case "ssh":
                // sshd starts (or rereads its configuration) with the user data's settings: its port among them.
                if (this.sshd) return this.sshd.reload();
                this.sshd = await startSshd(this.supervisor, [`ListenAddress=${this.address}`], "/run/sshd.pid", this.signal);
                return;
            case "nginx":
                await reloadNginx(NGINX, this.signal);
                return;
            default:
                throw new Error(`the rehearsal cannot reload the unit ${unit}`);
        }
    }

    /** `docker ARGS` against the droplet's engine, as root; its trimmed output. */
    async dockerCommand(...args: string[]): Promise<string> {
        if (!this.docker) throw new Error("the droplet's Docker Engine is not running");
        return this.docker.docker(args, { deadlineMs: 30_000 });
    }

    async removeContainers(): Promise<void> {
        await this.docker?.removeAllContainers();
    }
}
