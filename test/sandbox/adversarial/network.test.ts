import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { inside, outside, python } from "./helpers.ts";

let tcp: Server;
let udp: Socket;
let tcpPort = 0;
let udpPort = 0;
const datagrams: string[] = [];

beforeAll(async () => {
  tcp = createServer((socket) => socket.end("hello-from-host\n"));
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  tcpPort = (tcp.address() as { port: number }).port;
  udp = createSocket("udp4");
  udp.on("message", (message, peer) => {
    datagrams.push(message.toString());
    udp.send(message, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  udpPort = udp.address().port;
});

afterAll(() => {
  tcp.close();
  udp.close();
});

const connect = () =>
  python(
    `import socket; s = socket.create_connection(("127.0.0.1", ${tcpPort}), timeout=2); print(s.recv(100).decode().strip())`,
  );
/** A UDP question and answer with a loopback stand-in for a DNS resolver (real DNS is unreachable here). */
const ask = (tag: string) =>
  python(
    `import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1); s.sendto(b"${tag}", ("127.0.0.1", ${udpPort})); print(s.recv(100).decode())`,
  );

describe("network deny is an empty network namespace", () => {
  test("TCP to a service on the host's loopback: reached outside, refused inside", async () => {
    expect((await outside([connect()])).stdout.text).toBe("hello-from-host\n");
    const result = await inside([connect()]);
    expect(result.status).toBe("failed");
    expect(result.stderr.text).toContain("ConnectionRefusedError");
  });

  test("UDP (a DNS-style query) to the host's loopback: answered outside, never arrives from inside", async () => {
    expect((await outside([ask("query-outside")])).stdout.text).toBe("query-outside\n");
    const result = await inside([ask("query-inside")]);
    expect(result.status).toBe("failed");
    expect(datagrams).toEqual(["query-outside"]);
  });

  test("only loopback exists inside", async () => {
    const result = await inside([["/usr/bin/cat", "/proc/net/dev"]]);
    const interfaces = result.stdout.text
      .split("\n")
      .slice(2)
      .map((line) => line.split(":")[0]?.trim())
      .filter(Boolean);
    expect(interfaces).toEqual(["lo"]);
  });

  test("network full shares the host network (the control: the same connect works)", async () => {
    expect((await inside([connect()], { network: "full" })).stdout.text).toBe("hello-from-host\n");
  });
});
