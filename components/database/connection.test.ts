import fc from "fast-check";
import { backendTrustedSources, connectionUri } from "./connection";

test("trusts exactly the backend droplets, each once, in a stable order", () => {
    expect(backendTrustedSources(["1002", "1001", "1002"])).toEqual([
        { type: "droplet", value: "1001" },
        { type: "droplet", value: "1002" },
    ]);
});

test("refuses an empty list rather than writing a firewall nobody can use", () => {
    expect(() => backendTrustedSources([])).toThrow("the database needs at least one backend droplet to trust; an empty firewall would admit nothing the app can use");
});

test("builds a TLS-only URI", () => {
    expect(connectionUri({ user: "projectmeats", password: "s3cret", host: "private-db.example", port: 25060, database: "projectmeats" })).toBe(
        "postgresql://projectmeats:s3cret@private-db.example:25060/projectmeats?sslmode=require",
    );
});

test("any password survives the URI: parsing it back gives the same password", () => {
    fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 40 }), (password) => {
            const uri = new URL(connectionUri({ user: "u", password, host: "h.example", port: 25060, database: "d" }));
            return decodeURIComponent(uri.password) === password && uri.hostname === "h.example" && uri.searchParams.get("sslmode") === "require";
        }),
    );
});
