/** The one HTTP client always settles: a body cut short or never ending rejects at once or at its deadline (tools/http.ts). */
import * as http from "http";
import type { AddressInfo } from "net";
import { get, httpRequest } from "./http";
import { DeadlineError, StoppedError } from "./processes";

let server: http.Server;
let port: number;

beforeAll(async () => {
    server = http.createServer((req, res) => {
        switch (req.url) {
            case "/ok":
                res.writeHead(200, { "content-type": "text/plain" }).end(`hello ${req.headers.host}`);
                return;
            case "/cut":
                // Headers and part of the body, then the connection drops: what an upstream stopped mid-answer does.
                res.writeHead(200, { "content-length": "100" });
                res.write("partial");
                setTimeout(() => req.socket.destroy(), 50);
                return;
            case "/endless":
                res.writeHead(200, { "content-length": "100" });
                res.write("partial");
                return;
            case "/silent":
                return;
            default:
                res.writeHead(404).end();
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
});

test("a complete answer resolves with status, headers and body; the Host header is sent", async () => {
    const res = await get(port, "/ok", { hostHeader: "api.example.test", deadlineMs: 2000 });
    expect([res.status, res.headers["content-type"], res.body]).toEqual([200, "text/plain", "hello api.example.test"]);
    expect((await get(port, "/missing", { deadlineMs: 2000 })).status).toBe(404);
});

test("a connection closed before the body ended rejects at once", async () => {
    const started = Date.now();
    await expect(get(port, "/cut", { deadlineMs: 5000 })).rejects.toThrow(`GET http://127.0.0.1:${port}/cut: aborted`);
    expect(Date.now() - started).toBeLessThan(2000);
});

test.each(["/endless", "/silent"])("%s: no complete answer rejects at the deadline", async (pathname) => {
    const started = Date.now();
    await expect(get(port, pathname, { deadlineMs: 300 })).rejects.toThrow(DeadlineError);
    expect(Date.now() - started).toBeLessThan(2000);
});

test("nothing listening rejects; an abort rejects at once", async () => {
    await expect(httpRequest({ host: "127.0.0.1", port: 9, path: "/", deadlineMs: 2000 })).rejects.toThrow("ECONNREFUSED");
    const controller = new AbortController();
    const pending = get(port, "/silent", { deadlineMs: 10_000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(StoppedError);
});
