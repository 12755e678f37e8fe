/** The RDS-style secret JSON (Secrets Manager's structure for database credentials). */
export interface DbSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
  dbname?: string;
}

/**
 * Parses the secret without ever quoting it: an error names the missing keys,
 * not the text (which holds the password).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
 */
export function parseDbSecret(text: string, secretId: string): DbSecret {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(
      `db-secret ${secretId} is not JSON: store the credentials as {"username", "password", "host", "port", "dbname"} (the RDS secret format)`,
    );
  }
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const missing = ['username', 'password'].filter((k) => typeof o[k] !== 'string' || o[k] === '');
  if (missing.length > 0) {
    throw new Error(
      `db-secret ${secretId} has no ${missing.join(' and ')}: store the credentials as {"username", "password", "host", "port", "dbname"} (the RDS secret format)`,
    );
  }
  const secret: DbSecret = { username: String(o.username), password: String(o.password) };
  if (typeof o.host === 'string' && o.host !== '') secret.host = o.host;
  const port = typeof o.port === 'string' ? Number(o.port) : o.port;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0) secret.port = port;
  const dbname = o.dbname ?? o.database;
  if (typeof dbname === 'string' && dbname !== '') secret.dbname = dbname;
  return secret;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** `DATABASE_URL` with URL-encoded credentials, plus libpq's `PG*` variables for tools that read those. */
export function databaseEnv(secret: DbSecret, endpoint: Endpoint, database: string): Record<string, string> {
  const enc = encodeURIComponent;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return {
    DATABASE_URL: `postgresql://${enc(secret.username)}:${enc(secret.password)}@${host}:${endpoint.port}/${enc(database)}`,
    PGHOST: endpoint.host,
    PGPORT: String(endpoint.port),
    PGUSER: secret.username,
    PGPASSWORD: secret.password,
    PGDATABASE: database,
  };
}

/** Every form the password can take in output: as is, and URL-encoded. */
export function secretForms(password: string): string[] {
  return [...new Set([password, encodeURIComponent(password)])].filter((s) => s.length > 0);
}

export function redact(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
