// The demo API: node's http module only, PostgreSQL through the psql binary of the base image.
//   GET /healthz     200 when PostgreSQL answers `select 1`, else 503
//   GET /api/items   the rows of table items (created by migrations/) as JSON
//   GET /            what runs here
// Connection: DATABASE_URL when set, else libpq's PG* variables.
import { execFile } from 'node:child_process';
import http from 'node:http';

const port = Number(process.env.PORT ?? 8000);
const release = process.env.RELEASE ?? 'dev';

function query(sql, timeoutMs = 3000) {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql];
  if (process.env.DATABASE_URL) args.push(process.env.DATABASE_URL);
  return new Promise((resolve, reject) => {
    execFile(
      'psql',
      args,
      { timeout: timeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '2' } },
      (err, stdout, stderr) => {
        if (err) reject(new Error((stderr || err.message).trim()));
        else resolve(stdout.trim());
      },
    );
  });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { error: 'method not allowed' });
    } else if (path === '/healthz') {
      try {
        await query('select 1');
        send(res, 200, { status: 'ok', database: 'ok', release });
      } catch (err) {
        send(res, 503, { status: 'unhealthy', database: String(err.message), release });
      }
    } else if (path === '/api/items') {
      const json = await query(
        "select coalesce(json_agg(to_json(i) order by i.id), '[]'::json) from items i",
      );
      send(res, 200, { release, items: JSON.parse(json) });
    } else if (path === '/') {
      send(res, 200, { service: 'demo backend', release });
    } else {
      send(res, 404, { error: 'not found' });
    }
  } catch (err) {
    send(res, 500, { error: String(err.message) });
  }
  console.log(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms`);
});

server.listen(port, () => console.log(`demo backend ${release} listening on :${port}`));

// ECS stops a task with SIGTERM, then SIGKILL after the stop timeout
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    console.log(`${sig}: closing`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
