import { plannedChange } from "./commandProvider";

const copy = { connection: { host: "203.0.113.10" }, source: { path: "../host/droplet/deploy.sh" }, remotePath: "/srv/projectmeats/bin/deploy.sh", triggers: ["abc"] };
const command = { connection: { host: "203.0.113.10" }, create: "bash deploy.sh", triggers: ["3f9c2ab"] };

test.each([
    ["a copy with nothing changed", "command:remote:CopyToRemote", copy, copy, { action: "same" }],
    [
        "a copy whose connection changed does not copy",
        "command:remote:CopyToRemote",
        copy,
        { ...copy, connection: { host: "203.0.113.99" } },
        { action: "update", runs: false, copies: false },
    ],
    ["a copy whose source changed copies", "command:remote:CopyToRemote", copy, { ...copy, source: { path: "other.sh" } }, { action: "update", runs: false, copies: true }],
    ["a copy whose remote path changed copies", "command:remote:CopyToRemote", copy, { ...copy, remotePath: "/tmp/x" }, { action: "update", runs: false, copies: true }],
    ["a copy whose triggers changed is replaced", "command:remote:CopyToRemote", copy, { ...copy, triggers: ["def"] }, { action: "replace" }],
    [
        "a command whose connection changed re-runs create",
        "command:remote:Command",
        command,
        { ...command, connection: { host: "203.0.113.99" } },
        { action: "update", runs: true, copies: false },
    ],
    [
        "a command whose create text changed re-runs create",
        "command:remote:Command",
        command,
        { ...command, create: "bash deploy.sh --x" },
        { action: "update", runs: true, copies: false },
    ],
    ["a command whose triggers changed is replaced", "command:remote:Command", command, { ...command, triggers: ["4e0d1bc"] }, { action: "replace" }],
    [
        "a local command with new environment re-runs",
        "command:local:Command",
        { create: "x", environment: { A: "1" } },
        { create: "x", environment: { A: "2" } },
        { action: "update", runs: true, copies: false },
    ],
] as const)("%s", (_name, type, olds, news, expected) => {
    expect(plannedChange(type, olds, news)).toEqual(expected);
});
