/** Where the local droplet may write (rehearsal/droplet.ts): its overlays and /run, never this machine's own files. */
import { isDropletPath } from "./droplet";

test("files under the droplet's overlays and /run are the droplet's; anything else is this machine's", () => {
    const paths = ["/etc/sudoers.d/projectmeats-deploy", "/usr/local/sbin/projectmeats-certificate", "/srv/projectmeats/bin/deploy.sh", "/run/sshd", "/var/www/letsencrypt/x"];
    expect(paths.map(isDropletPath)).toEqual([true, true, true, true, true]);
    expect(["/usr/sbin/nginx", "/opt/projectmeats/x", "/etc", "/usr/local/../bin/x", "/root/.ssh/authorized_keys"].map(isDropletPath)).toEqual([false, false, false, false, false]);
});
