/** The environment's VPC range. */
import { RESERVED_VPC_RANGES } from "../catalog";
import { cidrsOverlap, isNetworkAddress, isPrivateIpv4, parseCidr } from "../cidr";
import { Problems } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues } from "../values";

export type NetworkValues = Pick<ConfigValues, "vpcIpRange">;

export function validateNetwork(values: NetworkValues, problems: Problems): Pick<StackConfig, "vpcIpRange"> {
    const vpcIpRange = values.vpcIpRange;
    if (vpcIpRange !== undefined) {
        const cidr = parseCidr(vpcIpRange);
        const reserved = cidr && RESERVED_VPC_RANGES.find((range) => cidrsOverlap(cidr, parseCidr(range)!));
        if (!cidr || cidr.family !== 4 || !isPrivateIpv4(cidr) || cidr.prefix < 16 || cidr.prefix > 28 || !isNetworkAddress(cidr)) {
            problems.add("vpcIpRange", vpcIpRange, 'a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"');
        } else if (reserved) {
            problems.add("vpcIpRange", vpcIpRange, `a range that does not overlap ${reserved}, which DigitalOcean reserves`);
        }
    }
    return { vpcIpRange: vpcIpRange! };
}
