#!/usr/bin/env node
// The lab's stand-in for ECR's presigned S3 blob URLs: serves the second registry's
// filesystem storage read-only, and refuses any request that carries an Authorization
// header the way S3 refuses a presigned URL with one (400, InvalidArgument), so a client
// that follows the registry's 307 with the registry's token fails here as it would on AWS.
//   node lab/storage/presigned.mjs --listen 127.0.0.2:5057 --root /var/lib/ecs-release-lab/registry2
// Plain JavaScript (no build step): lab/up starts it with the machine's node.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { listen: { type: 'string' }, root: { type: 'string' } } });
if (!values.listen || !values.root) {
  console.error('usage: presigned.mjs --listen HOST:PORT --root DIR');
  process.exit(2);
}
const root = normalize(values.root);
const [host, port] = [
  values.listen.slice(0, values.listen.lastIndexOf(':')),
  Number(values.listen.split(':').pop()),
];

const s3Error = (res, status, code, message) => {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://storage');
  if (req.headers.authorization !== undefined) {
    console.log(`refused ${req.method} ${url.pathname}: Authorization header present`);
    s3Error(
      res,
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    return;
  }
  const file = normalize(join(root, decodeURIComponent(url.pathname)));
  let size;
  try {
    if (!file.startsWith(root + sep)) throw new Error('outside');
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
});
server.listen(port, host, () => console.log(`presigned storage for ${root} on http://${values.listen}`));
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
