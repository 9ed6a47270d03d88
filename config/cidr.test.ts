import fc from "fast-check";
import { cidrsOverlap, isNetworkAddress, isPrivateIpv4, isWholeInternet, parseCidr } from "./cidr";

describe("parseCidr", () => {
    test.each([
        ["10.0.0.0/8", 4, 8],
        ["203.0.113.7/32", 4, 32],
        ["0.0.0.0/0", 4, 0],
        ["::/0", 6, 0],
        ["2001:db8::/32", 6, 32],
        ["fe80::1/128", 6, 128],
        ["1:2:3:4:5:6:7:8/64", 6, 64],
    ])("reads %s", (text, family, prefix) => {
        expect(parseCidr(text)).toMatchObject({ family, prefix });
    });

    test.each(["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "01.0.0.0/8", "::/129", "1::2::3/64", "1:2:3:4:5:6:7:8:9/64", "x/8", "10.0.0.0/-1", ""])(
        "rejects %s",
        (text) => {
            expect(parseCidr(text)).toBeUndefined();
        },
    );

    test("reads back every IPv4 address and prefix it is given", () => {
        fc.assert(
            fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
                const cidr = parseCidr(`${ip}/${prefix}`);
                const expected = ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
                return cidr !== undefined && cidr.address === expected && cidr.prefix === prefix;
            }),
        );
    });
});

test.each([
    ["10.0.0.0/8", true],
    ["10.0.0.1/8", false],
    ["203.0.113.7/32", true],
    ["::/0", true],
    ["2001:db8::1/64", false],
])("isNetworkAddress(%s) is %s", (text, expected) => {
    expect(isNetworkAddress(parseCidr(text)!)).toBe(expected);
});

test.each([
    ["10.110.16.0/20", "10.110.0.0/16", true],
    ["10.110.16.0/20", "10.110.32.0/20", false],
    ["10.0.0.0/8", "10.244.0.0/16", true],
    ["10.0.0.0/8", "::/0", false],
    ["0.0.0.0/0", "203.0.113.0/24", true],
])("cidrsOverlap(%s, %s) is %s", (a, b, expected) => {
    expect(cidrsOverlap(parseCidr(a)!, parseCidr(b)!)).toBe(expected);
    expect(cidrsOverlap(parseCidr(b)!, parseCidr(a)!)).toBe(expected);
});

test.each([
    ["10.110.16.0/20", true],
    ["172.16.0.0/12", true],
    ["172.32.0.0/16", false],
    ["192.168.1.0/24", true],
    ["8.0.0.0/8", false],
    ["0.0.0.0/0", false],
    ["fd00::/8", false],
])("isPrivateIpv4(%s) is %s", (text, expected) => {
    expect(isPrivateIpv4(parseCidr(text)!)).toBe(expected);
});

test.each([
    ["0.0.0.0/0", true],
    ["::/0", true],
    ["0.0.0.0/1", false],
])("isWholeInternet(%s) is %s", (text, expected) => {
    expect(isWholeInternet(parseCidr(text)!)).toBe(expected);
});
