import { workerPid } from "./haproxy";
import { subjectAltName } from "./tls";

test("subjectAltName: addresses, then host names, as openssl's extension file takes them", () => {
    expect(subjectAltName({ ips: ["127.0.0.1", "10.120.16.1"], dnsNames: ["api.rehearsal.projectmeats.test"] })).toBe(
        "subjectAltName=IP:127.0.0.1,IP:10.120.16.1,DNS:api.rehearsal.projectmeats.test\n",
    );
    expect(subjectAltName({ dnsNames: ["rehearsal.projectmeats.test"] })).toBe("subjectAltName=DNS:rehearsal.projectmeats.test\n");
    expect(() => subjectAltName({})).toThrow("a server certificate must name at least one address or host name");
});

test("workerPid: the Pid line of HAProxy's show info", () => {
    expect(workerPid("Name: HAProxy\nVersion: 2.6.12\nPid: 21723\nProcess_num: 1\n")).toBe(21723);
    expect(workerPid("Unknown command.\n")).toBeUndefined();
});
