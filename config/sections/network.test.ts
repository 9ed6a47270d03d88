import { Problems, formatProblem } from "../problems";
import { validateNetwork } from "./network";

const S = 'stack "dev", key projectmeats:';

function problemsOf(vpcIpRange: string | undefined): string[] {
    const problems = new Problems();
    validateNetwork({ vpcIpRange }, problems);
    return problems.list.map((problem) => formatProblem("dev", problem));
}

test.each(["10.110.16.0/20", "172.16.0.0/16", "192.168.10.0/28"])("accepts %s", (vpcIpRange) => {
    const problems = new Problems();
    expect(validateNetwork({ vpcIpRange }, problems)).toEqual({ vpcIpRange });
    expect(problems.list).toEqual([]);
});

const PRIVATE = 'expected a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"';

test.each<[string, string, string]>([
    ["a public VPC range", "8.8.0.0/16", `${S}vpcIpRange: got "8.8.0.0/16"; ${PRIVATE}`],
    ["a VPC range with host bits", "10.110.16.1/20", `${S}vpcIpRange: got "10.110.16.1/20"; ${PRIVATE}`],
    ["a VPC range wider than /16", "10.0.0.0/8", `${S}vpcIpRange: got "10.0.0.0/8"; ${PRIVATE}`],
    ["an IPv6 range", "fd00::/48", `${S}vpcIpRange: got "fd00::/48"; ${PRIVATE}`],
    [
        "a VPC range DigitalOcean reserves",
        "10.244.0.0/20",
        `${S}vpcIpRange: got "10.244.0.0/20"; expected a range that does not overlap 10.244.0.0/16, which DigitalOcean reserves`,
    ],
])("rejects %s", (_, vpcIpRange, message) => {
    expect(problemsOf(vpcIpRange)).toEqual([message]);
});

test("a missing range is left to the missing-key report", () => {
    expect(problemsOf(undefined)).toEqual([]);
});
