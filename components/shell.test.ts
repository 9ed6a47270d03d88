import { execFileSync } from "child_process";
import fc from "fast-check";
import { Script, and, or, pipe, privately, quiet, quote, render, toFile } from "./shell";

describe("quote", () => {
    test.each([
        ["plain", "plain"],
        ["/srv/projectmeats/releases", "/srv/projectmeats/releases"],
        ["user@host:22", "user@host:22"],
        ["", "''"],
        ["two words", "'two words'"],
        ["$HOME", "'$HOME'"],
        ["it's", `'it'"'"'s'`],
        ["a;rm -rf /", "'a;rm -rf /'"],
        ["`id`", "'`id`'"],
        ["line\nbreak", "'line\nbreak'"],
    ])("%j becomes %s", (arg, quoted) => {
        expect(quote(arg)).toBe(quoted);
    });

    test("bash reads every quoted string back unchanged", () => {
        const strings = fc.array(
            fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(/\0/g, "")),
            { minLength: 1, maxLength: 20 },
        );
        fc.assert(
            fc.property(strings, (args) => {
                const script = `printf '%s\\0' ${args.map(quote).join(" ")}`;
                const out = execFileSync("bash", ["-c", script], { encoding: "utf8" });
                expect(out.split("\0").slice(0, -1)).toEqual(args);
            }),
            { numRuns: 40 },
        );
    });
});

describe("combinators", () => {
    test("render quotes each argument of a command", () => {
        expect(render(["echo", "a b", "c"])).toBe("echo 'a b' c");
    });
    test("and, or and pipe join with their operators", () => {
        expect(render(and(["a"], ["b"]))).toBe("a && b");
        expect(render(or(["a"], ["b"]))).toBe("a || b");
        expect(render(pipe(["a"], ["b", "c d"]))).toBe("a | b 'c d'");
    });
    test("a combined command inside another is grouped, so precedence is what it reads as", () => {
        expect(render(and(or(["test", "-e", "f"], ["touch", "f"]), ["cat", "f"]))).toBe("{ test -e f || touch f; } && cat f");
    });
    test("toFile, quiet and privately", () => {
        expect(render(toFile(["cat"], "/tmp/a b"))).toBe("cat > '/tmp/a b'");
        expect(render(quiet(["cloud-init", "status", "--wait"]))).toBe("cloud-init status --wait >/dev/null");
        expect(render(privately(toFile(["cat"], "x")))).toBe("(umask 077 && cat > x)");
    });
    test("a Script is written as is", () => {
        expect(render(new Script("[ $? -eq 2 ]"))).toBe("[ $? -eq 2 ]");
    });
});

test("a redirect of a combined command applies to the whole group", () => {
    expect(render(quiet(and(["a"], ["b"])))).toBe("{ a && b; } >/dev/null");
    expect(render(and(["x"], toFile(or(["a"], ["b"]), "f")))).toBe("x && { a || b; } > f");
});
