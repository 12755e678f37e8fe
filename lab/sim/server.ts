/**
 * The lab on a loopback HTTP port, for a whole process pointed at it with
 * `AWS_ENDPOINT_URL`. Same dispatch as the in-process handler.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lab } from './lab.js';
import { dispatch } from './protocol/dispatch.js';

export interface LabServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startLabServer(
  lab: Lab,
  opts: { port?: number; host?: string } = {},
): Promise<LabServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const request = {
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      dispatch(lab.dispatchDeps, request).then(
        (result) => {
          if (result.kind === 'reset') {
            req.socket.destroy();
            return;
          }
          const { status, headers: out, body } = result.response;
          res.writeHead(status, { ...out, 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(e instanceof Error ? e.message : String(e));
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
