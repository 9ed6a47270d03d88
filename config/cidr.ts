/** Small, exact CIDR helpers for configuration checks (IPv4 and IPv6). */

export interface Cidr {
    readonly family: 4 | 6;
    /** The network address as a big integer (host bits included as written). */
    readonly address: bigint;
    readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0n;
    for (const part of parts) {
        if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
        value = (value << 8n) | BigInt(part);
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    if (!/^[0-9a-fA-F:]+$/.test(text) || text.split("::").length > 2) return undefined;
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const headGroups = head === "" ? [] : head.split(":");
    const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
    const missing = 8 - headGroups.length - tailGroups.length;
    if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
    const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
    let value = 0n;
    for (const group of groups) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
        value = (value << 16n) | BigInt(parseInt(group, 16));
    }
    return value;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n`; undefined when it is not a CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
    if (!match) return undefined;
    const prefix = Number(match[2]);
    const v4 = parseIpv4(match[1]);
    if (v4 !== undefined) return prefix <= 32 ? { family: 4, address: v4, prefix } : undefined;
    const v6 = parseIpv6(match[1]);
    if (v6 !== undefined) return prefix <= 128 ? { family: 6, address: v6, prefix } : undefined;
    return undefined;
}

function bits(cidr: Cidr): number {
    return cidr.family === 4 ? 32 : 128;
}

/** True when the address has no bits set past the prefix (`10.0.0.0/8`, not `10.0.0.1/8`). */
export function isNetworkAddress(cidr: Cidr): boolean {
    const hostBits = BigInt(bits(cidr) - cidr.prefix);
    return (cidr.address & ((1n << hostBits) - 1n)) === 0n;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    if (a.family !== b.family) return false;
    const prefix = Math.min(a.prefix, b.prefix);
    const shift = BigInt(bits(a) - prefix);
    return a.address >> shift === b.address >> shift;
}

/** True for blocks inside RFC 1918 private space. */
export function isPrivateIpv4(cidr: Cidr): boolean {
    if (cidr.family !== 4) return false;
    return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((range) => {
        const block = parseCidr(range) as Cidr;
        return cidr.prefix >= block.prefix && cidrsOverlap(cidr, block);
    });
}

/** True for `0.0.0.0/0` and `::/0` (and any other prefix-0 spelling). */
export function isWholeInternet(cidr: Cidr): boolean {
    return cidr.prefix === 0;
}
