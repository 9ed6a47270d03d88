/** The droplets: image, sizes and counts (and so the server groups), SSH access, admin keys, backups. */
import { DROPLET_SIZES } from "../catalog";
import { isNetworkAddress, parseCidr } from "../cidr";
import { Problems, checkCount } from "../problems";
import type { ServerGroupConfig, StackConfig } from "../stackConfig";
import { ConfigValues } from "../values";
import { SERVICE_PORTS } from "../../model/layout";

const IMAGE_SLUG = /^[a-z0-9][a-z0-9.-]{0,99}$/;
const DO_KEY_FINGERPRINT = /^(?:[0-9a-f]{2}:){15}[0-9a-f]{2}$/;
const MAX_DROPLETS_PER_SERVICE = 10;
const SIZE_EXPECTED = 'a DigitalOcean droplet size slug, e.g. "s-1vcpu-2gb" (see `doctl compute size list`)';

/** A port sshd may take: not one nginx or the release containers use. */
export function isFreeSshPort(port: number): boolean {
    return Number.isInteger(port) && port >= 1 && port <= 65535 && port !== 80 && port !== 443 && !Object.values(SERVICE_PORTS).some((p) => port >= p.first && port <= p.last);
}

export type ServersValues = Pick<
    ConfigValues,
    | "dropletImage"
    | "backendDropletSize"
    | "backendDropletCount"
    | "frontendDropletSize"
    | "frontendDropletCount"
    | "dropletBackups"
    | "sshAllowedCidrs"
    | "sshPort"
    | "adminSshKeyFingerprints"
>;

export function validateServers(values: ServersValues, problems: Problems): StackConfig["servers"] {
    const image = values.dropletImage;
    if (image !== undefined && !IMAGE_SLUG.test(image)) problems.add("dropletImage", image, 'a DigitalOcean image slug, e.g. "ubuntu-24-04-x64"');

    const backendSize = values.backendDropletSize;
    if (backendSize !== undefined && !DROPLET_SIZES.includes(backendSize)) problems.add("backendDropletSize", backendSize, SIZE_EXPECTED);
    const backendCount = values.backendDropletCount;
    checkCount(problems, "backendDropletCount", backendCount, 1, MAX_DROPLETS_PER_SERVICE);
    const frontendSize = values.frontendDropletSize ?? "";
    const frontendCount = values.frontendDropletCount;
    checkCount(problems, "frontendDropletCount", frontendCount, 0, MAX_DROPLETS_PER_SERVICE);
    if (frontendCount === 0 && frontendSize !== "") {
        problems.add("frontendDropletSize", frontendSize, "no value when frontendDropletCount is 0 (the frontend then runs on the backend droplets)");
    } else if (frontendCount !== undefined && frontendCount > 0 && frontendSize === "") {
        problems.add("frontendDropletSize", undefined, `${SIZE_EXPECTED}, because frontendDropletCount is ${frontendCount}`);
    } else if (frontendSize !== "" && !DROPLET_SIZES.includes(frontendSize)) {
        problems.add("frontendDropletSize", frontendSize, SIZE_EXPECTED);
    }

    const sshAllowedCidrs = values.sshAllowedCidrs;
    if (sshAllowedCidrs !== undefined) {
        if (sshAllowedCidrs.length === 0) problems.add("sshAllowedCidrs", sshAllowedCidrs, "at least one CIDR block: the release chain deploys over SSH");
        for (const block of sshAllowedCidrs) {
            const cidr = parseCidr(block);
            if (!cidr || !isNetworkAddress(cidr)) {
                problems.add("sshAllowedCidrs", block, 'an IPv4 or IPv6 CIDR block with no host bits set, e.g. "203.0.113.0/24" or "198.51.100.7/32"');
            }
        }
    }
    const sshPort = values.sshPort;
    if (sshPort !== undefined && !isFreeSshPort(sshPort)) {
        problems.add(
            "sshPort",
            sshPort,
            `a TCP port from 1 to 65535 that is not 80, 443 or an app port (${Object.values(SERVICE_PORTS)
                .map((p) => `${p.first}-${p.last}`)
                .join(", ")})`,
        );
    }
    const fingerprints = values.adminSshKeyFingerprints ?? [];
    for (const fingerprint of fingerprints) {
        if (!DO_KEY_FINGERPRINT.test(fingerprint))
            problems.add("adminSshKeyFingerprints", fingerprint, 'an MD5 key fingerprint as DigitalOcean shows it, e.g. "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"');
    }

    const groups: ServerGroupConfig[] =
        frontendCount === 0
            ? [{ key: "app", services: ["backend", "frontend"], size: backendSize!, count: backendCount! }]
            : [
                  { key: "backend", services: ["backend"], size: backendSize!, count: backendCount! },
                  { key: "frontend", services: ["frontend"], size: frontendSize, count: frontendCount! },
              ];

    return {
        image: image!,
        backups: values.dropletBackups!,
        sshAllowedCidrs: sshAllowedCidrs!,
        sshPort: sshPort!,
        adminSshKeyFingerprints: fingerprints,
        groups,
    };
}
