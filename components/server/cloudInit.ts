/**
 * The droplets' cloud-init user data.
 *
 * A change to user data replaces the droplet (new IP, lost disk), so it holds only what never
 * changes for the life of a droplet: packages, the deploy user and its key, and fixed files. Hostnames,
 * proxy sites, registry credentials and releases are applied over SSH by remote commands instead, and
 * no secret is ever put here (user data is readable by anything on the droplet via the metadata service).
 */
import { stringify } from "yaml";
import { ACME_WEBROOT, APP_ROOT, CERTIFICATE_SCRIPT, DEPLOY_USER, NGINX_DIR, SCRIPT_DIR } from "../../model/layout";

export interface CloudInitArgs {
    /** OpenSSH public key the release chain logs in with (`ssh-ed25519 AAAA…`). */
    readonly deployPublicKey: string;
    /** The port sshd listens on. Default 22. */
    readonly sshPort?: number;
    /**
     * edge droplet: nginx terminates TLS with a certificate certbot obtains and renews. The text of
     * host/root/obtain-certificate.sh, installed as root's CERTIFICATE_SCRIPT. Default: none, and the
     * user data is what it was before edges existed (edge none and loadBalancer).
     */
    readonly certbot?: { readonly certificateScript: string };
}

/** Docker daemon settings: bounded json-file logs so a chatty container cannot fill the disk. */
export const DOCKER_DAEMON_CONFIG = { "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "5" }, "live-restore": true };

/** The deploy user may test and reload nginx, nothing else, as root. */
export const DEPLOY_SUDOERS = `${DEPLOY_USER} ALL=(root) NOPASSWD: /usr/sbin/nginx -t, /usr/sbin/nginx -s reload`;

/** edge droplet: the deploy user may also obtain the droplet's certificate, through the one root-owned script that checks its arguments. */
export const DEPLOY_SUDOERS_CERTBOT = `${DEPLOY_SUDOERS}, ${CERTIFICATE_SCRIPT}`;

/**
 * certbot runs every executable in `/etc/letsencrypt/renewal-hooks/deploy/` after it renews a
 * certificate (certbot 2.1.0 `configuration.py` `renewal_deploy_hooks_dir`); the Debian/Ubuntu package's
 * `certbot.timer` runs `certbot -q renew` twice a day (certbot_2.1.0-4 `lib/systemd/system/certbot.timer`,
 * `certbot.service`). This hook makes nginx load the renewed certificate, gracefully.
 */
export const CERTBOT_DEPLOY_HOOK = { path: "/etc/letsencrypt/renewal-hooks/deploy/projectmeats-reload-nginx", content: "#!/bin/sh\nexec systemctl reload nginx\n" };

/** sshd settings for the droplets: keys only, on the configured port. */
export function sshdSettings(port: number): string {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`sshPort must be a TCP port, got ${port}`);
    return `${port === 22 ? "" : `Port ${port}\n`}PasswordAuthentication no\nKbdInteractiveAuthentication no\n`;
}

export function renderCloudInit(args: CloudInitArgs): string {
    if (!/^ssh-(ed25519|rsa) [A-Za-z0-9+/=]+( \S+)?\n?$/.test(args.deployPublicKey)) {
        throw new Error(`deployPublicKey must be one OpenSSH public key line, got ${JSON.stringify(args.deployPublicKey.slice(0, 40))}`);
    }
    const certbot = args.certbot;
    const config = {
        package_update: true,
        packages: ["docker.io", "nginx", "curl", "ca-certificates", ...(certbot ? ["certbot"] : [])],
        groups: ["docker"],
        users: [
            "default",
            {
                name: DEPLOY_USER,
                gecos: "ProjectMeats release chain",
                shell: "/bin/bash",
                groups: ["docker"],
                lock_passwd: true,
                ssh_authorized_keys: [args.deployPublicKey.trim()],
            },
        ],
        ssh_pwauth: false,
        write_files: [
            { path: "/etc/docker/daemon.json", permissions: "0644", content: `${JSON.stringify(DOCKER_DAEMON_CONFIG, null, 2)}\n` },
            { path: "/etc/sudoers.d/projectmeats-deploy", permissions: "0440", content: `${certbot ? DEPLOY_SUDOERS_CERTBOT : DEPLOY_SUDOERS}\n` },
            { path: "/etc/nginx/conf.d/projectmeats.conf", permissions: "0644", content: `include ${NGINX_DIR}/*.conf;\n` },
            {
                path: "/etc/ssh/sshd_config.d/60-projectmeats.conf",
                permissions: "0644",
                content: sshdSettings(args.sshPort ?? 22),
            },
            ...(certbot
                ? [
                      { path: CERTIFICATE_SCRIPT, permissions: "0755", owner: "root:root", content: certbot.certificateScript },
                      { path: CERTBOT_DEPLOY_HOOK.path, permissions: "0755", owner: "root:root", content: CERTBOT_DEPLOY_HOOK.content },
                  ]
                : []),
        ],
        runcmd: [
            ["install", "-d", "-o", DEPLOY_USER, "-g", DEPLOY_USER, "-m", "0750", APP_ROOT, `${APP_ROOT}/releases`, SCRIPT_DIR, NGINX_DIR],
            ...(certbot ? [["install", "-d", "-m", "0755", ACME_WEBROOT]] : []),
            ["rm", "-f", "/etc/nginx/sites-enabled/default"],
            ["systemctl", "enable", "--now", "docker", "nginx"],
            // Ubuntu 24.04 starts sshd by socket activation: `ssh.socket` listens, and Ubuntu's
            // sshd-socket-generator derives its ListenStream from sshd_config's Port when systemd's
            // generators run (boot, `daemon-reload`), which was before this file was written. So the
            // generator runs again and the socket restarts; a Port line alone moves nothing (Ubuntu
            // Discourse, "SSHd now uses socket-based activation"; openssh's sshd-socket-generator
            // `write_systemd_socket_file`). Then sshd itself, if it runs, reads the key-only settings.
            ["systemctl", "daemon-reload"],
            ["systemctl", "restart", "ssh.socket"],
            ["systemctl", "try-reload-or-restart", "ssh"],
            ["systemctl", "reload", "nginx"],
        ],
    };
    return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}
