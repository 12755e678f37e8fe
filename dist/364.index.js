"use strict";
exports.id = 364;
exports.ids = [364];
exports.modules = {

/***/ 63364:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCommand: () => (/* binding */ runCommand)
});

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(92413);
;// CONCATENATED MODULE: ./src/record/github.ts
/**
 * A GitHub deployment per run (SPEC 3.7): created with the release manifest as
 * payload, then statuses in_progress → success / failure. Recording is never worth
 * failing a production release over: a token without `deployments: write` gets a
 * notice, any other GitHub error a warning, and the run goes on.
 */

/**
 * Creates the deployment and its in_progress status. Undefined when GitHub refused
 * (already explained in the log): later statuses are then skipped.
 * `fetch` defaults to @actions/github's own (which honours the runner's proxy).
 */
async function startGithubDeployment(ctx, target, manifest, options = {}) {
    ctx.mask(target.token);
    const octokit = (0,github/* getOctokit */.Q)(target.token, {
        baseUrl: target.apiUrl.replace(/\/+$/, ''),
        ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    });
    let id;
    try {
        const created = await octokit.rest.repos.createDeployment({
            owner: target.owner,
            repo: target.repo,
            ref: target.ref,
            environment: target.environment,
            payload: JSON.stringify(manifest),
            auto_merge: false,
            required_contexts: [],
            description: `ecs-release ${manifest.release}`.slice(0, 140),
        });
        if (created.status !== 201 || !('id' in created.data)) {
            ctx.log.warning(`GitHub did not create a deployment for ${target.owner}/${target.repo} (HTTP ${created.status}); the release goes on without one.`);
            return undefined;
        }
        id = created.data.id;
    }
    catch (error) {
        explain(ctx, target, error, 'create a deployment');
        return undefined;
    }
    const deployment = { id, target, octokit };
    ctx.log.info(`GitHub deployment ${id} created for environment ${target.environment}`);
    await setGithubDeploymentStatus(ctx, deployment, 'in_progress', `Deploying ${manifest.release}`);
    return deployment;
}
/** Adds a status; a GitHub error is logged, never thrown. */
async function setGithubDeploymentStatus(ctx, deployment, state, description) {
    if (!deployment)
        return;
    const { target, octokit, id } = deployment;
    try {
        await octokit.rest.repos.createDeploymentStatus({
            owner: target.owner,
            repo: target.repo,
            deployment_id: id,
            state,
            description: description.slice(0, 140),
            ...(target.environmentUrl ? { environment_url: target.environmentUrl } : {}),
            ...(target.logUrl ? { log_url: target.logUrl } : {}),
        });
        ctx.log.debug(`GitHub deployment ${id}: status ${state}`);
    }
    catch (error) {
        explain(ctx, target, error, `set deployment ${id}'s status to ${state}`);
    }
}
function explain(ctx, target, error, what) {
    const status = error.status;
    const message = error instanceof Error ? error.message : String(error);
    const where = `${target.owner}/${target.repo}`;
    if (status === 403 || status === 404) {
        ctx.log.notice(`GitHub deployment not recorded: the token could not ${what} in ${where} (HTTP ${status}: ${message}). ` +
            'Give the job `permissions: deployments: write`, or set github-deployment: false. The release goes on.');
        return;
    }
    ctx.log.warning(`GitHub deployment: could not ${what} in ${where} (${typeof status === 'number' ? `HTTP ${status}: ` : ''}${message}). The release goes on.`);
}

;// CONCATENATED MODULE: ./src/record/manifest.ts
function releaseManifest(report, commit) {
    return {
        release: report.release,
        commit,
        environment: report.environment,
        cluster: report.cluster,
        region: report.region,
        services: Object.fromEntries(report.services.map((s) => [s.service, { previous: s.previous ?? null, current: s.current ?? null }])),
        images: Object.fromEntries(Object.entries(report.images).map(([key, i]) => [
            key,
            { uri: i.uri, digest: i.digest, built: i.built },
        ])),
        migration: report.migration
            ? { outcome: report.migration.outcome, detail: report.migration.detail }
            : null,
    };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(80212);
;// CONCATENATED MODULE: ./src/pipeline/contracts.ts
const TAGS = {
    release: 'ecs-release:release',
    commit: 'ecs-release:commit',
    environment: 'ecs-release:environment',
    run: 'ecs-release:run',
    outcome: 'ecs-release:outcome',
};

;// CONCATENATED MODULE: ./src/record/outcome.ts


/**
 * Records how the release ended on its revisions (`ecs-release:outcome`), which is
 * what `previous` and `to:` choose by. Never throws: a tag that could not be written
 * is a warning with the command that writes it, not a second failure of the release.
 */
async function tagOutcome(ctx, taskDefinitionArns, outcome) {
    const arns = [...new Set(taskDefinitionArns)];
    const result = { tagged: [], failed: [] };
    await Promise.all(arns.map(async (arn) => {
        try {
            // No abort signal: the outcome is recorded on cancellation too.
            await ctx.aws.ecs.send(new dist_cjs/* TagResourceCommand */.eqU({ resourceArn: arn, tags: [{ key: TAGS.outcome, value: outcome }] }));
            result.tagged.push(arn);
        }
        catch (error) {
            const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            result.failed.push({ arn, error: text });
            ctx.log.warning(`could not tag ${arn} with ${TAGS.outcome}=${outcome} (${text}); rollbacks choose releases by this tag, so set it by hand: ` +
                `aws ecs tag-resource --region ${ctx.config.region} --resource-arn ${arn} --tags key=${TAGS.outcome},value=${outcome}`);
        }
    }));
    if (result.tagged.length > 0) {
        ctx.log.info(`recorded outcome ${outcome} on ${result.tagged.length} task definition revision${result.tagged.length === 1 ? '' : 's'}`);
    }
    result.tagged.sort();
    return result;
}

;// CONCATENATED MODULE: ./src/record/index.ts




// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-rds/dist-cjs/index.js
var client_rds_dist_cjs = __webpack_require__(57202);
;// CONCATENATED MODULE: ./src/database/describe.ts

class DatabaseNotFoundError extends Error {
    constructor(id, region) {
        super(`db-instance "${id}": no RDS DB instance and no Aurora cluster has this identifier in region ${region}: check the identifier (not the endpoint or the ARN) and the region`);
        this.name = 'DatabaseNotFoundError';
    }
}
function named(error, name) {
    return error instanceof Error && error.name === name;
}
/**
 * `db-instance` may name a DB instance or an Aurora cluster: the instance is
 * asked for first, the cluster only when no instance has that identifier.
 */
async function describeDatabase(rds, id, signal) {
    const options = signal ? { abortSignal: signal } : {};
    try {
        const out = await rds.send(new client_rds_dist_cjs/* DescribeDBInstancesCommand */.hhJ({ DBInstanceIdentifier: id }), options);
        const db = out.DBInstances?.[0];
        if (db) {
            const info = { kind: 'instance', id, status: db.DBInstanceStatus ?? 'unknown' };
            if (db.Engine)
                info.engine = db.Engine;
            if (db.Endpoint?.Address)
                info.endpoint = { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 5432 };
            if (db.DBName)
                info.dbName = db.DBName;
            if (db.DBClusterIdentifier)
                info.clusterId = db.DBClusterIdentifier;
            return info;
        }
    }
    catch (error) {
        if (!named(error, 'DBInstanceNotFoundFault'))
            throw error;
    }
    try {
        const out = await rds.send(new client_rds_dist_cjs/* DescribeDBClustersCommand */.Kdv({ DBClusterIdentifier: id }), options);
        const c = out.DBClusters?.[0];
        if (c) {
            const info = { kind: 'cluster', id, status: c.Status ?? 'unknown', clusterId: id };
            if (c.Engine)
                info.engine = c.Engine;
            if (c.Endpoint)
                info.endpoint = { host: c.Endpoint, port: c.Port ?? 5432 };
            if (c.DatabaseName)
                info.dbName = c.DatabaseName;
            return info;
        }
    }
    catch (error) {
        if (!named(error, 'DBClusterNotFoundFault'))
            throw error;
    }
    throw new DatabaseNotFoundError(id, await rds.config.region());
}
function describeKind(info) {
    const engine = info.engine ? `${info.engine} ` : '';
    return info.kind === 'instance' ? `${engine}DB instance` : `${engine}Aurora cluster`;
}

;// CONCATENATED MODULE: ./src/database/check.ts

/** What an operator should do about a database in a given status. */
function advice(status) {
    if (['backing-up', 'modifying', 'upgrading', 'maintenance', 'configuring-enhanced-monitoring'].includes(status))
        return 'wait until it is available again and re-run';
    if (['stopped', 'stopping'].includes(status))
        return 'start it (StartDBInstance / StartDBCluster) and re-run';
    if (['creating', 'starting', 'rebooting', 'resetting-master-credentials', 'renaming'].includes(status))
        return 'wait until it is available and re-run';
    return 'look at it in the RDS console; the release will not migrate or deploy against it until it is available';
}
/**
 * Preflight: the database the migration runs against must be `available`.
 * No database configured: nothing to check.
 */
async function checkDatabase(ctx) {
    const database = ctx.config.database;
    if (!database)
        return;
    const info = await describeDatabase(ctx.aws.rds, database.instance, ctx.signal);
    const what = `${describeKind(info)} "${info.id}"`;
    if (info.status !== 'available') {
        throw new Error(`db-instance: ${what} is "${info.status}", not "available": ${advice(info.status)}`);
    }
    ctx.log.info(`database: ${what} is available`);
}

// EXTERNAL MODULE: ./src/config/duration.ts
var duration = __webpack_require__(97840);
;// CONCATENATED MODULE: ./src/database/snapshot-name.ts
/**
 * RDS snapshot identifiers: 1–255 letters, digits and hyphens, starting with a
 * letter, no two hyphens in a row, no hyphen at the end.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
 */
function part(text, max) {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, max)
        .replace(/^-+|-+$/g, '');
}
function stamp(ms) {
    return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
/** `ecs-release-<environment>-<release, 12 characters>-<UTC yyyymmddhhmmss>`. */
function snapshotName(environment, release, now) {
    const parts = ['ecs-release', part(environment, 60), part(release, 12), stamp(now)].filter((p) => p !== '');
    return parts.join('-');
}
function isValidSnapshotName(id) {
    return id.length <= 255 && /^[a-z][a-z0-9-]*$/i.test(id) && !id.includes('--') && !id.endsWith('-');
}

;// CONCATENATED MODULE: ./src/database/snapshot.ts





/** A large database can take long to snapshot; beyond this the release gives up before migrating. */
const SNAPSHOT_WAIT_MS = 60 * 60_000;
const POLL_MS = 10_000;
/**
 * A manual snapshot named after the release, waited for until `available`, so
 * a migration that goes wrong has a restore point taken just before it. An
 * Aurora cluster (or an instance of one) gets a cluster snapshot.
 */
async function snapshotDatabase(ctx, options = {}) {
    const database = ctx.config.database;
    if (!database)
        throw new Error('db-snapshot: no db-instance is configured, so there is nothing to snapshot');
    const { rds } = ctx.aws;
    const call = { abortSignal: ctx.signal };
    const started = ctx.clock.now();
    const info = await describeDatabase(rds, database.instance, ctx.signal);
    const id = snapshotName(ctx.config.environment, ctx.config.release, started);
    const tags = [
        { Key: TAGS.release, Value: ctx.config.release },
        { Key: TAGS.environment, Value: ctx.config.environment },
    ];
    const cluster = info.clusterId;
    const what = cluster ? `Aurora cluster "${cluster}"` : `${describeKind(info)} "${info.id}"`;
    try {
        if (cluster) {
            await rds.send(new client_rds_dist_cjs/* CreateDBClusterSnapshotCommand */.Iv4({
                DBClusterSnapshotIdentifier: id,
                DBClusterIdentifier: cluster,
                Tags: tags,
            }), call);
        }
        else {
            await rds.send(new client_rds_dist_cjs/* CreateDBSnapshotCommand */.SQw({ DBSnapshotIdentifier: id, DBInstanceIdentifier: info.id, Tags: tags }), call);
        }
    }
    catch (error) {
        if (ctx.signal.aborted)
            throw error;
        throw new Error(`db-snapshot: RDS refused the snapshot ${id} of ${what}: ${error.message} (nothing was migrated or deployed)`);
    }
    ctx.log.info(`database: snapshot ${id} of ${what} started; waiting for it to be available`);
    const read = async () => {
        if (cluster) {
            const out = await rds.send(new client_rds_dist_cjs/* DescribeDBClusterSnapshotsCommand */.cWV({ DBClusterSnapshotIdentifier: id }), call);
            const s = out.DBClusterSnapshots?.[0];
            return {
                status: s?.Status ?? 'unknown',
                ...(s?.PercentProgress !== undefined && { progress: s.PercentProgress }),
            };
        }
        const out = await rds.send(new client_rds_dist_cjs/* DescribeDBSnapshotsCommand */.KKI({ DBSnapshotIdentifier: id }), call);
        const s = out.DBSnapshots?.[0];
        return {
            status: s?.Status ?? 'unknown',
            ...(s?.PercentProgress !== undefined && { progress: s.PercentProgress }),
        };
    };
    const deadline = started + (options.waitMs ?? SNAPSHOT_WAIT_MS);
    let lastProgress;
    for (;;) {
        const state = await read();
        const ms = ctx.clock.now() - started;
        if (state.status === 'available') {
            ctx.log.info(`database: snapshot ${id} is available (took ${(0,duration/* formatDuration */.a3)(ms)})`);
            return { id, ms };
        }
        if (state.status === 'failed' || state.status === 'error' || state.status === 'deleting') {
            throw new Error(`db-snapshot: snapshot ${id} of ${what} is "${state.status}": look at the RDS events of ${what}; nothing was migrated or deployed`);
        }
        if (state.progress !== undefined && state.progress !== lastProgress) {
            ctx.log.info(`database: snapshot ${id} ${state.status}, ${state.progress}%`);
            lastProgress = state.progress;
        }
        const left = deadline - ctx.clock.now();
        if (left <= 0) {
            throw new Error(`db-snapshot: snapshot ${id} of ${what} is still "${state.status}" after ${(0,duration/* formatDuration */.a3)(ms)}: it goes on in RDS, but this release stopped before migrating; re-run once it is available`);
        }
        await ctx.clock.sleep(Math.min(POLL_MS, left), ctx.signal);
    }
}

;// CONCATENATED MODULE: ./src/database/index.ts





// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./node_modules/@balena/dockerignore/ignore.js
var ignore = __webpack_require__(44158);
var ignore_default = /*#__PURE__*/__webpack_require__.n(ignore);
;// CONCATENATED MODULE: ./src/images/errors.ts
/** An images-stage failure; the message names the image key and says what to do. */
class ImagesError extends Error {
    imageKey;
    constructor(imageKey, detail) {
        super(`image "${imageKey}": ${detail}`);
        this.imageKey = imageKey;
        this.name = 'ImagesError';
    }
}

;// CONCATENATED MODULE: ./src/images/tar.ts
/**
 * A minimal ustar writer (with PAX records for long names) for build contexts.
 * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
const BLOCK = 512;
const octal = (n, width) => `${Math.floor(n)
    .toString(8)
    .padStart(width - 1, '0')}\0`;
function header(name, typeflag, mode, size, mtime, linkname = '') {
    const buf = Buffer.alloc(BLOCK);
    buf.write(name, 0, 100, 'utf8');
    buf.write(octal(mode, 8), 100, 'ascii');
    buf.write(octal(0, 8), 108, 'ascii');
    buf.write(octal(0, 8), 116, 'ascii');
    buf.write(octal(size, 12), 124, 'ascii');
    buf.write(octal(Math.max(0, mtime), 12), 136, 'ascii');
    buf.write('        ', 148, 'ascii');
    buf.write(typeflag, 156, 'ascii');
    buf.write(linkname, 157, 100, 'utf8');
    buf.write('ustar\u000000', 257, 'ascii');
    let sum = 0;
    for (const byte of buf)
        sum += byte;
    buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    return buf;
}
/** `len key=value\n`, where len counts the whole record including its own digits. */
function paxRecord(key, value) {
    const body = ` ${key}=${value}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len)
        len += 1;
    return `${len}${body}`;
}
function tarPadding(size) {
    return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}
/** Header block(s) for one entry; a name or link longer than ustar allows goes in a PAX record first. */
function tarHeader(entry) {
    const name = entry.type === 'dir' ? `${entry.name}/` : entry.name;
    const typeflag = entry.type === 'dir' ? '5' : entry.type === 'symlink' ? '2' : '0';
    const link = entry.linkname ?? '';
    const size = entry.type === 'file' ? entry.size : 0;
    const records = (Buffer.byteLength(name) > 100 ? paxRecord('path', name) : '') +
        (Buffer.byteLength(link) > 100 ? paxRecord('linkpath', link) : '');
    const main = header(name.slice(0, 100), typeflag, entry.mode, size, entry.mtime, link.slice(0, 100));
    if (records === '')
        return main;
    const pax = Buffer.from(records, 'utf8');
    return Buffer.concat([
        header('PaxHeader', 'x', 0o644, pax.length, entry.mtime),
        pax,
        tarPadding(pax.length),
        main,
    ]);
}
function tarEnd() {
    return Buffer.alloc(BLOCK * 2);
}

;// CONCATENATED MODULE: ./src/images/build-context.ts
/**
 * The build context as the engine receives it: the context directory minus what
 * `.dockerignore` excludes, streamed as a tar. The Dockerfile travels inside it
 * (under a reserved name when it lives outside the context or is ignored, as the
 * docker CLI does). https://docs.docker.com/build/concepts/context/#dockerignore-files
 */







/** Name the Dockerfile gets inside the tar when it is not already part of the context. */
const RESERVED_DOCKERFILE = '.ecs-release.Dockerfile';
function parseDockerignore(content) {
    const lines = content
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
    const ig = ignore_default()({ ignorecase: false }).add(lines);
    return { ignores: (rel) => ig.ignores(rel), hasExceptions: lines.some((l) => l.startsWith('!')) };
}
async function readIgnoreRules(contextDir) {
    try {
        return parseDockerignore(await (0,promises_.readFile)((0,external_node_path_.join)(contextDir, '.dockerignore'), 'utf8'));
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return parseDockerignore('');
        throw error;
    }
}
/** Every entry that would be sent, sorted by path so hashing and packing are deterministic. */
async function listContext(contextDir, rules) {
    const out = [];
    const walk = async (dir) => {
        const names = (await (0,promises_.readdir)(dir)).sort();
        for (const name of names) {
            const abs = (0,external_node_path_.join)(dir, name);
            const rel = (0,external_node_path_.relative)(contextDir, abs).split(external_node_path_.sep).join('/');
            const st = await (0,promises_.lstat)(abs);
            const ignored = rules.ignores(rel);
            const base = { rel, abs, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
            if (st.isDirectory()) {
                if (ignored && !rules.hasExceptions)
                    continue;
                const before = out.length;
                out.push({ ...base, type: 'dir', size: 0 });
                await walk(abs);
                // An ignored directory stays only for the exceptions found inside it.
                if (ignored && out.length === before + 1)
                    out.pop();
            }
            else if (ignored) {
                // Dropped: .dockerignore excludes it.
            }
            else if (st.isSymbolicLink()) {
                out.push({ ...base, type: 'symlink', size: 0, link: await (0,promises_.readlink)(abs) });
            }
            else if (st.isFile()) {
                out.push({ ...base, type: 'file', size: st.size });
            }
        }
    };
    await walk(contextDir);
    return out;
}
/** Resolves the context and Dockerfile; a missing one is an error naming its path. */
async function prepareContext(workdir, imageKey, context, dockerfile) {
    const contextDir = (0,external_node_path_.resolve)(workdir, context);
    const st = await (0,promises_.lstat)(contextDir).catch(() => undefined);
    if (!st?.isDirectory()) {
        throw new ImagesError(imageKey, `the build context ${contextDir} is not a directory (context "${context}" relative to ${workdir}); set the image's context to the directory that holds its sources`);
    }
    const dockerfilePath = (0,external_node_path_.resolve)(workdir, dockerfile);
    const dockerfileText = await (0,promises_.readFile)(dockerfilePath, 'utf8').catch(() => undefined);
    if (dockerfileText === undefined) {
        throw new ImagesError(imageKey, `the Dockerfile ${dockerfilePath} does not exist or cannot be read (dockerfile "${dockerfile}"); set the image's dockerfile to its path`);
    }
    const rules = await readIgnoreRules(contextDir);
    const entries = await listContext(contextDir, rules);
    const inContext = (0,external_node_path_.relative)(contextDir, dockerfilePath).split(external_node_path_.sep).join('/');
    const packed = !inContext.startsWith('../') && entries.some((e) => e.rel === inContext && e.type === 'file');
    return packed
        ? { contextDir, dockerfileText, entries, dockerfileInTar: inContext }
        : {
            contextDir,
            dockerfileText,
            entries,
            dockerfileInTar: RESERVED_DOCKERFILE,
            extraDockerfile: Buffer.from(dockerfileText, 'utf8'),
        };
}
async function* tarChunks(prepared) {
    for (const e of prepared.entries) {
        const entry = {
            name: e.rel,
            type: e.type,
            mode: e.mode,
            size: e.size,
            mtime: e.mtimeMs / 1000,
        };
        if (e.link !== undefined)
            entry.linkname = e.link;
        yield tarHeader(entry);
        if (e.type !== 'file')
            continue;
        let sent = 0;
        for await (const chunk of (0,external_node_fs_.createReadStream)(e.abs)) {
            const buf = chunk;
            const take = buf.subarray(0, Math.max(0, e.size - sent));
            sent += take.length;
            yield take;
        }
        if (sent !== e.size)
            throw new Error(`${e.abs} changed size while the build context was being sent`);
        yield tarPadding(e.size);
    }
    if (prepared.extraDockerfile) {
        const data = prepared.extraDockerfile;
        yield tarHeader({ name: RESERVED_DOCKERFILE, type: 'file', mode: 0o644, size: data.length, mtime: 0 });
        yield data;
        yield tarPadding(data.length);
    }
    yield tarEnd();
}
function contextTar(prepared) {
    return external_node_stream_.Readable.from(tarChunks(prepared), { objectMode: false });
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var client_ecr_dist_cjs = __webpack_require__(28249);
;// CONCATENATED MODULE: ./src/images/ecr.ts
/**
 * What the images stage asks of ECR: one login per run, repositories ensured,
 * images looked up by tag, and tags added to an existing manifest.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
 */


const MANIFEST_MEDIA_TYPES = [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
];
/** `AWS:<password>` in base64, as ECR returns it; undefined when it is not that shape. */
function decodeAuthorizationToken(token) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0 || colon === decoded.length - 1)
        return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
/** `https://123.dkr.ecr.eu-west-1.amazonaws.com` → `123.dkr.ecr.eu-west-1.amazonaws.com`. */
const registryHost = (endpoint) => endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
const logins = new WeakMap();
/**
 * GetAuthorizationToken once per run (per ECR client): the password is masked
 * before anything else happens and stays in memory, handed to the engine per
 * request, never written to a docker config file.
 */
function ecrLogin(ctx) {
    let login = logins.get(ctx.aws.ecr);
    if (!login) {
        login = (async () => {
            const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* GetAuthorizationTokenCommand */.Eu6({}), { abortSignal: ctx.signal });
            const data = out.authorizationData?.[0];
            const decoded = data?.authorizationToken
                ? decodeAuthorizationToken(data.authorizationToken)
                : undefined;
            if (data?.authorizationToken)
                ctx.mask(data.authorizationToken);
            if (!decoded || !data?.proxyEndpoint) {
                throw new Error('ECR GetAuthorizationToken returned no usable authorization data (expected base64 "AWS:<password>" and a proxyEndpoint)');
            }
            ctx.mask(decoded.password);
            return {
                host: registryHost(data.proxyEndpoint),
                username: decoded.username,
                password: decoded.password,
            };
        })();
        // A failed login is not cached: a retry in the same run asks again.
        login.catch(() => logins.delete(ctx.aws.ecr));
        logins.set(ctx.aws.ecr, login);
    }
    return login;
}
const errorName = (error) => error.name ?? '';
function createRepositoryCommand(name, region) {
    return `aws ecr create-repository --region ${region} --repository-name ${name} --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true`;
}
/** Creates a missing repository (immutable tags, scan on push), or explains how to. */
/**
 * The repository, created when missing. Returns it with the URI ECR answered:
 * before it exists, preflight can only guess the registry host.
 */
async function ensureRepository(ctx, key, repo) {
    if (repo.exists)
        return repo;
    if (!ctx.config.createRepositories) {
        throw new ImagesError(key, `the ECR repository "${repo.name}" does not exist and create-repositories is false; create it with: ${createRepositoryCommand(repo.name, ctx.config.region)}`);
    }
    try {
        const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* CreateRepositoryCommand */.WTe({
            repositoryName: repo.name,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
        }), { abortSignal: ctx.signal });
        ctx.log.info(`Created ECR repository ${repo.name} (immutable tags, scan on push)`);
        return { ...repo, uri: out.repository?.repositoryUri ?? repo.uri, exists: true };
    }
    catch (error) {
        // Created meanwhile by someone else: what we wanted.
        if (errorName(error) === 'RepositoryAlreadyExistsException') {
            const found = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* DescribeRepositoriesCommand */.pE_({ repositoryNames: [repo.name] }), {
                abortSignal: ctx.signal,
            });
            return { ...repo, uri: found.repositories?.[0]?.repositoryUri ?? repo.uri, exists: true };
        }
        throw new ImagesError(key, `could not create the ECR repository "${repo.name}": ${error.message}`);
    }
}
/** The image a tag names, or undefined when the repository has no such tag. */
async function findImage(ctx, repository, tag) {
    const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({
        repositoryName: repository,
        imageIds: [{ imageTag: tag }],
        acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
    }), { abortSignal: ctx.signal });
    const image = out.images?.[0];
    if (image?.imageId?.imageDigest && image.imageManifest) {
        return {
            digest: image.imageId.imageDigest,
            manifest: image.imageManifest,
            mediaType: image.imageManifestMediaType,
        };
    }
    const failure = out.failures?.[0];
    if (!failure ||
        failure.failureCode === 'ImageNotFound' ||
        failure.failureCode === 'ImageTagDoesNotMatchDigest') {
        return undefined;
    }
    throw new Error(`ECR BatchGetImage ${repository}:${tag} failed: ${failure.failureCode}: ${failure.failureReason}`);
}
/** Which of `tags` exist in the repository (one call). */
async function existingTags(ctx, repository, tags) {
    if (tags.length === 0)
        return [];
    const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({
        repositoryName: repository,
        imageIds: tags.map((imageTag) => ({ imageTag })),
        acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
    }), { abortSignal: ctx.signal });
    return (out.images ?? []).map((i) => i.imageId?.imageTag).filter((t) => t !== undefined);
}
/** Whether ECR holds a manifest with this digest (tagged or not). */
async function digestExists(ctx, repository, digest) {
    const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({
        repositoryName: repository,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
    }), { abortSignal: ctx.signal });
    return (out.images ?? []).length > 0;
}
/** Tags of the image a digest names; none when ECR does not know it. */
async function tagsOfDigest(ctx, repository, digest) {
    try {
        const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* DescribeImagesCommand */.ji5({ repositoryName: repository, imageIds: [{ imageDigest: digest }] }), { abortSignal: ctx.signal });
        return out.imageDetails?.[0]?.imageTags ?? [];
    }
    catch (error) {
        if (errorName(error) === 'ImageNotFoundException')
            return [];
        throw error;
    }
}
/**
 * Adds `tag` to an image already in ECR. The tag already on this digest is
 * success; on an immutable repository the tag on another digest is an error.
 */
async function addTag(ctx, key, repository, image, tag) {
    try {
        await ctx.aws.ecr.send(new client_ecr_dist_cjs/* PutImageCommand */.SUU({
            repositoryName: repository,
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
            imageDigest: image.digest,
            imageTag: tag,
        }), { abortSignal: ctx.signal });
    }
    catch (error) {
        const name = errorName(error);
        if (name === 'ImageAlreadyExistsException')
            return;
        if (name === 'ImageTagAlreadyExistsException') {
            const current = await findImage(ctx, repository, tag);
            if (current?.digest === image.digest)
                return;
            throw new ImagesError(key, `the tag "${tag}" in the immutable ECR repository "${repository}" already points at ${current?.digest ?? 'another image'}, not at ${image.digest} (this release's image). The commit was pushed before from different build inputs (Dockerfile, build args, target or platform). Release a new commit, or if nothing runs the old image, delete the tag: aws ecr batch-delete-image --region ${ctx.config.region} --repository-name ${repository} --image-ids imageTag=${tag}`);
        }
        throw new ImagesError(key, `could not tag ${repository}@${image.digest} as "${tag}" (ECR PutImage): ${error.message}`);
    }
}

;// CONCATENATED MODULE: ./src/images/cache.ts

const CONTENT_TAG = /^content-([0-9a-f]{40})$/;
/** `cache-<key>-<stage>`, kept to ECR's 128-character tag limit and character set. */
function cacheTag(key, stage) {
    const safe = stage.replace(/[^a-zA-Z0-9_.-]/g, '-');
    return `cache-${key}-${safe}`.slice(0, 128);
}
/** `repo@sha256:…` or `repo:tag` of our repository → its digest or tag; undefined for other repositories. */
function referenceIn(uri, ref) {
    if (ref.startsWith(`${uri}@`))
        return { digest: ref.slice(uri.length + 1) };
    if (ref.startsWith(`${uri}:`))
        return { tag: ref.slice(uri.length + 1) };
    return undefined;
}
/** The stage cache images of the deployed images that exist in ECR, as `<uri>:<tag>`. */
async function stageCacheSources(ctx, repo, deployed, stages) {
    if (stages.length === 0 || !repo.exists)
        return [];
    const keys = new Set();
    for (const ref of deployed) {
        const id = referenceIn(repo.uri, ref);
        if (!id)
            continue;
        const tags = id.digest ? await tagsOfDigest(ctx, repo.name, id.digest) : [id.tag ?? ''];
        for (const tag of tags) {
            const m = CONTENT_TAG.exec(tag);
            if (m?.[1])
                keys.add(m[1]);
        }
    }
    const wanted = [...keys].flatMap((key) => stages.map((stage) => cacheTag(key, stage)));
    const found = await existingTags(ctx, repo.name, wanted);
    return found.map((tag) => `${repo.uri}:${tag}`);
}
/**
 * The deployed images that can serve as layer cache: only those in this image's
 * own ECR repository that still exist. BuildKit (Engine 20.10) fails the whole
 * build on a cache source it cannot import, so a first release whose services
 * still run a placeholder image, or an image from another registry, builds cold
 * rather than not at all.
 */
async function usableDeployedImages(ctx, repo, deployed) {
    if (!repo.exists)
        return [];
    const usable = [];
    for (const ref of deployed) {
        const id = referenceIn(repo.uri, ref);
        if (!id) {
            ctx.log.debug(`${ref} is not in ${repo.uri}: not used as layer cache`);
            continue;
        }
        const found = id.digest
            ? (await tagsOfDigest(ctx, repo.name, id.digest)).length > 0 ||
                (await digestExists(ctx, repo.name, id.digest))
            : (await existingTags(ctx, repo.name, [id.tag ?? ''])).length > 0;
        if (found)
            usable.push(ref);
        else
            ctx.log.debug(`${ref} is no longer in ECR: not used as layer cache`);
    }
    return usable;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/images/content-key.ts
/**
 * The content key: one hash of everything that decides what an image build
 * produces, so an image whose inputs did not change is found in ECR instead of
 * being rebuilt. Sources come from git when the context is committed as-is (fast:
 * one tree id), else from hashing the files that would be sent.
 */






const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/** Bump when the key's recipe changes, so old tags are not mistaken for new ones. */
const CONTENT_KEY_VERSION = 1;
const sha256 = (data) => (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
/** 40 hex digits (160 bits) of a SHA-256 over the canonical inputs. Pure. */
function contentKey(inputs) {
    const canonical = JSON.stringify([
        CONTENT_KEY_VERSION,
        inputs.source,
        sha256(inputs.dockerfile),
        Object.entries(inputs.buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        inputs.target ?? '',
        inputs.platform,
    ]);
    return sha256(canonical).slice(0, 40);
}
/** The tag an image's content key gets in ECR: `content-<40 hex>` (48 characters). */
const contentTag = (key) => `content-${key}`;
/** Hash of the entries that would be sent: path, type, executable bit, contents or link target. */
async function hashEntries(entries) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    for (const e of entries) {
        const exec = (e.mode & 0o111) !== 0 ? 'x' : '-';
        let body = '';
        if (e.type === 'file')
            body = sha256(await (0,promises_.readFile)(e.abs));
        else if (e.type === 'symlink')
            body = e.link ?? (await (0,promises_.readlink)(e.abs));
        h.update(`${e.type}\0${e.rel}\0${exec}\0${body}\n`);
    }
    return h.digest('hex');
}
/** `git status --porcelain=v1 -z` records (renames carry a second path, which we skip). */
function parseGitStatus(output) {
    const parts = output.split('\0');
    const out = [];
    for (let i = 0; i < parts.length; i++) {
        const rec = parts[i];
        if (!rec || rec.length < 4)
            continue;
        const code = rec.slice(0, 2);
        out.push({ code, path: rec.slice(3) });
        if (code.includes('R') || code.includes('C'))
            i++;
    }
    return out;
}
/**
 * `git-tree:<id>` when every file that would be sent is committed as it is in
 * HEAD; otherwise (uncommitted or untracked changes, build outputs that git
 * ignores but .dockerignore does not, no git) `files:<hash>` of the sent files.
 */
async function sourceOf(workdir, contextDir) {
    const rules = await readIgnoreRules(contextDir);
    const git = async (...args) => (await run('git', args, { cwd: workdir, maxBuffer: 64 * 1024 * 1024 })).stdout;
    let reason;
    try {
        const top = (await git('rev-parse', '--show-toplevel')).trim();
        const rel = (0,external_node_path_.relative)(top, contextDir).split(external_node_path_.sep).join('/');
        if (rel.startsWith('..'))
            throw new Error(`the context is outside the git repository ${top}`);
        const status = parseGitStatus(await git('-C', top, 'status', '--porcelain=v1', '-z', '--ignored', '--untracked-files=normal', '--', rel || '.'));
        const prefix = rel === '' ? '' : `${rel}/`;
        const dirty = status.filter((s) => {
            const inContext = s.path.startsWith(prefix) ? s.path.slice(prefix.length).replace(/\/$/, '') : s.path;
            // Files that .dockerignore keeps out of the build cannot change the image.
            return inContext === '' || !rules.ignores(inContext);
        });
        if (dirty.length === 0) {
            const tree = (await git('-C', top, 'rev-parse', `HEAD:${rel}`)).trim();
            return { source: `git-tree:${tree}` };
        }
        const shown = dirty
            .slice(0, 3)
            .map((s) => s.path)
            .join(', ');
        reason = `uncommitted or untracked files in the context (${shown}${dirty.length > 3 ? ', …' : ''})`;
    }
    catch (error) {
        reason = `no usable git tree (${error.message.split('\n')[0]})`;
    }
    const entries = await listContext(contextDir, rules);
    return { source: `files:${await hashEntries(entries)}`, reason };
}
/** The content key of one image; errors name a missing context or Dockerfile. */
async function computeContentKey(workdir, image) {
    const prepared = await prepareContext(workdir, image.key, image.context, image.dockerfile);
    const source = await sourceOf(workdir, prepared.contextDir);
    const key = contentKey({
        source: source.source,
        dockerfile: prepared.dockerfileText,
        buildArgs: image.buildArgs,
        target: image.target,
        platform: image.platform,
    });
    return { key, tag: contentTag(key), source };
}
/** Content tag per image key, for `plan` ("repository:content-tag" before anything is built). */
async function computeContentKeys(ctx) {
    const out = {};
    await Promise.all(ctx.config.images.map(async (image) => {
        out[image.key] = (await computeContentKey(ctx.workdir, image)).tag;
    }));
    return out;
}

;// CONCATENATED MODULE: ./src/images/dockerfile.ts
/**
 * Just enough Dockerfile reading to know the build stages and which earlier
 * stages a target needs: inline cache only covers the final stage's layers, so
 * those earlier stages get their own cache images.
 * https://docs.docker.com/reference/dockerfile/#from
 */
/** Joins `\` continuations and drops comments. */
function logicalLines(text) {
    const out = [];
    let current = '';
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trimEnd();
        if (current === '' && /^\s*#/.test(line))
            continue;
        if (line.endsWith('\\')) {
            current += `${line.slice(0, -1)} `;
            continue;
        }
        current += line;
        if (current.trim() !== '')
            out.push(current.trim());
        current = '';
    }
    if (current.trim() !== '')
        out.push(current.trim());
    return out;
}
function parseStages(text) {
    const stages = [];
    const known = new Set();
    for (const line of logicalLines(text)) {
        const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
        if (from) {
            const base = (from[1] ?? '').toLowerCase();
            const stage = { index: stages.length, uses: known.has(base) ? [base] : [] };
            if (from[2])
                stage.name = from[2].toLowerCase();
            stages.push(stage);
            if (stage.name)
                known.add(stage.name);
            continue;
        }
        const current = stages[stages.length - 1];
        if (!current)
            continue;
        for (const m of line.matchAll(/--(?:from|mount=[^\s]*?from)=([^\s,]+)/gi)) {
            const ref = (m[1] ?? '').toLowerCase();
            const byIndex = /^\d+$/.test(ref) ? stages[Number(ref)]?.name : undefined;
            const name = byIndex ?? ref;
            if (known.has(name) && !current.uses.includes(name))
                current.uses.push(name);
        }
    }
    return stages;
}
/**
 * Named stages the target (or the last stage) depends on, in build order,
 * without the target itself: the stages worth a cache image of their own.
 */
function cacheStages(stages, target) {
    const wanted = target?.toLowerCase();
    const final = wanted === undefined ? stages[stages.length - 1] : stages.find((s) => s.name === wanted);
    if (!final)
        return [];
    const byName = new Map(stages.filter((s) => s.name).map((s) => [s.name, s]));
    const needed = new Set();
    const visit = (s) => {
        for (const dep of s.uses) {
            if (needed.has(dep))
                continue;
            needed.add(dep);
            const stage = byName.get(dep);
            if (stage)
                visit(stage);
        }
    };
    visit(final);
    return stages
        .filter((s) => s.name && s.index < final.index && needed.has(s.name))
        .map((s) => s.name);
}

;// CONCATENATED MODULE: ./src/images/protobuf.ts
/**
 * The few protobuf messages the BuildKit conversation needs (progress status and
 * session credentials), decoded and encoded by hand: no .proto files to load at
 * run time, so the bundled action carries no extra assets.
 * https://protobuf.dev/programming-guides/encoding/
 */
/** The top-level fields of a message, in order; fixed-width fields are skipped. */
function readFields(buf) {
    const fields = [];
    let pos = 0;
    const varint = () => {
        let result = 0;
        let shift = 0;
        for (;;) {
            const byte = buf[pos++];
            if (byte === undefined)
                throw new Error('truncated protobuf varint');
            // Multiplication instead of << keeps values above 2^31 (timestamps) intact.
            result += (byte & 0x7f) * 2 ** shift;
            if ((byte & 0x80) === 0)
                return result;
            shift += 7;
        }
    };
    while (pos < buf.length) {
        const key = varint();
        const number = Math.floor(key / 8);
        const wire = key & 7;
        if (wire === 0)
            fields.push({ number, value: varint() });
        else if (wire === 2) {
            const len = varint();
            if (pos + len > buf.length)
                throw new Error('truncated protobuf field');
            fields.push({ number, value: buf.subarray(pos, pos + len) });
            pos += len;
        }
        else if (wire === 1)
            pos += 8;
        else if (wire === 5)
            pos += 4;
        else
            throw new Error(`unsupported protobuf wire type ${wire}`);
    }
    return fields;
}
const encodeVarint = (n) => {
    const bytes = [];
    let v = n;
    while (v >= 0x80) {
        bytes.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    return Buffer.from(bytes);
};
/** A message made only of string fields (the session's CredentialsResponse). */
function writeStrings(fields) {
    const parts = [];
    for (const f of fields) {
        if (f.value === '')
            continue;
        const data = Buffer.from(f.value, 'utf8');
        parts.push(encodeVarint(f.number * 8 + 2), encodeVarint(data.length), data);
    }
    return Buffer.concat(parts);
}
const protobuf_text = (v) => Buffer.isBuffer(v) ? v.toString('utf8') : '';
/** Decodes `moby.buildkit.trace` aux payloads: vertexes (field 1) and logs (field 3). */
function decodeStatus(buf) {
    const status = { vertexes: [], logs: [] };
    for (const f of readFields(buf)) {
        if (!Buffer.isBuffer(f.value))
            continue;
        if (f.number === 1) {
            const v = { digest: '', name: '', cached: false, started: false, completed: false, error: '' };
            for (const g of readFields(f.value)) {
                if (g.number === 1)
                    v.digest = protobuf_text(g.value);
                else if (g.number === 3)
                    v.name = protobuf_text(g.value);
                else if (g.number === 4)
                    v.cached = g.value === 1;
                else if (g.number === 5)
                    v.started = true;
                else if (g.number === 6)
                    v.completed = true;
                else if (g.number === 7)
                    v.error = protobuf_text(g.value);
            }
            status.vertexes.push(v);
        }
        else if (f.number === 3) {
            const log = { vertex: '', msg: '' };
            for (const g of readFields(f.value)) {
                if (g.number === 1)
                    log.vertex = protobuf_text(g.value);
                else if (g.number === 4)
                    log.msg = protobuf_text(g.value);
            }
            status.logs.push(log);
        }
    }
    return status;
}

;// CONCATENATED MODULE: ./src/images/progress.ts

const OUTPUT_LINES_KEPT = 20;
/** Splits a byte stream into JSON messages; a line that is not JSON becomes a `stream` message. */
async function* messages(stream) {
    let buffered = '';
    const parse = (line) => {
        try {
            const value = JSON.parse(line);
            return typeof value === 'object' && value !== null ? value : { stream: line };
        }
        catch {
            return { stream: line };
        }
    };
    for await (const chunk of stream) {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines)
            if (line.trim() !== '')
                yield parse(line);
    }
    if (buffered.trim() !== '')
        yield parse(buffered);
}
/** BuildKit's own bookkeeping steps (loading the Dockerfile, receiving the context). */
const isHousekeeping = (name) => name.startsWith('[internal]') || name.startsWith('copy /context');
/** Follows one build's BuildKit trace. */
class BuildProgress {
    prefix;
    log;
    steps = new Map();
    imageId;
    /** The stream's own error line (`error`/`errorDetail`): set means the build failed. */
    error;
    constructor(prefix, log) {
        this.prefix = prefix;
        this.log = log;
    }
    step(digest) {
        let s = this.steps.get(digest);
        if (!s) {
            s = { name: '', announced: false, output: [], partial: '', error: '' };
            this.steps.set(digest, s);
        }
        return s;
    }
    handle(msg) {
        if (msg.error !== undefined || msg.errorDetail?.message !== undefined) {
            this.error = msg.errorDetail?.message ?? msg.error;
            this.log.debug(`${this.prefix} error: ${this.error}`);
            return;
        }
        if (msg.id === 'moby.image.id') {
            const id = msg.aux?.ID;
            if (typeof id === 'string')
                this.imageId = id;
            return;
        }
        if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
            this.trace(msg.aux);
            return;
        }
        if (msg.stream !== undefined && msg.stream.trim() !== '')
            this.log.debug(`${this.prefix} ${msg.stream.trimEnd()}`);
    }
    trace(aux) {
        const status = decodeStatus(Buffer.from(aux, 'base64'));
        for (const v of status.vertexes) {
            const s = this.step(v.digest);
            if (v.name)
                s.name = v.name;
            if (v.error)
                s.error = v.error;
            if (!s.announced && (v.started || v.cached) && s.name) {
                s.announced = true;
                const line = `${this.prefix} ${v.cached ? 'CACHED ' : ''}${s.name}`;
                if (isHousekeeping(s.name))
                    this.log.debug(line);
                else
                    this.log.info(line);
            }
        }
        for (const l of status.logs) {
            const s = this.step(l.vertex);
            const lines = (s.partial + l.msg).split(/\r?\n/);
            s.partial = lines.pop() ?? '';
            for (const line of lines) {
                this.log.debug(`${this.prefix}   ${line}`);
                s.output.push(line);
                if (s.output.length > OUTPUT_LINES_KEPT)
                    s.output.shift();
            }
        }
    }
    /** The step that failed, with its last output lines; undefined when no step reported an error. */
    failure() {
        for (const s of this.steps.values()) {
            if (!s.error)
                continue;
            const output = s.partial ? [...s.output, s.partial] : s.output;
            return { step: s.name, error: s.error, output: output.filter((l) => l.trim() !== '') };
        }
        return undefined;
    }
}
/** The failure as the user reads it: the step, the error, then the step's last output lines. */
function describeFailure(failure, streamError) {
    if (!failure)
        return `the build failed: ${streamError ?? 'the engine reported no reason'}`;
    const lines = [`build step "${failure.step}" failed: ${failure.error}`];
    if (failure.output.length > 0) {
        lines.push('last output of the step:', ...failure.output.map((l) => `  | ${l}`));
    }
    else {
        lines.push('the step printed no output');
    }
    return lines.join('\n');
}
/** Follows a push stream: returns the pushed manifest digest, or the error the stream reported. */
class PushProgress {
    prefix;
    log;
    digest;
    error;
    layers = new Map();
    constructor(prefix, log) {
        this.prefix = prefix;
        this.log = log;
    }
    handle(msg) {
        if (msg.error !== undefined || msg.errorDetail?.message !== undefined) {
            this.error = msg.errorDetail?.message ?? msg.error;
            return;
        }
        const aux = msg.aux;
        if (typeof aux?.Digest === 'string') {
            this.digest = aux.Digest;
            return;
        }
        if (msg.id && msg.status && msg.status !== this.layers.get(msg.id) && !msg.progress) {
            this.layers.set(msg.id, msg.status);
            this.log.debug(`${this.prefix} ${msg.id}: ${msg.status}`);
        }
        else if (!msg.id && msg.status) {
            this.log.debug(`${this.prefix} ${msg.status}`);
        }
    }
}

// EXTERNAL MODULE: ./node_modules/@grpc/grpc-js/build/src/index.js
var src = __webpack_require__(83033);
;// CONCATENATED MODULE: ./src/images/session.ts
/**
 * A BuildKit session that answers registry credential requests per host.
 * dockerode's own session hands the same credentials to every registry, so a
 * `FROM` on Docker Hub would be sent ECR's password and be refused; here only
 * the ECR registry host gets them and any other host is asked anonymously.
 * https://github.com/moby/buildkit/blob/master/session/auth/auth.proto
 */



/** The credentials BuildKit gets for `host`: ours for our registry, none elsewhere. */
function credentialsFor(host, creds) {
    return host === creds.host
        ? { username: creds.username, secret: creds.password }
        : { username: '', secret: '' };
}
const authService = {
    Credentials: {
        path: '/moby.filesync.v1.Auth/Credentials',
        requestStream: false,
        responseStream: false,
        requestSerialize: (host) => writeStrings([{ number: 1, value: host }]),
        requestDeserialize: (buf) => protobuf_text(readFields(buf).find((f) => f.number === 1)?.value),
        responseSerialize: (r) => writeStrings([
            { number: 1, value: r.username },
            { number: 2, value: r.secret },
        ]),
        responseDeserialize: (buf) => buf,
    },
};
/** Opens `/session` on the engine and serves the Auth service over it. */
function openSession(docker, creds) {
    const id = (0,external_node_crypto_.randomUUID)();
    return new Promise((resolve, reject) => {
        docker.modem.dial({
            path: '/session',
            method: 'POST',
            hijack: true,
            headers: {
                Upgrade: 'h2c',
                'X-Docker-Expose-Session-Uuid': id,
                'X-Docker-Expose-Session-Name': 'ecs-release',
            },
            statusCodes: { 101: true, 200: true, 500: 'server error' },
        }, (err, socket) => {
            if (err) {
                reject(err);
                return;
            }
            const stream = socket;
            const server = new src.Server();
            server.addService(authService, {
                Credentials: (call, callback) => callback(null, credentialsFor(call.request, creds)),
            });
            server.createConnectionInjector(src.ServerCredentials.createInsecure()).injectConnection(stream);
            resolve({
                id,
                close: () => {
                    server.forceShutdown();
                    stream.end();
                },
            });
        });
    });
}

;// CONCATENATED MODULE: ./src/images/engine.ts




const authconfig = (creds) => ({
    username: creds.username,
    password: creds.password,
    serveraddress: creds.host,
});
/** Words registries and engines use when they refuse credentials. */
const looksLikeAuthFailure = (message) => /unauthorized|authentication required|401|403|denied|no basic auth credentials|incorrect username or password/i.test(message);
/** Why the registry refused, naming it and what to check; the password never appears. */
function authFailure(key, creds, while_, detail) {
    const hint = key === undefined
        ? 'The token ECR issued was not accepted: check that the AWS credentials are for the account and region of this registry.'
        : 'Check that the AWS role may pull from and push to this repository (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage).';
    const message = `the registry ${creds.host} refused the credentials from ECR GetAuthorizationToken while ${while_}: ${detail}. ${hint}`;
    return key === undefined ? new Error(`ECR login: ${message}`) : new ImagesError(key, message);
}
/** Asks the engine to log in to the registry (POST /auth): a refused password fails here, before any build. */
async function checkRegistryLogin(deps, creds) {
    try {
        await deps.docker.checkAuth({ ...authconfig(creds), abortSignal: deps.signal });
    }
    catch (error) {
        deps.signal.throwIfAborted();
        const message = String(error.json?.message ?? error.message);
        throw authFailure(undefined, creds, 'logging in', message.replaceAll(creds.password, '***'));
    }
}
function dial(docker, options) {
    return new Promise((resolve, reject) => {
        docker.modem.dial(options, (err, data) => {
            if (err)
                reject(err);
            else
                resolve(data);
        });
    });
}
const engineMessage = (error) => String(error.json?.message ?? error.message ?? error).trim();
/**
 * Builds one image with BuildKit; a failing step is an error quoting the step
 * and its output. Engine 20.10 once answered a cache import with "no active
 * session … context deadline exceeded" for a session that was open (seen once
 * in about 15 bench runs, not understood yet): that answer gets one retry.
 */
async function build(deps, req) {
    try {
        return await buildOnce(deps, req);
    }
    catch (error) {
        if (!(error instanceof ImagesError) || !/no active session for/.test(error.message))
            throw error;
        deps.log.info(`[${req.key}] the engine lost the build's session (${error.message.split('\n')[0]}); building again`);
        return buildOnce(deps, req);
    }
}
async function buildOnce(deps, req) {
    const prefix = `[${req.key}]`;
    const session = await openSession(deps.docker, req.creds);
    deps.log.debug(`${prefix} BuildKit session ${session.id}`);
    const progress = new BuildProgress(prefix, deps.log);
    try {
        const stream = await dial(deps.docker, {
            path: '/build?',
            method: 'POST',
            file: contextTar(req.prepared),
            isStream: true,
            abortSignal: deps.signal,
            statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
            options: {
                version: '2',
                session: session.id,
                t: req.tag,
                dockerfile: req.prepared.dockerfileInTar,
                platform: req.platform,
                // Inline cache metadata makes the pushed image usable as a cache source by a fresh runner.
                buildargs: { ...req.buildArgs, BUILDKIT_INLINE_CACHE: '1' },
                ...(req.target !== undefined ? { target: req.target } : {}),
                cachefrom: JSON.stringify(req.cacheFrom),
                networkmode: req.networkMode,
                rm: true,
                forcerm: true,
            },
        });
        for await (const msg of messages(stream))
            progress.handle(msg);
    }
    catch (error) {
        deps.signal.throwIfAborted();
        const message = engineMessage(error);
        if (looksLikeAuthFailure(message))
            throw authFailure(req.key, req.creds, 'building', message);
        throw new ImagesError(req.key, `the Docker engine refused the build: ${message}`);
    }
    finally {
        session.close();
    }
    deps.signal.throwIfAborted();
    const failure = progress.failure();
    if (progress.error !== undefined || failure) {
        const why = failure?.error ?? progress.error ?? '';
        if (!failure && looksLikeAuthFailure(why))
            throw authFailure(req.key, req.creds, 'building', why);
        throw new ImagesError(req.key, describeFailure(failure, progress.error));
    }
    if (!progress.imageId)
        throw new ImagesError(req.key, 'the build ended without an image id: the engine stream was cut short');
    return progress.imageId;
}
/** Pushes `<uri>:<tag>`; returns the manifest digest the push reported. */
async function push(deps, key, uri, tag, creds) {
    const progress = new PushProgress(`[${key}]`, deps.log);
    try {
        const stream = (await deps.docker
            .getImage(uri)
            .push({ tag, authconfig: authconfig(creds), abortSignal: deps.signal }));
        for await (const msg of messages(stream))
            progress.handle(msg);
    }
    catch (error) {
        deps.signal.throwIfAborted();
        const message = engineMessage(error);
        if (looksLikeAuthFailure(message))
            throw authFailure(key, creds, `pushing ${uri}:${tag}`, message);
        throw new ImagesError(key, `pushing ${uri}:${tag} failed: ${message}`);
    }
    deps.signal.throwIfAborted();
    if (progress.error !== undefined) {
        if (looksLikeAuthFailure(progress.error))
            throw authFailure(key, creds, `pushing ${uri}:${tag}`, progress.error);
        throw new ImagesError(key, `pushing ${uri}:${tag} failed: ${progress.error}`);
    }
    if (!progress.digest)
        throw new ImagesError(key, `pushing ${uri}:${tag} ended without a digest in the push stream`);
    return progress.digest;
}

;// CONCATENATED MODULE: ./src/images/index.ts









/** The engine has no bridge network in the lab, and host networking is harmless on a runner. */
const NETWORK_MODE = 'host';
async function releaseImage(ctx, job, login, signal) {
    const { image, repo } = job;
    const prefix = `[${image.key}]`;
    const key = await computeContentKey(ctx.workdir, image);
    if (key.source.reason)
        ctx.log.info(`${prefix} content key from the files' contents: ${key.source.reason}`);
    ctx.log.debug(`${prefix} content key ${key.key} (sources ${key.source.source})`);
    const result = (digest, built) => ({
        key: image.key,
        uri: repo.uri,
        digest,
        reference: `${repo.uri}@${digest}`,
        contentTag: key.tag,
        built,
    });
    const existing = await findImage(ctx, repo.name, key.tag);
    if (existing) {
        await addTag(ctx, image.key, repo.name, existing, ctx.config.commit);
        ctx.log.info(`${prefix} ${repo.uri}:${key.tag} is already in ECR (${existing.digest}): not built, tagged ${ctx.config.commit}`);
        return result(existing.digest, false);
    }
    const creds = await login();
    const deps = { docker: ctx.docker, log: ctx.log, signal };
    const prepared = await prepareContext(ctx.workdir, image.key, image.context, image.dockerfile);
    const stages = cacheStages(parseStages(prepared.dockerfileText), image.target);
    const deployed = await usableDeployedImages(ctx, repo, job.deployed);
    const cacheFrom = [...new Set([...deployed, ...(await stageCacheSources(ctx, repo, deployed, stages))])];
    ctx.log.info(`${prefix} building ${repo.uri}:${key.tag}${cacheFrom.length > 0 ? ` with layer cache from ${cacheFrom.join(', ')}` : ' (no deployed image to use as cache)'}`);
    const common = {
        key: image.key,
        prepared,
        platform: image.platform,
        buildArgs: image.buildArgs,
        creds,
        networkMode: NETWORK_MODE,
    };
    // Each earlier stage gets an image of its own, so its layers can be a cache source next time.
    const stageTags = [];
    for (const stage of stages) {
        const tag = cacheTag(key.key, stage);
        await build(deps, { ...common, tag: `${repo.uri}:${tag}`, target: stage, cacheFrom });
        stageTags.push(tag);
    }
    await build(deps, { ...common, tag: `${repo.uri}:${key.tag}`, target: image.target, cacheFrom });
    const pushed = await push(deps, image.key, repo.uri, key.tag, creds);
    const stored = await findImage(ctx, repo.name, key.tag);
    if (!stored || stored.digest !== pushed) {
        throw new ImagesError(image.key, `the push of ${repo.uri}:${key.tag} reported ${pushed} but ECR holds ${stored?.digest ?? 'no image'} under that tag; push again`);
    }
    await addTag(ctx, image.key, repo.name, stored, ctx.config.commit);
    ctx.log.info(`${prefix} pushed ${repo.uri}:${key.tag} and :${ctx.config.commit} (${pushed})`);
    for (const tag of stageTags) {
        try {
            await push(deps, image.key, repo.uri, tag, creds);
            ctx.log.info(`${prefix} pushed stage cache ${repo.uri}:${tag}`);
        }
        catch (error) {
            signal.throwIfAborted();
            ctx.log.warning(`${prefix} the stage cache ${repo.uri}:${tag} could not be pushed (${error.message}); the next build of this image rebuilds that stage`);
        }
    }
    return result(pushed, true);
}
/**
 * Builds or reuses every configured image. Returns per image key its digest
 * and whether it was built; throws an error naming the image that failed.
 */
async function buildImages(ctx, input) {
    const jobs = ctx.config.images.map((image) => {
        const repo = input.repositories[image.key];
        if (!repo) {
            throw new ImagesError(image.key, 'preflight reported no ECR repository for this image key; this is a bug in ecs-release');
        }
        return { image, repo, deployed: input.deployed[image.key] ?? [] };
    });
    for (const job of jobs)
        job.repo = await ensureRepository(ctx, job.image.key, job.repo);
    const controller = new AbortController();
    const stop = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });
    // Logged in (and checked) only when something is built: a no-op re-run needs no registry login.
    let creds;
    const login = () => {
        creds ??= ecrLogin(ctx).then(async (c) => {
            await checkRegistryLogin({ docker: ctx.docker, log: ctx.log, signal: controller.signal }, c);
            return c;
        });
        return creds;
    };
    try {
        const settled = await Promise.allSettled(jobs.map((job) => releaseImage(ctx, job, login, controller.signal).catch((error) => {
            // One failed image fails the release: stop the others' builds and pushes now.
            if (!controller.signal.aborted)
                controller.abort(error);
            throw error;
        })));
        ctx.signal.throwIfAborted();
        const out = {};
        // Images stopped because another failed reject with that same error: report each failure once.
        const errors = new Set();
        settled.forEach((s, i) => {
            if (s.status === 'fulfilled')
                out[jobs[i]?.image.key ?? ''] = s.value;
            else
                errors.add(s.reason);
        });
        const [first, ...more] = [...errors];
        if (first !== undefined && more.length === 0)
            throw first;
        if (first !== undefined)
            throw new Error([first, ...more].map((e) => e.message).join('\n\n'));
        for (const image of Object.values(out)) {
            ctx.log.info(`${image.key}: ${image.reference} (${image.built ? 'built' : 'reused, not built'})`);
        }
        return out;
    }
    finally {
        ctx.signal.removeEventListener('abort', stop);
    }
}

;// CONCATENATED MODULE: ./src/migrate/errors.ts
/** A migration that did not succeed: the release stops before any service changes. */
class MigrationError extends Error {
    kind;
    details;
    constructor(message, kind, details = {}) {
        super(message);
        this.kind = kind;
        this.details = details;
        this.name = 'MigrationError';
    }
}
/** The tail of the output, indented under the error's first line. */
function tail(lines) {
    if (lines.length === 0)
        return '\n(no output)';
    return `\nlast ${lines.length} line${lines.length === 1 ? '' : 's'} of output:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

// EXTERNAL MODULE: external "node:readline"
var external_node_readline_ = __webpack_require__(80481);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js
var client_secrets_manager_dist_cjs = __webpack_require__(12994);
;// CONCATENATED MODULE: ./src/migrate/db-env.ts
/**
 * Parses the secret without ever quoting it: an error names the missing keys,
 * not the text (which holds the password).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
 */
function parseDbSecret(text, secretId) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new Error(`db-secret ${secretId} is not JSON: store the credentials as {"username", "password", "host", "port", "dbname"} (the RDS secret format)`);
    }
    const o = (typeof value === 'object' && value !== null ? value : {});
    const missing = ['username', 'password'].filter((k) => typeof o[k] !== 'string' || o[k] === '');
    if (missing.length > 0) {
        throw new Error(`db-secret ${secretId} has no ${missing.join(' and ')}: store the credentials as {"username", "password", "host", "port", "dbname"} (the RDS secret format)`);
    }
    const secret = { username: String(o.username), password: String(o.password) };
    if (typeof o.host === 'string' && o.host !== '')
        secret.host = o.host;
    const port = typeof o.port === 'string' ? Number(o.port) : o.port;
    if (typeof port === 'number' && Number.isInteger(port) && port > 0)
        secret.port = port;
    const dbname = o.dbname ?? o.database;
    if (typeof dbname === 'string' && dbname !== '')
        secret.dbname = dbname;
    return secret;
}
/** `DATABASE_URL` with URL-encoded credentials, plus libpq's `PG*` variables for tools that read those. */
function databaseEnv(secret, endpoint, database) {
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
function secretForms(password) {
    return [...new Set([password, encodeURIComponent(password)])].filter((s) => s.length > 0);
}
function redact(line, secrets) {
    let out = line;
    for (const s of secrets)
        if (out.includes(s))
            out = out.split(s).join('***');
    return out;
}

;// CONCATENATED MODULE: ./src/migrate/ring.ts
/** The last `size` items: a migration may print millions of lines, the error needs the last few. */
class Ring {
    size;
    items = [];
    next = 0;
    constructor(size) {
        this.size = size;
    }
    push(item) {
        if (this.items.length < this.size)
            this.items.push(item);
        else
            this.items[this.next] = item;
        this.next = (this.next + 1) % this.size;
    }
    /** Oldest first. */
    toArray() {
        if (this.items.length < this.size)
            return [...this.items];
        return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    }
}
/** Error messages quote lines; a single 5 MB line must not become a 5 MB error. */
function clip(line, max = 500) {
    return line.length <= max ? line : `${line.slice(0, max)}… (${line.length - max} more characters)`;
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(70303);
;// CONCATENATED MODULE: ./src/migrate/log-follower.ts

/**
 * Events per page: small pages keep memory flat (a page is parsed whole), and
 * the pages per drain cap keeps a burst under GetLogEvents' 25 requests/s quota.
 */
const PAGE_LIMIT = 2500;
const MAX_PAGES_PER_DRAIN = 10;
/**
 * Follows one log stream with GetLogEvents forward tokens. At the end of the
 * stream AWS hands back the very token sent, and events written later appear
 * behind it, so keeping the last token gives every line once, in order, without
 * holding any of them.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
 */
class LogFollower {
    logs;
    group;
    stream;
    onLine;
    signal;
    token;
    /** Lines delivered so far. */
    lines = 0;
    pages = 0;
    /** Whether the stream has been seen to exist. */
    found = false;
    constructor(logs, group, stream, onLine, signal) {
        this.logs = logs;
        this.group = group;
        this.stream = stream;
        this.onLine = onLine;
        this.signal = signal;
    }
    /** Reads up to a few pages, stopping at the end of what the stream holds now. */
    async drain() {
        const before = this.lines;
        for (let page = 0; page < MAX_PAGES_PER_DRAIN; page += 1) {
            const sent = this.token;
            let out;
            try {
                out = await this.logs.send(new client_cloudwatch_logs_dist_cjs/* GetLogEventsCommand */.h7S({
                    logGroupName: this.group,
                    logStreamName: this.stream,
                    startFromHead: true,
                    limit: PAGE_LIMIT,
                    ...(sent !== undefined && { nextToken: sent }),
                }), this.signal ? { abortSignal: this.signal } : {});
            }
            catch (error) {
                // The stream appears when the container first writes (or starts): not yet is not an error.
                if (error instanceof Error && error.name === 'ResourceNotFoundException')
                    return { lines: 0, atEnd: true };
                throw error;
            }
            this.found = true;
            this.pages += 1;
            for (const event of out.events ?? []) {
                const parts = (event.message ?? '').split(/\r?\n/);
                if (parts.length > 1 && parts[parts.length - 1] === '')
                    parts.pop();
                for (const line of parts) {
                    this.lines += 1;
                    this.onLine(line);
                }
            }
            const next = out.nextForwardToken;
            if (next === undefined || next === sent)
                return { lines: this.lines - before, atEnd: true };
            this.token = next;
        }
        return { lines: this.lines - before, atEnd: false };
    }
    /** Reads everything the stream holds now, however many pages that takes. */
    async drainAll() {
        let lines = 0;
        for (;;) {
            const page = await this.drain();
            lines += page.lines;
            if (page.atEnd)
                return lines;
        }
    }
}

;// CONCATENATED MODULE: ./src/migrate/log-target.ts
/**
 * Where awslogs puts the container's output: `<prefix>/<container>/<task id>`
 * with a stream prefix (required on Fargate), else the Docker container id.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
 */
function logTarget(def, taskId, runtimeId) {
    const config = def.logConfiguration;
    if (!config)
        return { kind: 'none', reason: `container ${def.name} has no logConfiguration` };
    if (config.logDriver !== 'awslogs') {
        return {
            kind: 'none',
            reason: `container ${def.name} logs with the ${config.logDriver} driver, not awslogs`,
        };
    }
    const options = config.options ?? {};
    const group = options['awslogs-group'];
    if (!group)
        return { kind: 'none', reason: `container ${def.name}'s awslogs options have no awslogs-group` };
    const prefix = options['awslogs-stream-prefix'];
    const region = options['awslogs-region'];
    const stream = prefix ? `${prefix}/${def.name}/${taskId}` : runtimeId;
    if (!stream)
        return { kind: 'none', reason: 'the log stream is named by the container id, not known yet' };
    return { kind: 'awslogs', group, stream, ...(region && { region }) };
}

;// CONCATENATED MODULE: ./src/migrate/poll.ts
/** DescribeTasks back-off: quick while the migration talks, slower while it is quiet. */
const POLL_MIN_MS = 1000;
const POLL_MAX_MS = 6000;
function nextDelay(previous, newLines) {
    if (newLines > 0)
        return POLL_MIN_MS;
    return Math.min(POLL_MAX_MS, Math.round(previous * 1.5));
}

;// CONCATENATED MODULE: ./src/migrate/run-task-input.ts
/**
 * A migration interrupted halfway is worse than a slow one: Spot capacity is
 * swapped for on-demand, keeping the strategy's shape (one base, summed weights).
 */
function onDemandStrategy(strategy) {
    const merged = new Map();
    for (const item of strategy) {
        const provider = item.capacityProvider === 'FARGATE_SPOT' ? 'FARGATE' : (item.capacityProvider ?? '');
        const seen = merged.get(provider);
        if (!seen) {
            merged.set(provider, { ...item, capacityProvider: provider });
            continue;
        }
        seen.weight = (seen.weight ?? 0) + (item.weight ?? 0);
        if (item.base)
            seen.base = Math.max(seen.base ?? 0, item.base);
    }
    const out = [...merged.values()];
    const first = out[0];
    // RunTask refuses a strategy where every weight is 0.
    if (first && out.every((i) => !i.weight))
        first.weight = 1;
    return out;
}
/** `startedBy`: up to 36 letters, digits, `-`, `/`, `_` (ECS API RunTask). */
function startedByFor(release) {
    return `ecs-release/${release.replace(/[^A-Za-z0-9_/-]/g, '-').slice(0, 24)}`;
}
/** RunTask of the new revision, in the service's network and on its (on-demand) capacity. */
function runTaskInput(spec) {
    const { service } = spec;
    const notes = [];
    const input = {
        cluster: spec.cluster,
        taskDefinition: spec.taskDefinitionArn,
        count: 1,
        startedBy: startedByFor(spec.release),
        overrides: { containerOverrides: [{ name: spec.container, command: [...spec.command] }] },
    };
    if (service.networkConfiguration)
        input.networkConfiguration = service.networkConfiguration;
    if (service.launchType) {
        input.launchType = service.launchType;
    }
    else if (service.capacityProviderStrategy && service.capacityProviderStrategy.length > 0) {
        input.capacityProviderStrategy = onDemandStrategy(service.capacityProviderStrategy);
        if (service.capacityProviderStrategy.some((i) => i.capacityProvider === 'FARGATE_SPOT')) {
            notes.push('the migration runs on FARGATE instead of FARGATE_SPOT: a migration must not be interrupted');
        }
    }
    if (service.platformVersion)
        input.platformVersion = service.platformVersion;
    return { input, notes };
}

;// CONCATENATED MODULE: ./src/migrate/task-outcome.ts
/** What to do about the Fargate/ECS start errors (ECS-DG stopped-task-errors.html). */
function adviceFor(reason) {
    if (reason.startsWith('CannotPullContainerError'))
        return 'ECS could not pull the image: check that it exists in ECR, that the task execution role may pull it, and that the subnets reach ECR (NAT gateway or VPC endpoints)';
    if (reason.startsWith('ResourceInitializationError'))
        return 'ECS could not prepare the task (secrets, registry auth or log group): check the task execution role and that the subnets reach Secrets Manager / SSM, ECR and CloudWatch Logs';
    if (reason.startsWith('CannotStartContainerError') || reason.startsWith('CannotCreateContainerError'))
        return 'the container could not start: check the migration command and the image entry point';
    if (reason.startsWith('OutOfMemoryError') || /OutOfMemory/i.test(reason))
        return 'the container ran out of memory: give the task definition more memory';
    if (reason.startsWith('ContainerRuntimeTimeoutError') || reason.startsWith('ContainerRuntimeError'))
        return 'the container runtime failed: re-run; if it repeats, look at the task in the ECS console';
    if (reason.startsWith('RESOURCE:'))
        return 'the cluster had no capacity for the task: re-run, or add capacity';
    return undefined;
}
function because(task, containerReason) {
    const parts = [task.stopCode, task.stoppedReason].filter((p) => Boolean(p));
    const text = parts.join(': ') || 'no stop reason given';
    return containerReason && !text.includes(containerReason)
        ? `${text} (container: ${containerReason})`
        : text;
}
/** Success is the migration container exiting 0 by itself; anything else is a failure, explained. */
function taskOutcome(task, container) {
    const c = task.containers?.find((x) => x.name === container);
    const exitCode = c?.exitCode;
    const why = because(task, c?.reason);
    const advice = adviceFor(c?.reason ?? task.stoppedReason ?? '');
    const stoppedByItself = task.stopCode === undefined || task.stopCode === 'EssentialContainerExited';
    if (exitCode === 0 && stoppedByItself)
        return { ok: true };
    if (exitCode === undefined) {
        const never = task.stopCode === 'TaskFailedToStart' || task.startedAt === undefined;
        return {
            ok: false,
            kind: 'not-started',
            summary: `${never ? 'the migration task never ran' : `container ${container} has no exit code`}: ${why}${advice ? `. ${advice}` : ''}`,
        };
    }
    if (exitCode === 0) {
        return {
            ok: false,
            kind: 'stopped',
            exitCode,
            summary: `the migration task was stopped before it finished (${why}); container ${container} exited 0 on the stop signal, so the migration may be incomplete`,
        };
    }
    const extra = stoppedByItself ? (c?.reason ? ` (${c.reason})` : '') : ` (${why})`;
    return {
        ok: false,
        kind: 'exit',
        exitCode,
        summary: `container ${container} exited with code ${exitCode}${extra}${advice ? `. ${advice}` : ''}`,
    };
}

;// CONCATENATED MODULE: ./src/migrate/task-mode.ts









/** Lines quoted in a failure. */
const TAIL_LINES = 20;
/** After STOPPED, awslogs may deliver the last batch a little later: read again this often while lines still come. */
const DRAIN_GRACE_MS = 2000;
const DRAIN_GRACE_ROUNDS = 3;
/** DescribeTasks is eventually consistent just after RunTask (AWS-BEHAVIOUR section 4). */
const MISSING_FOR_MS = 60_000;
const taskIdOf = (arn) => arn.split('/').pop() ?? arn;
function errorText(error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
/**
 * One-off ECS task of the release's new revision with the migration command,
 * its output streamed into the job log while it runs. Resolves on exit code 0;
 * anything else throws a MigrationError that says why, with the last lines.
 */
async function runMigrationTask(ctx, target, definition, migration) {
    const { ecs } = ctx.aws;
    const { cluster, release } = ctx.config;
    const service = target.rendered.live.config.service;
    const taskDefinitionArn = target.rendered.targetArn;
    const revision = `${definition.family}:${definition.revision}`;
    const { input, notes } = runTaskInput({
        cluster,
        taskDefinitionArn,
        container: target.container,
        command: migration.command,
        release,
        service: target.rendered.live.service,
    });
    for (const note of notes)
        ctx.log.info(`migration: ${note}`);
    ctx.log.info(`migration: running ${JSON.stringify(migration.command)} in container ${target.container} of ${revision} (service ${service}'s network) in cluster ${cluster}`);
    // No abort signal on RunTask: if it started a task, we must know its ARN to stop it.
    let run;
    try {
        run = await ecs.send(new dist_cjs/* RunTaskCommand */._eD(input));
    }
    catch (error) {
        throw new MigrationError(`migration: RunTask of ${revision} in cluster ${cluster} failed: ${errorText(error)}; nothing was deployed`, 'run-failed');
    }
    const failures = run.failures ?? [];
    const started = run.tasks?.[0];
    if (!started?.taskArn) {
        const why = failures.map((f) => [f.reason, f.detail].filter(Boolean).join(': ')).join('; ') ||
            'no task and no failure returned';
        const capacity = failures.some((f) => f.reason?.startsWith('RESOURCE:'));
        throw new MigrationError(`migration: ECS could not start the migration task of ${revision} in cluster ${cluster}: ${why}${capacity ? ' (no capacity: re-run later, or add capacity to the cluster)' : ''}; nothing was deployed`, 'run-failed');
    }
    const taskArn = started.taskArn;
    const taskId = taskIdOf(taskArn);
    const startedAt = ctx.clock.now();
    ctx.log.info(`migration: task ${taskId} started (${taskArn})`);
    const stop = async (reason) => {
        try {
            await ecs.send(new dist_cjs/* StopTaskCommand */.PP1({ cluster, task: taskArn, reason }));
            return undefined;
        }
        catch (error) {
            return `StopTask failed too (${errorText(error)}): stop it yourself with \`aws ecs stop-task --cluster ${cluster} --task ${taskArn}\``;
        }
    };
    if (ctx.signal.aborted) {
        await stop('ecs-release: the release was cancelled');
        throw ctx.signal.reason;
    }
    const container = definition.containerDefinitions?.find((c) => c.name === target.container);
    const lastLines = new Ring(TAIL_LINES);
    const onLine = (line) => {
        lastLines.push(clip(line));
        ctx.log.info(`| ${line}`);
    };
    let follower;
    let followNotice = false;
    const follow = (runtimeId) => {
        if (follower || followNotice || !container)
            return;
        const where = logTarget(container, taskId, runtimeId);
        if (where.kind === 'awslogs' && where.region && where.region !== ctx.config.region) {
            followNotice = true;
            ctx.log.notice(`migration: container ${target.container} logs to CloudWatch Logs in ${where.region}, not ${ctx.config.region}: its output is not shown here, only the exit code (log group ${where.group}, stream ${where.stream})`);
            return;
        }
        if (where.kind === 'awslogs') {
            follower = new LogFollower(ctx.aws.logs, where.group, where.stream, onLine, ctx.signal);
            ctx.log.info(`migration: output from log group ${where.group}, stream ${where.stream}`);
            return;
        }
        if (where.reason.includes('not known yet'))
            return;
        followNotice = true;
        ctx.log.notice(`migration: ${where.reason}: its output cannot be shown here, only the exit code`);
    };
    follow();
    const timeout = (0,duration/* formatDuration */.a3)(migration.timeoutMs);
    const deadline = startedAt + migration.timeoutMs;
    let task;
    let status = '';
    let missingSince;
    let delay = POLL_MIN_MS;
    try {
        for (;;) {
            const out = await ecs.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: [taskArn] }), {
                abortSignal: ctx.signal,
            });
            const described = out.tasks?.[0];
            if (described) {
                follow(described.containers?.find((c) => c.name === target.container)?.runtimeId);
            }
            const drained = follower ? await follower.drain() : { lines: 0, atEnd: true };
            if (described) {
                task = described;
                missingSince = undefined;
                if (described.lastStatus && described.lastStatus !== status) {
                    status = described.lastStatus;
                    ctx.log.info(`migration: task ${taskId} is ${status}`);
                }
                if (status === 'STOPPED')
                    break;
            }
            else {
                missingSince ??= ctx.clock.now();
                if (ctx.clock.now() - missingSince >= MISSING_FOR_MS) {
                    throw new MigrationError(`migration: ECS no longer knows task ${taskArn} (DescribeTasks: MISSING for ${(0,duration/* formatDuration */.a3)(MISSING_FOR_MS)}); check cluster ${cluster}; nothing was deployed`, 'lost', { taskArn, lastLines: lastLines.toArray() });
                }
            }
            const left = deadline - ctx.clock.now();
            if (left <= 0) {
                ctx.log.warning(`migration: time-out after ${timeout}: stopping task ${taskId}`);
                const failedStop = await stop(`ecs-release: migration time-out (${timeout}) reached`);
                await follower?.drainAll().catch(() => 0);
                throw new MigrationError(`migration timed out: task ${taskId} was still ${status || 'starting'} after ${timeout} (migration-timeout), so ecs-release stopped it (StopTask)${failedStop ? `; ${failedStop}` : ''}. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lastLines.toArray())}`, 'timeout', { taskArn, lastLines: lastLines.toArray() });
            }
            // Pages still waiting: read on at once.
            if (!drained.atEnd)
                continue;
            delay = nextDelay(delay, drained.lines);
            await ctx.clock.sleep(Math.min(delay, left), ctx.signal);
        }
    }
    catch (error) {
        if (ctx.signal.aborted) {
            ctx.log.warning(`migration: cancelled: stopping task ${taskId}`);
            const failedStop = await stop('ecs-release: the release was cancelled');
            if (failedStop)
                ctx.log.error(`migration: ${failedStop}`);
            throw ctx.signal.reason ?? error;
        }
        if (error instanceof MigrationError)
            throw error;
        throw new MigrationError(`migration: lost track of task ${taskArn} (${errorText(error)}); it may still be running: \`aws ecs describe-tasks --cluster ${cluster} --tasks ${taskArn}\`. Nothing was deployed.`, 'lost', { taskArn, lastLines: lastLines.toArray() });
    }
    const ran = task?.startedAt !== undefined || task?.containers?.some((c) => c.exitCode !== undefined);
    if (follower && ran) {
        await follower.drainAll();
        for (let round = 0; round < DRAIN_GRACE_ROUNDS; round += 1) {
            await ctx.clock.sleep(DRAIN_GRACE_MS, ctx.signal);
            if ((await follower.drainAll()) === 0 && follower.found)
                break;
        }
        if (!follower.found) {
            ctx.log.notice(`migration: log stream ${follower.stream} does not exist in log group ${follower.group}: the container wrote nothing, or the task cannot write to that group`);
        }
    }
    const ms = ctx.clock.now() - startedAt;
    const outcome = task ? taskOutcome(task, target.container) : undefined;
    if (outcome?.ok) {
        ctx.log.info(`migration: task ${taskId} exited 0 after ${(0,duration/* formatDuration */.a3)(ms)}`);
        return { taskArn, ms };
    }
    const summary = outcome?.summary ?? 'the task stopped without a status';
    const lines = lastLines.toArray();
    throw new MigrationError(`migration failed: ${summary} (task ${taskId}, ${revision}). Nothing was deployed.${follower || lines.length > 0 ? tail(lines) : ''}`, outcome?.kind ?? 'lost', { taskArn, ...(outcome?.exitCode !== undefined && { exitCode: outcome.exitCode }), lastLines: lines });
}

;// CONCATENATED MODULE: ./src/migrate/runner-mode.ts









/** After SIGTERM, how long the migration gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 5000;
function killGroup(child, signal) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
        return;
    try {
        // The command runs in its own process group (detached), so `sh -c` children die with it.
        process.kill(-child.pid, signal);
    }
    catch {
        child.kill(signal);
    }
}
async function credentials(ctx, migration) {
    const secretId = migration.dbSecret;
    if (!secretId) {
        throw new MigrationError('migration-mode runner needs db-secret: the Secrets Manager ARN of the database credentials', 'config');
    }
    let text;
    try {
        const out = await ctx.aws.secrets.send(new client_secrets_manager_dist_cjs/* GetSecretValueCommand */.d2({ SecretId: secretId }), {
            abortSignal: ctx.signal,
        });
        text = out.SecretString;
    }
    catch (error) {
        if (ctx.signal.aborted)
            throw error;
        throw new MigrationError(`db-secret ${secretId}: GetSecretValue failed (${error.name}: ${error.message}); check the ARN, the region and that the role may read it`, 'config');
    }
    if (text === undefined) {
        throw new MigrationError(`db-secret ${secretId} holds binary data, not the JSON credentials`, 'config');
    }
    try {
        const secret = parseDbSecret(text, secretId);
        // Masked before anything else can print it.
        for (const form of secretForms(secret.password))
            ctx.mask(form);
        return secret;
    }
    catch (error) {
        throw new MigrationError(error.message, 'config');
    }
}
/**
 * Runner mode: the migration command runs here, next to the checkout, with
 * DATABASE_URL and PG* built from db-secret and the database's endpoint.
 */
async function runMigrationOnRunner(ctx, migration) {
    const secret = await credentials(ctx, migration);
    let endpoint;
    let database = secret.dbname;
    let where = 'the host in db-secret';
    if (ctx.config.database) {
        const info = await describeDatabase(ctx.aws.rds, ctx.config.database.instance, ctx.signal);
        if (info.endpoint) {
            endpoint = info.endpoint;
            where = `${describeKind(info)} "${info.id}"`;
        }
        database ??= info.dbName;
    }
    if (!endpoint && secret.host)
        endpoint = { host: secret.host, port: secret.port ?? 5432 };
    if (!endpoint) {
        throw new MigrationError('migration-mode runner: no database endpoint: set db-instance (its endpoint is looked up), or put host and port in db-secret', 'config');
    }
    const env = databaseEnv(secret, endpoint, database ?? 'postgres');
    const secrets = secretForms(secret.password);
    const [file, ...args] = migration.command;
    if (!file)
        throw new MigrationError('migration command is empty', 'config');
    ctx.log.info(`migration: running ${JSON.stringify(migration.command)} on the runner in ${ctx.workdir}, as ${secret.username} on ${endpoint.host}:${endpoint.port}/${env.PGDATABASE} (${where})`);
    const started = ctx.clock.now();
    const lastLines = new Ring(TAIL_LINES);
    const onLine = (raw) => {
        const line = redact(raw, secrets);
        lastLines.push(clip(line));
        ctx.log.info(`| ${line}`);
    };
    const child = (0,external_node_child_process_.spawn)(file, args, {
        cwd: ctx.workdir,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
    });
    const exited = new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal }));
    });
    if (child.stdout)
        (0,external_node_readline_.createInterface)({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
    if (child.stderr)
        (0,external_node_readline_.createInterface)({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
    const local = new AbortController();
    const onAbort = () => local.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted)
        local.abort(ctx.signal.reason);
    const timer = ctx.clock.sleep(migration.timeoutMs, local.signal).then(() => 'timeout', () => 'aborted');
    const stopChild = async () => {
        killGroup(child, 'SIGTERM');
        const grace = new AbortController();
        const done = await Promise.race([
            exited.then(() => true, () => true),
            ctx.clock.sleep(KILL_GRACE_MS, grace.signal).then(() => false, () => false),
        ]);
        grace.abort();
        if (!done)
            killGroup(child, 'SIGKILL');
        await exited.catch(() => undefined);
    };
    let result;
    try {
        result = await Promise.race([exited, timer]);
    }
    catch (error) {
        const e = error;
        throw new MigrationError(e.code === 'ENOENT'
            ? `migration: command "${file}" was not found on the runner (cwd ${ctx.workdir}); nothing was deployed`
            : `migration: could not start ${JSON.stringify(migration.command)} on the runner: ${e.message}; nothing was deployed`, 'not-started');
    }
    finally {
        ctx.signal.removeEventListener('abort', onAbort);
        local.abort();
    }
    const ms = ctx.clock.now() - started;
    if (result === 'aborted') {
        ctx.log.warning('migration: cancelled: stopping the migration process');
        await stopChild();
        throw ctx.signal.reason;
    }
    if (result === 'timeout') {
        const timeout = (0,duration/* formatDuration */.a3)(migration.timeoutMs);
        ctx.log.warning(`migration: time-out after ${timeout}: stopping the migration process`);
        await stopChild();
        throw new MigrationError(`migration timed out: ${JSON.stringify(migration.command)} was still running on the runner after ${timeout} (migration-timeout), so ecs-release killed it. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lastLines.toArray())}`, 'timeout', { lastLines: lastLines.toArray() });
    }
    if (result.code === 0) {
        ctx.log.info(`migration: exited 0 after ${(0,duration/* formatDuration */.a3)(ms)}`);
        return { ms };
    }
    const how = result.code !== null ? `exited with code ${result.code}` : `was killed by ${result.signal}`;
    throw new MigrationError(`migration failed: ${JSON.stringify(migration.command)} ${how} on the runner. Nothing was deployed.${tail(lastLines.toArray())}`, 'exit', { ...(result.code !== null && { exitCode: result.code }), lastLines: lastLines.toArray() });
}

;// CONCATENATED MODULE: ./src/migrate/should-migrate.ts
/**
 * Migrate when the migration container's image changes with this release (so a
 * re-run after a failed migration, whose service still runs the old image,
 * migrates again), or always when configured.
 */
function shouldMigrate(input) {
    const where = `container ${input.container} of service ${input.service}`;
    if (input.currentImage !== input.newImage) {
        return { migrate: true, detail: `${where} changes image to ${input.newImage ?? '(none)'}` };
    }
    if (input.always) {
        return { migrate: true, detail: `${where} keeps its image, but migration-always is set` };
    }
    return {
        migrate: false,
        detail: `skipped: ${where} keeps image ${input.currentImage ?? '(none)'}, so there is nothing new to migrate (set migration-always to run it anyway)`,
    };
}

;// CONCATENATED MODULE: ./src/migrate/target.ts

function revision(td) {
    return td.family && td.revision !== undefined
        ? `${td.family}:${td.revision}`
        : (td.taskDefinitionArn ?? 'unknown');
}
/**
 * The service whose new revision the migration runs in, and the container in
 * it: the configured one, else the service's only mapped container, else the
 * task definition's only container.
 */
function migrationTarget(config, render) {
    const rendered = render.services.find((s) => s.live.config.service === config.service);
    if (!rendered) {
        const names = render.services.map((s) => s.live.config.service).join(', ');
        throw new MigrationError(`migrations.service "${config.service}" is not one of this release's services (${names || 'none'}): name the service whose task definition runs the migration`, 'config');
    }
    const td = rendered.live.taskDefinition;
    const inDefinition = (td.containerDefinitions ?? []).map((c) => c.name ?? '');
    if (config.container !== undefined) {
        if (!inDefinition.includes(config.container)) {
            throw new MigrationError(`migrations.container "${config.container}" is not a container of ${revision(td)} (service ${config.service}); its containers: ${inDefinition.join(', ')}`, 'config');
        }
        return { rendered, container: config.container };
    }
    const mapped = rendered.live.containers.map((c) => c.container);
    const only = mapped.length === 1 ? mapped[0] : inDefinition.length === 1 ? inDefinition[0] : undefined;
    if (only === undefined) {
        throw new MigrationError(`migrations.container is needed: ${revision(td)} (service ${config.service}) has several containers (${inDefinition.join(', ')}); say which one runs the migration`, 'config');
    }
    return { rendered, container: only };
}
function containerImage(td, container) {
    return td.containerDefinitions?.find((c) => c.name === container)?.image;
}

;// CONCATENATED MODULE: ./src/migrate/index.ts










/** The revision the release deploys: the one render registered, or the running one when unchanged. */
async function newDefinition(ctx, rendered) {
    if (rendered.targetArn === rendered.previousArn)
        return rendered.live.taskDefinition;
    const out = await ctx.aws.ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: rendered.targetArn }), {
        abortSignal: ctx.signal,
    });
    if (!out.taskDefinition) {
        throw new MigrationError(`migration: task definition ${rendered.targetArn} was not found`, 'config');
    }
    return out.taskDefinition;
}
/**
 * Migrate stage: runs the migration command against the database when the
 * migration container's image changes (or always, when configured), after a
 * snapshot when `db-snapshot` is set. A failure throws (MigrationError) before
 * any service changes; migrations are never rolled back.
 */
async function runMigration(ctx, input) {
    const migration = ctx.config.migration;
    if (!migration || migration.command.length === 0) {
        ctx.log.info('migration: no migration command configured');
        return { outcome: 'skipped', detail: 'no migration command configured' };
    }
    const target = migrationTarget(migration, input.render);
    const { rendered, container } = target;
    const definition = await newDefinition(ctx, rendered);
    const decision = shouldMigrate({
        service: rendered.live.config.service,
        container,
        currentImage: containerImage(rendered.live.taskDefinition, container),
        newImage: containerImage(definition, container),
        always: migration.always,
    });
    ctx.log.info(`migration: ${decision.detail}`);
    if (!decision.migrate)
        return { outcome: 'skipped', detail: decision.detail };
    const snapshot = ctx.config.database?.snapshot ? await snapshotDatabase(ctx) : undefined;
    const snapshotNote = snapshot ? `; snapshot ${snapshot.id} taken before it` : '';
    if (migration.mode === 'runner') {
        const { ms } = await runMigrationOnRunner(ctx, migration);
        return {
            outcome: 'succeeded',
            detail: `ran on the runner in ${(0,duration/* formatDuration */.a3)(ms)} (exit code 0)${snapshotNote}`,
            ...(snapshot && { snapshot }),
        };
    }
    const { taskArn, ms } = await runMigrationTask(ctx, target, definition, migration);
    return {
        outcome: 'succeeded',
        detail: `task ${taskArn.split('/').pop()} of ${definition.family}:${definition.revision} exited 0 after ${(0,duration/* formatDuration */.a3)(ms)}${snapshotNote}`,
        taskArn,
        ...(snapshot && { snapshot }),
    };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js
var client_cloudwatch_dist_cjs = __webpack_require__(44085);
;// CONCATENATED MODULE: ./src/preflight/findings.ts
function newFindings() {
    return { problems: [], warnings: [] };
}
function findings_errorText(error) {
    if (error instanceof Error)
        return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
    return String(error);
}
/** Every problem at once, so one run shows the user everything to fix. */
class PreflightError extends Error {
    problems;
    constructor(problems) {
        const n = problems.length;
        super(`Preflight found ${n} problem${n === 1 ? '' : 's'}; nothing was changed in AWS:\n${problems
            .map((p) => `  - ${p}`)
            .join('\n')}`);
        this.name = 'PreflightError';
        this.problems = problems;
    }
}

;// CONCATENATED MODULE: ./src/preflight/containers.ts
/** Resolves each mapping's container against the task definition, naming the choices when it cannot. */
function resolveContainers(service, td, mappings) {
    const names = (td.containerDefinitions ?? []).map((c) => c.name ?? '');
    const where = `service ${service}: task definition ${td.family}:${td.revision}`;
    const choices = names.map((n) => `"${n}"`).join(', ');
    const containers = [];
    const problems = [];
    for (const m of mappings) {
        if (m.container === undefined) {
            const only = names.length === 1 ? names[0] : undefined;
            if (only === undefined) {
                problems.push(`${where} has ${names.length} containers (${choices}); name the one that runs image "${m.image}" ` +
                    '(the <key>-container input, or containers: { <container>: <key> } in the config).');
            }
            else
                containers.push({ container: only, image: m.image });
        }
        else if (!names.includes(m.container)) {
            problems.push(`${where} has no container "${m.container}"; its containers are ${choices}. Fix the container name for image "${m.image}".`);
        }
        else
            containers.push({ container: m.container, image: m.image });
    }
    const seen = new Set();
    for (const c of containers) {
        if (seen.has(c.container))
            problems.push(`service ${service}: container "${c.container}" is mapped to more than one image.`);
        seen.add(c.container);
    }
    return { containers, problems };
}
const ARCH = { X86_64: 'amd64', ARM64: 'arm64' };
/** The architecture a task definition runs on, when it says or when Fargate implies it. */
function taskArchitecture(td) {
    const declared = td.runtimePlatform?.cpuArchitecture;
    if (declared)
        return ARCH[declared] ?? declared.toLowerCase();
    // Fargate without runtimePlatform runs Linux on X86_64; EC2 depends on the instances (unknown here).
    return td.requiresCompatibilities?.includes('FARGATE') ? 'amd64' : undefined;
}
/** An image built for another CPU starts and dies with `exec format error`: refuse before building. */
function checkPlatform(service, td, containers, images) {
    const problems = [];
    const arch = taskArchitecture(td);
    const os = td.runtimePlatform?.operatingSystemFamily;
    for (const c of containers) {
        const image = images.find((i) => i.key === c.image);
        if (!image)
            continue;
        const [imageOs, imageArch] = image.platform.split('/');
        if (os && os !== 'LINUX' && imageOs === 'linux') {
            problems.push(`service ${service}: task definition ${td.family}:${td.revision} runs ${os}, but image "${c.image}" is built for ${image.platform}.`);
        }
        if (arch && imageArch && arch !== imageArch) {
            problems.push(`service ${service}: task definition ${td.family}:${td.revision} runs on ${td.runtimePlatform?.cpuArchitecture ?? 'X86_64 (Fargate default)'}, ` +
                `but image "${c.image}" is built for ${image.platform}; set platform to linux/${arch} (or change the task definition's runtimePlatform).`);
        }
    }
    return problems;
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(71695);
;// CONCATENATED MODULE: ./src/preflight/identity.ts



const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Credentials, region and (when the environment pins one) the account. Returns the account id. */
async function checkIdentity(ctx, f) {
    const { region, accountId, environment } = ctx.config;
    if (!REGION.test(region)) {
        f.problems.push(`region: "${region}" is not an AWS region name (like eu-west-1); set aws-region or the config's region.`);
        return undefined;
    }
    let account;
    let arn;
    try {
        const out = await ctx.aws.sts.send(new client_sts_dist_cjs/* GetCallerIdentityCommand */.zI({}), { abortSignal: ctx.signal });
        account = out.Account;
        arn = out.Arn;
    }
    catch (error) {
        f.problems.push(`AWS credentials: sts:GetCallerIdentity failed in ${region} (${findings_errorText(error)}). Configure credentials ` +
            'before this step (aws-actions/configure-aws-credentials with role-to-assume, or AWS_PROFILE locally).');
        return undefined;
    }
    if (accountId !== undefined && account !== accountId) {
        f.problems.push(`account: the credentials belong to account ${account ?? '?'} (${arn ?? '?'}), but environment ` +
            `"${environment}" pins account-id ${accountId}. Assume a role in account ${accountId}, or correct ` +
            `environments.${environment}.account-id.`);
    }
    return account;
}
/**
 * The longest this run can take after preflight: a migration, the rollout, the
 * bake, then a rollback's rollout. Builds are not counted: they have no bound.
 */
function worstCaseMs(config) {
    return (config.migration?.timeoutMs ?? 0) + 2 * config.gate.waitTimeoutMs + config.gate.bakeTimeMs;
}
/** Credentials that expire mid-release leave services half-deployed: warn before anything changes. */
async function checkCredentialLifetime(ctx, f) {
    let expiration;
    try {
        const provider = ctx.aws.sts.config.credentials;
        const identity = await provider();
        expiration = identity.expiration;
    }
    catch {
        return; // the identity check reports unusable credentials
    }
    if (!expiration)
        return;
    const remaining = expiration.getTime() - ctx.clock.now();
    const needed = worstCaseMs(ctx.config);
    if (remaining < needed) {
        f.warnings.push(`AWS credentials expire in ${(0,duration/* formatDuration */.a3)(Math.max(0, remaining))} (at ${expiration.toISOString()}), ` +
            `but this run may need up to ${(0,duration/* formatDuration */.a3)(needed)} plus the builds (migration timeout + wait-timeout ` +
            "+ bake-time + a rollback's wait-timeout). Raise the role session duration (role-duration-seconds) or " +
            'shorten the timeouts.');
    }
}

;// CONCATENATED MODULE: ./src/aws/arn.ts
/** The readable end of an ARN: `demo-api:7` of a task definition, the id of a task. */
function shortArn(arn) {
    return arn === undefined ? '?' : (arn.split('/').pop() ?? arn);
}

;// CONCATENATED MODULE: ./src/preflight/service-checks.ts


/** Deployment controllers and strategies ecs-release cannot watch by deployment id: refuse, never half-support. */
function serviceRefusals(name, s) {
    const problems = [];
    if (s.status !== 'ACTIVE') {
        problems.push(`service ${name} is ${s.status ?? 'not ACTIVE'}; only an ACTIVE service can be deployed.`);
    }
    const controller = s.deploymentController?.type ?? 'ECS';
    if (controller !== 'ECS') {
        const how = controller === 'CODE_DEPLOY'
            ? 'it is deployed by CodeDeploy (blue/green); deploy it with CodeDeploy, or switch its deployment controller to ECS'
            : 'its deployments are driven by an external controller (task sets); switch its deployment controller to ECS';
        problems.push(`service ${name} has deployment controller ${controller}: ${how}. ecs-release only runs ECS rolling deployments.`);
    }
    const strategy = s.deploymentConfiguration?.strategy;
    if (strategy && strategy !== 'ROLLING') {
        problems.push(`service ${name} uses the ${strategy} deployment strategy; ecs-release only runs ROLLING deployments ` +
            '(set deploymentConfiguration.strategy to ROLLING, or deploy this service another way).');
    }
    return problems;
}
function hasCircuitBreaker(s) {
    return s.deploymentConfiguration?.deploymentCircuitBreaker?.enable === true;
}
/** The deployment that defines what the service runs now. */
function primaryDeployment(s) {
    return s.deployments?.find((d) => d.status === 'PRIMARY');
}
/** Deployments still moving: anything besides one settled PRIMARY. */
function inFlight(s) {
    const deployments = s.deployments ?? [];
    if (deployments.length > 1)
        return deployments;
    return deployments.filter((d) => d.rolloutState === 'IN_PROGRESS');
}
/** Who/what is deploying: the deployment, its task definition, when, and the release record when ecs-release made it. */
function describeInFlight(name, deployments, tagsByArn) {
    const parts = deployments.map((d) => {
        const tags = tagsByArn.get(d.taskDefinition ?? '') ?? [];
        const tag = (key) => tags.find((t) => t.key === key)?.value;
        const release = tag(TAGS.release);
        const run = tag(TAGS.run);
        const by = release
            ? `, registered by ecs-release for release ${release}${run ? ` (${run})` : ''}`
            : ', not registered by ecs-release (a console change, another tool or pipeline)';
        const state = [d.status, d.rolloutState].filter(Boolean).join(' ');
        return (`${d.id ?? '?'} (${state}) of task definition ${shortArn(d.taskDefinition)}, created ` +
            `${d.createdAt?.toISOString() ?? 'at an unknown time'}${by}`);
    });
    return (`service ${name}: another deployment is in flight: ${parts.join('; ')}. Wait for it to finish ` +
        '(aws ecs wait services-stable) or stop it, then run again.');
}

/**
 * A running revision that another ecs-release run registered and has not yet
 * recorded an outcome on: that run may still be baking or rolling back, even
 * though its ECS deployments look finished. Deploying over it would interleave two
 * releases. Older than `windowMs` (the worst case of a run), it is a run that was
 * killed, and no longer blocks. `rollback` skips this check: it is the way out.
 */
function unfinishedRelease(name, tags, registeredAt, context) {
    const value = (key) => tags.find((t) => t.key === key)?.value;
    const other = value(TAGS.release);
    if (!other || other === context.release || other === 'baseline' || value(TAGS.outcome))
        return undefined;
    const age = context.now - (registeredAt?.getTime() ?? 0);
    if (age > context.windowMs)
        return undefined;
    const run = value(TAGS.run);
    return (`service ${name}: it runs release ${other}${run ? ` (${run})` : ''}, registered ${Math.round(age / 60_000)} min ago, ` +
        'which has not recorded an outcome yet: that run may still be gating or rolling back. Wait for it to finish; ' +
        'if it was killed, record what happened first, e.g. aws ecs tag-resource --region ' +
        `${context.region} --resource-arn <its task definition ARN> --tags key=${TAGS.outcome},value=failed`);
}

;// CONCATENATED MODULE: ./src/preflight/services.ts





function chunks(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size)
        out.push(items.slice(i, i + size));
    return out;
}
/** The cluster, every service, and the revision each runs now. */
async function checkServices(ctx, f) {
    const { cluster, region, services: configured } = ctx.config;
    const ecs = ctx.aws.ecs;
    const opts = { abortSignal: ctx.signal };
    try {
        const out = await ecs.send(new dist_cjs/* DescribeClustersCommand */._2_({ clusters: [cluster] }), opts);
        const found = out.clusters?.[0];
        if (!found) {
            f.problems.push(`cluster: "${cluster}" was not found in ${region}; check the cluster name and region (aws ecs list-clusters --region ${region}).`);
            return [];
        }
        if (found.status !== 'ACTIVE') {
            f.problems.push(`cluster: "${cluster}" is ${found.status ?? 'not ACTIVE'}; deploy to an ACTIVE cluster.`);
            return [];
        }
    }
    catch (error) {
        f.problems.push(`cluster: ecs:DescribeClusters for "${cluster}" failed (${findings_errorText(error)}).`);
        return [];
    }
    const byName = new Map();
    for (const batch of chunks(configured.map((s) => s.service), 10)) {
        try {
            const out = await ecs.send(new dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: batch }), opts);
            for (const s of out.services ?? [])
                if (s.serviceName)
                    byName.set(s.serviceName, s);
        }
        catch (error) {
            f.problems.push(`services ${batch.join(', ')}: ecs:DescribeServices failed (${findings_errorText(error)}).`);
            return [];
        }
    }
    const wanted = [];
    const busy = [];
    for (const config of configured) {
        const service = byName.get(config.service);
        if (!service || service.status === 'INACTIVE') {
            f.problems.push(`service ${config.service} was not found in cluster ${cluster} (${region}); check the service name ` +
                `(aws ecs list-services --cluster ${cluster}).`);
            continue;
        }
        const refusals = serviceRefusals(config.service, service);
        f.problems.push(...refusals);
        if (refusals.length > 0)
            continue;
        const moving = inFlight(service);
        if (moving.length > 0)
            busy.push({ name: config.service, deployments: moving });
        if (!hasCircuitBreaker(service)) {
            f.warnings.push(`service ${config.service} has no deployment circuit breaker: a new revision whose tasks never get healthy ` +
                'is only noticed at wait-timeout. Enable deploymentCircuitBreaker (with rollback) on the service.');
        }
        const arn = primaryDeployment(service)?.taskDefinition ?? service.taskDefinition;
        if (!arn) {
            f.problems.push(`service ${config.service} has no task definition (no PRIMARY deployment).`);
            continue;
        }
        wanted.push({ config, service, arn });
    }
    // One DescribeTaskDefinition per distinct revision: services may share one.
    const arns = new Set([
        ...wanted.map((w) => w.arn),
        ...busy.flatMap((b) => b.deployments.map((d) => d.taskDefinition ?? '')).filter(Boolean),
    ]);
    const described = new Map();
    await Promise.all([...arns].map(async (arn) => {
        try {
            const out = await ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: arn, include: ['TAGS'] }), opts);
            if (out.taskDefinition)
                described.set(arn, { td: out.taskDefinition, tags: out.tags ?? [] });
        }
        catch (error) {
            described.set(arn, error instanceof Error ? error : new Error(String(error)));
        }
    }));
    const tagsByArn = new Map();
    for (const [arn, d] of described)
        if (!(d instanceof Error))
            tagsByArn.set(arn, d.tags);
    for (const b of busy)
        f.problems.push(describeInFlight(b.name, b.deployments, tagsByArn));
    const live = [];
    for (const w of wanted) {
        const d = described.get(w.arn);
        if (!d || d instanceof Error) {
            f.problems.push(`service ${w.config.service}: its task definition ${shortArn(w.arn)} could not be described` +
                `${d ? ` (${findings_errorText(d)})` : ''}.`);
            continue;
        }
        // A deployment in flight is already reported, with who started it.
        if (ctx.config.command === 'deploy' && !busy.some((b) => b.name === w.config.service)) {
            const unfinished = unfinishedRelease(w.config.service, d.tags, d.td.registeredAt, {
                release: ctx.config.release,
                now: ctx.clock.now(),
                windowMs: worstCaseMs(ctx.config),
                region,
            });
            if (unfinished)
                f.problems.push(unfinished);
        }
        const { containers, problems } = resolveContainers(w.config.service, d.td, w.config.containers);
        f.problems.push(...problems, ...checkPlatform(w.config.service, d.td, containers, ctx.config.images));
        live.push({
            config: w.config,
            arn: w.service.serviceArn ?? w.config.service,
            service: w.service,
            taskDefinition: d.td,
            taskDefinitionTags: d.tags,
            containers,
        });
    }
    return live;
}

;// CONCATENATED MODULE: ./src/preflight/alarms.ts




function fromMetric(a) {
    const periods = [a.Period, ...(a.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period)].filter((p) => typeof p === 'number');
    const period = periods.length > 0 ? Math.max(...periods) : undefined;
    return {
        name: a.AlarmName ?? '',
        type: 'metric',
        state: a.StateValue ?? 'INSUFFICIENT_DATA',
        ...(a.StateReason !== undefined && { reason: a.StateReason }),
        ...(a.StateUpdatedTimestamp !== undefined && { since: a.StateUpdatedTimestamp }),
        ...(period !== undefined && { windowSeconds: period * (a.EvaluationPeriods ?? 1) }),
    };
}
function fromComposite(a) {
    return {
        name: a.AlarmName ?? '',
        type: 'composite',
        state: a.StateValue ?? 'INSUFFICIENT_DATA',
        ...(a.StateReason !== undefined && { reason: a.StateReason }),
        ...(a.StateUpdatedTimestamp !== undefined && { since: a.StateUpdatedTimestamp }),
    };
}
/** DescribeAlarms with both alarm types (omitting AlarmTypes returns metric alarms only). */
async function describe(ctx, input) {
    const out = [];
    const pages = (0,client_cloudwatch_dist_cjs/* paginateDescribeAlarms */.hNb)({ client: ctx.aws.cloudwatch, pageSize: 100 }, { ...input, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    for await (const page of pages) {
        out.push(...(page.MetricAlarms ?? []).map(fromMetric), ...(page.CompositeAlarms ?? []).map(fromComposite));
    }
    return out;
}
/** Names and prefix are separate calls: the API refuses AlarmNames together with AlarmNamePrefix. */
async function lookUpAlarms(ctx, f) {
    const { alarms, alarmPrefix } = ctx.config.gate;
    try {
        const byName = [];
        for (const batch of chunks([...new Set(alarms)], 100))
            byName.push(...(await describe(ctx, { AlarmNames: batch })));
        const byPrefix = alarmPrefix ? await describe(ctx, { AlarmNamePrefix: alarmPrefix }) : [];
        return { byName, byPrefix };
    }
    catch (error) {
        f.problems.push(`gate alarms: cloudwatch:DescribeAlarms failed (${findings_errorText(error)}).`);
        return undefined;
    }
}
/** Judges the gate alarms; returns every alarm name the gate will watch. */
function evaluateAlarms(gate, found, f) {
    const named = new Set(found.byName.map((a) => a.name));
    for (const name of gate.alarms) {
        if (!named.has(name)) {
            f.problems.push(`gate alarm "${name}" does not exist (neither a metric nor a composite alarm) in this region; fix its name under alarms.`);
        }
    }
    if (gate.alarmPrefix !== undefined && found.byPrefix.length === 0) {
        f.problems.push(`alarm-prefix "${gate.alarmPrefix}" matches no CloudWatch alarm in this region; a gate with no alarms ` +
            'would pass anything. Fix the prefix, or remove it.');
    }
    const all = new Map();
    for (const a of [...found.byName, ...found.byPrefix])
        all.set(a.name, a);
    const sorted = [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const a of sorted) {
        if (a.state === 'ALARM') {
            f.problems.push(`gate alarm "${a.name}" is in ALARM${a.since ? ` since ${a.since.toISOString()}` : ''}` +
                `${a.reason ? ` (${a.reason})` : ''}; a release cannot be judged while it fires. Fix the cause or wait for it to clear.`);
        }
        if (a.windowSeconds !== undefined && gate.bakeTimeMs < a.windowSeconds * 1000) {
            f.warnings.push(`bake-time ${(0,duration/* formatDuration */.a3)(gate.bakeTimeMs)} is shorter than alarm "${a.name}"'s evaluation window ` +
                `(period × evaluation periods = ${(0,duration/* formatDuration */.a3)(a.windowSeconds * 1000)}): it may not fire before the bake ends.`);
        }
    }
    return sorted.map((a) => a.name);
}

;// CONCATENATED MODULE: ./src/preflight/repositories.ts


/** ECR repositories by image key: whether each exists, and its URI either way. */
async function checkRepositories(ctx, account, f) {
    const { images, region, createRepositories } = ctx.config;
    const names = [...new Set(images.map((i) => i.repository))];
    const found = new Map();
    await Promise.all(names.map(async (name) => {
        try {
            const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* DescribeRepositoriesCommand */.pE_({ repositoryNames: [name] }), {
                abortSignal: ctx.signal,
            });
            found.set(name, out.repositories?.[0]?.repositoryUri ?? null);
        }
        catch (error) {
            if (error instanceof Error && error.name === 'RepositoryNotFoundException')
                found.set(name, null);
            else
                f.problems.push(`ECR repository ${name}: ecr:DescribeRepositories failed (${findings_errorText(error)}).`);
        }
    }));
    // A missing repository's URI uses the registry of the ones that exist (one registry per account and region).
    const known = [...found.values()].find((u) => typeof u === 'string');
    const host = known ? known.split('/')[0] : `${account ?? '<account>'}.dkr.ecr.${region}.amazonaws.com`;
    const out = {};
    for (const image of images) {
        const uri = found.get(image.repository);
        const exists = typeof uri === 'string';
        out[image.key] = { name: image.repository, uri: exists ? uri : `${host}/${image.repository}`, exists };
        if (!exists && found.has(image.repository) && !createRepositories) {
            f.problems.push(`ECR repository ${image.repository} (image "${image.key}") does not exist in ${region}, and ` +
                'create-repositories is false. Create it: aws ecr create-repository --repository-name ' +
                `${image.repository} --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true ` +
                `--region ${region} (or set create-repositories: true).`);
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/preflight/index.ts








async function runPreflight(ctx, options = {}) {
    const f = newFindings();
    const account = await checkIdentity(ctx, f);
    // Without working credentials every other call fails the same way: one clear problem is enough.
    if (account === undefined)
        throw new PreflightError(f.problems);
    const [services, repositories, alarms] = await Promise.all([
        checkServices(ctx, f),
        checkRepositories(ctx, account, f),
        lookUpAlarms(ctx, f),
        checkCredentialLifetime(ctx, f),
    ]);
    const result = {
        accountId: account ?? '',
        services,
        repositories,
        alarms: alarms ? evaluateAlarms(ctx.config.gate, alarms, f) : [],
        warnings: f.warnings,
    };
    for (const check of options.checks ?? []) {
        const extra = await check(ctx, result);
        f.problems.push(...(extra.problems ?? []));
        f.warnings.push(...(extra.warnings ?? []));
    }
    for (const w of f.warnings)
        ctx.log.warning(w);
    if (f.problems.length > 0)
        throw new PreflightError(f.problems);
    ctx.log.info(`preflight: account ${result.accountId}, cluster ${ctx.config.cluster}, ${services.length} service` +
        `${services.length === 1 ? '' : 's'} (${services
            .map((s) => `${s.config.service} runs ${s.taskDefinition.family}:${s.taskDefinition.revision}`)
            .join(', ')}), ${result.alarms.length} gate alarm${result.alarms.length === 1 ? '' : 's'}`);
    return result;
}

;// CONCATENATED MODULE: ./src/render/task-definition.ts

/** What ECS adds to a registered revision; RegisterTaskDefinition refuses or ignores these. */
const READ_ONLY = new Set([
    'taskDefinitionArn',
    'revision',
    'status',
    'requiresAttributes',
    'compatibilities',
    'registeredAt',
    'registeredBy',
    'deregisteredAt',
    'deleteRequestedAt',
]);
const RECORD_PREFIX = 'ecs-release:';
/** Tags the release sets itself (a previous revision's are replaced, its outcome never carried over). */
function isRecordTag(key) {
    return key?.startsWith(RECORD_PREFIX) === true;
}
/** `aws:` tags (CloudFormation's, for one) cannot be set by anyone but AWS: carrying them over fails the registration. */
function isReserved(key) {
    return key?.toLowerCase().startsWith('aws:') === true;
}
function recordTags(record) {
    return [
        { key: TAGS.release, value: record.release },
        { key: TAGS.commit, value: record.commit },
        { key: TAGS.environment, value: record.environment },
        ...(record.runUrl ? [{ key: TAGS.run, value: record.runUrl }] : []),
    ];
}
/** Every field a RegisterTaskDefinition call accepts, copied from a described revision. */
function registrableFields(td) {
    const out = {};
    for (const [k, v] of Object.entries(td))
        if (!READ_ONLY.has(k) && v !== undefined)
            out[k] = structuredClone(v);
    return out;
}
function renderTaskDefinition(running, runningTags, mappings, images, record) {
    const input = registrableFields(running);
    const containers = input.containerDefinitions ?? [];
    for (const m of mappings) {
        const image = images[m.image];
        if (image === undefined)
            throw new Error(`no image reference for image key "${m.image}" (container ${m.container})`);
        const c = containers.find((x) => x.name === m.container);
        if (!c)
            throw new Error(`task definition ${running.family}:${running.revision} has no container "${m.container}"`);
        c.image = image;
    }
    const kept = runningTags.filter((t) => !isRecordTag(t.key) && !isReserved(t.key));
    return { ...input, tags: [...kept, ...recordTags(record)] };
}
/** Drops what does not change a revision's meaning: absent vs empty, and ECS's read-only fields. */
function normalize(value) {
    if (Array.isArray(value)) {
        const items = value.map(normalize).filter((v) => v !== undefined);
        return items.length > 0 ? items : undefined;
    }
    if (value instanceof Date)
        return value.toISOString();
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const k of Object.keys(value).sort()) {
            const v = normalize(value[k]);
            if (v !== undefined)
                out[k] = v;
        }
        return Object.keys(out).length > 0 ? out : undefined;
    }
    return value === null ? undefined : value;
}
/** The registrable content of a revision plus its non-record tags, ready to compare or diff. */
function comparable(td) {
    const fields = {};
    for (const [k, v] of Object.entries(td))
        if (!READ_ONLY.has(k) && k !== 'tags')
            fields[k] = v;
    const tags = (td.tags ?? [])
        .filter((t) => !isRecordTag(t.key) && !isReserved(t.key))
        .map((t) => `${t.key ?? ''}=${t.value ?? ''}`)
        .sort();
    return { ...normalize(fields), ...(tags.length > 0 && { tags }) };
}
/** "Did not change" (SPEC section 1): equal registrable fields, record tags left out. */
function sameDefinition(a, b) {
    return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

;// CONCATENATED MODULE: ./src/render/diff.ts

/** Flattens a revision into `path → value`, containers keyed by name so reordering reads as what it is. */
function flatten(td) {
    const out = new Map();
    const walk = (path, value) => {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            for (const [k, v] of Object.entries(value))
                walk(path ? `${path}.${k}` : k, v);
        }
        else if (value !== undefined)
            out.set(path, JSON.stringify(value));
    };
    for (const [k, v] of Object.entries(td)) {
        // Tags are diffed on their own, below.
        if (READ_ONLY.has(k) || k === 'tags')
            continue;
        if (k === 'containerDefinitions' && Array.isArray(v)) {
            for (const c of v)
                walk(`container "${c.name ?? '?'}"`, normalize(c));
        }
        else
            walk(k, normalize(v));
    }
    return out;
}
function tagMap(tags) {
    return new Map((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
}
/** Human-readable differences between two revisions, one line per changed field or tag; '' when equal. */
function diffTaskDefinitions(before, after) {
    const lines = [];
    const a = flatten(before);
    const b = flatten(after);
    for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        const x = a.get(key);
        const y = b.get(key);
        if (x === y)
            continue;
        if (x === undefined)
            lines.push(`+ ${key}: ${y}`);
        else if (y === undefined)
            lines.push(`- ${key}: ${x}`);
        else
            lines.push(`~ ${key}: ${x} → ${y}`);
    }
    const ta = tagMap(before.tags);
    const tb = tagMap(after.tags);
    for (const key of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
        const x = ta.get(key);
        const y = tb.get(key);
        if (x === y)
            continue;
        if (x === undefined)
            lines.push(`+ tag ${key}=${y}`);
        else if (y === undefined)
            lines.push(`- tag ${key}=${x}`);
        else
            lines.push(`~ tag ${key}: ${x} → ${y}`);
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/render/plan.ts


/**
 * What deploy would do, per service, for `plan`. `references` are image
 * references by key: `repo@sha256:…` when known, else `<repository>:<content key>`
 * for an image not built yet.
 */
function describePlan(preflight, references, record) {
    const blocks = [...preflight.services]
        .sort((a, b) => a.config.wave - b.config.wave || a.config.service.localeCompare(b.config.service))
        .map((live) => {
        const td = live.taskDefinition;
        const running = { ...td, tags: live.taskDefinitionTags };
        const rendered = renderTaskDefinition(td, live.taskDefinitionTags, live.containers, references, record);
        const head = `service ${live.config.service} (wave ${live.config.wave}) runs ${td.family}:${td.revision}`;
        if (sameDefinition(running, rendered)) {
            return `${head}\n  unchanged: nothing would be registered or updated`;
        }
        const diff = diffTaskDefinitions(running, rendered)
            .split('\n')
            .map((l) => `    ${l}`)
            .join('\n');
        return `${head}\n  would register a new revision of ${td.family} and update the service:\n${diff}`;
    });
    return blocks.join('\n');
}

;// CONCATENATED MODULE: ./src/render/index.ts
/**
 * Render (SPEC 3.4): each service's new revision from the one it runs now, and
 * only the changed ones registered.
 */








function releaseRecord(config) {
    return {
        release: config.release,
        commit: config.commit,
        environment: config.environment,
        ...(config.runUrl !== undefined && { runUrl: config.runUrl }),
    };
}
async function renderRelease(ctx, preflight, images) {
    const references = Object.fromEntries(Object.entries(images).map(([k, v]) => [k, v.reference]));
    const record = releaseRecord(ctx.config);
    // Services running the same revision with the same mappings share one new revision.
    const registered = new Map();
    const services = await Promise.all(preflight.services.map(async (live) => {
        const td = live.taskDefinition;
        const previousArn = td.taskDefinitionArn ?? '';
        const running = { ...td, tags: live.taskDefinitionTags };
        const input = renderTaskDefinition(td, live.taskDefinitionTags, live.containers, references, record);
        if (sameDefinition(running, input)) {
            ctx.log.info(`${live.config.service}: unchanged, keeps ${shortArn(previousArn)}`);
            return { live, previousArn, targetArn: previousArn, changed: false };
        }
        const key = JSON.stringify(input);
        let arn = registered.get(key);
        if (!arn) {
            arn = register(ctx, input);
            registered.set(key, arn);
        }
        const targetArn = await arn;
        ctx.log.info(`${live.config.service}: registered ${shortArn(targetArn)} (was ${shortArn(previousArn)})`);
        ctx.log.debug(diffTaskDefinitions(running, input));
        return { live, previousArn, targetArn, changed: true };
    }));
    return { services };
}
async function register(ctx, input) {
    try {
        const out = await ctx.aws.ecs.send(new dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input), { abortSignal: ctx.signal });
        const arn = out.taskDefinition?.taskDefinitionArn;
        if (!arn)
            throw new Error('the response carried no taskDefinitionArn');
        return arn;
    }
    catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`Registering the new revision of task definition family ${input.family} failed: ${why}. ` +
            'Check the role has ecs:RegisterTaskDefinition and ecs:TagResource (and iam:PassRole for its roles).');
    }
}
/** The services this release moves: only those whose revision changed. */
function rolloutTargets(render) {
    return render.services
        .filter((s) => s.changed)
        .map((s) => ({
        service: s.live.config.service,
        taskDefinitionArn: s.targetArn,
        wave: s.live.config.wave,
    }));
}
/**
 * The first release marks the revisions it replaces as release `baseline`, outcome
 * `succeeded`, so `rollback` has somewhere to go from the first release on.
 * Returns the revisions tagged (those that carried no release record).
 */
async function tagBaseline(ctx, preflight) {
    const untagged = new Set(preflight.services
        .filter((s) => !s.taskDefinitionTags.some((t) => t.key === TAGS.release))
        .map((s) => s.taskDefinition.taskDefinitionArn ?? '')
        .filter(Boolean));
    for (const arn of untagged) {
        await ctx.aws.ecs.send(new dist_cjs/* TagResourceCommand */.eqU({
            resourceArn: arn,
            tags: [
                { key: TAGS.release, value: 'baseline' },
                { key: TAGS.outcome, value: 'succeeded' },
                { key: TAGS.environment, value: ctx.config.environment },
            ],
        }), { abortSignal: ctx.signal });
        ctx.log.info(`tagged ${shortArn(arn)} as release baseline (what ran before ecs-release's first release)`);
    }
    return [...untagged];
}

;// CONCATENATED MODULE: ./src/rollout/read-budget.ts
/**
 * A token bucket for ECS read calls, shared by everything one watch loop reads.
 * Polls leave a reserve in the bucket, so the few reads a decision needs (the
 * new tasks' targets at completion, the stopped tasks at a failure) run at once
 * instead of waiting a poll interval; everything together stays under `rate`.
 */
class ReadBudget {
    clock;
    rate;
    capacity;
    tokens;
    at;
    constructor(clock, 
    /** Sustained ECS reads per second. */
    rate = 0.8, 
    /** Bucket size: the most reads that may happen back to back. */
    capacity = 3, 
    /** Starting low keeps short watches under `rate` too (nothing completes in a deployment's first seconds). */
    initial = 1) {
        this.clock = clock;
        this.rate = rate;
        this.capacity = capacity;
        this.tokens = initial;
        this.at = clock.now();
    }
    refill() {
        const now = this.clock.now();
        this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.rate);
        this.at = now;
    }
    /** Waits until `count` reads fit while leaving `reserve` tokens, then spends them. */
    async take(count, signal, reserve = 0) {
        this.refill();
        const needed = Math.min(this.capacity, count + reserve);
        if (this.tokens < needed) {
            await this.clock.sleep(Math.ceil(((needed - this.tokens) / this.rate) * 1000), signal);
            this.refill();
        }
        this.tokens -= count;
    }
}

;// CONCATENATED MODULE: ./src/rollout/start.ts

function primaryOf(service, taskDefinitionArn) {
    const deployments = service?.deployments ?? [];
    return (deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn) ??
        deployments.find((d) => d.status === 'PRIMARY'));
}
/**
 * UpdateService with only the cluster, the service and the task definition
 * (desiredCount, autoscaling and the rest stay as they are), for a rollout and a
 * rollback alike. Returns the deployment it started, the deployments the service
 * already had (ECS's own rollback goes to one of those; anyone else's is new), and
 * the event ids its answer carried, so the watch prints only new events.
 * Not tied to the run's abort signal: a cancelled run must know exactly which updates happened.
 */
async function startDeployment(ctx, service, taskDefinitionArn) {
    const out = await ctx.aws.ecs.send(new dist_cjs/* UpdateServiceCommand */.kZr({ cluster: ctx.config.cluster, service, taskDefinition: taskDefinitionArn }));
    const primary = primaryOf(out.service, taskDefinitionArn);
    if (!primary?.id)
        throw new Error(`UpdateService returned no PRIMARY deployment for ${service}`);
    return {
        started: {
            service,
            deploymentId: primary.id,
            taskDefinitionArn,
            ...(primary.createdAt !== undefined && { createdAt: primary.createdAt }),
            priorDeploymentIds: (out.service?.deployments ?? [])
                .map((d) => d.id ?? '')
                .filter((id) => id && id !== primary.id),
        },
        seenEvents: new Set((out.service?.events ?? []).map((e) => e.id ?? '')),
    };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var client_elastic_load_balancing_v2_dist_cjs = __webpack_require__(50586);
;// CONCATENATED MODULE: ./src/rollout/assess.ts

const when = (d) => d?.toISOString() ?? 'an unknown time';
function assess_describe(d) {
    return `${d.id ?? '?'} (task definition ${shortArn(d.taskDefinition)}, created ${when(d.createdAt)})`;
}
/**
 * Where our deployment stands, from one DescribeServices answer. `createdAt` is
 * our deployment's creation time, remembered in case it already left the list;
 * `priorDeploymentIds` the deployments the service had when ours started.
 */
function assess(service, deploymentId, createdAt, priorDeploymentIds = []) {
    const deployments = service.deployments ?? [];
    const ours = deployments.find((d) => d.id === deploymentId);
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const ourTime = ours?.createdAt ?? createdAt;
    const other = primary && primary.id !== deploymentId ? primary : undefined;
    // ECS rolls back to a deployment that existed before ours; anyone else's UpdateService makes a new one.
    const older = (d) => priorDeploymentIds.includes(d.id ?? '') ||
        (ourTime !== undefined && d.createdAt !== undefined && d.createdAt.getTime() < ourTime.getTime());
    if (other && older(other) && (ours === undefined || ours.rolloutState === 'FAILED')) {
        const why = ours?.rolloutStateReason ?? 'our deployment failed';
        return {
            kind: 'rolled-back-by-ecs',
            rollbackDeploymentId: other.id ?? '?',
            reason: `deployment ${deploymentId} FAILED (${why}); ECS is rolling the service back itself to deployment ${assess_describe(other)}`,
        };
    }
    if (other) {
        return {
            kind: 'replaced',
            by: other.id ?? '?',
            reason: `another deployment replaced ours (${deploymentId}): ${assess_describe(other)}, not started by this release ` +
                '(a console change, another pipeline or tool)',
        };
    }
    if (!ours) {
        return {
            kind: 'failed',
            reason: `deployment ${deploymentId} is no longer listed on the service and nothing replaced it`,
        };
    }
    if (ours.rolloutState === 'FAILED') {
        return {
            kind: 'failed',
            reason: `deployment ${deploymentId} FAILED: ${ours.rolloutStateReason ?? 'no reason given'}`,
        };
    }
    if (ours.status === 'PRIMARY' && ours.rolloutState === 'COMPLETED' && deployments.length === 1) {
        return { kind: 'complete' };
    }
    return { kind: 'in-progress' };
}
/** One line of progress; printed only when it differs from the last one. */
function progressLine(name, service, deploymentId) {
    const deployments = service.deployments ?? [];
    const ours = deployments.find((d) => d.id === deploymentId);
    const others = deployments.filter((d) => d.id !== deploymentId);
    const old = others.reduce((n, d) => n + (d.runningCount ?? 0), 0);
    if (!ours)
        return `${name}: deployment ${deploymentId} no longer listed`;
    return (`${name}: ${ours.rolloutState ?? ours.status ?? '?'}, desired ${ours.desiredCount ?? 0}, running ` +
        `${ours.runningCount ?? 0}, pending ${ours.pendingCount ?? 0}, failed ${ours.failedTasks ?? 0}` +
        (others.length > 0 ? `; previous: ${old} running` : ''));
}

;// CONCATENATED MODULE: ./src/rollout/tasks.ts

/** Reads the watch loop makes only when a decision needs them, each paid from the read budget. */
class TaskReader {
    ctx;
    budget;
    definitions = new Map();
    constructor(ctx, budget) {
        this.ctx = ctx;
        this.budget = budget;
    }
    /** Tasks a deployment started (`startedBy` = the deployment id), running or stopped. */
    async deploymentTasks(deploymentId, desiredStatus) {
        const { ctx } = this;
        const arns = [];
        await this.budget.take(1, ctx.signal);
        const pages = (0,dist_cjs/* paginateListTasks */._rc)({ client: ctx.aws.ecs, pageSize: 100 }, { cluster: ctx.config.cluster, startedBy: deploymentId, desiredStatus });
        let first = true;
        for await (const page of pages) {
            if (!first)
                await this.budget.take(1, ctx.signal);
            first = false;
            arns.push(...(page.taskArns ?? []));
        }
        return this.describe(arns);
    }
    async describe(arns) {
        const out = [];
        for (let i = 0; i < arns.length; i += 100) {
            await this.budget.take(1, this.ctx.signal);
            const res = await this.ctx.aws.ecs.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster: this.ctx.config.cluster, tasks: arns.slice(i, i + 100) }), { abortSignal: this.ctx.signal });
            out.push(...(res.tasks ?? []));
        }
        return out;
    }
    /** Task definitions change never: one read per revision for the whole run. */
    definition(arn) {
        let d = this.definitions.get(arn);
        if (!d) {
            d = (async () => {
                await this.budget.take(1, this.ctx.signal);
                const out = await this.ctx.aws.ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: arn }), {
                    abortSignal: this.ctx.signal,
                });
                return out.taskDefinition;
            })().catch(() => undefined);
            this.definitions.set(arn, d);
        }
        return d;
    }
}
function taskIp(task) {
    for (const a of task.attachments ?? []) {
        const ip = a.details?.find((d) => d.name === 'privateIPv4Address')?.value;
        if (ip)
            return ip;
    }
    return undefined;
}
/** Where a task is registered in a target group: IP and container port (awsvpc), else the host port. */
function taskTarget(task, lb) {
    const ip = taskIp(task);
    if (ip)
        return { id: ip, ...(lb.containerPort !== undefined && { port: lb.containerPort }) };
    const c = task.containers?.find((x) => x.name === lb.containerName);
    const binding = c?.networkBindings?.find((b) => b.containerPort === lb.containerPort);
    return binding?.hostPort !== undefined ? { port: binding.hostPort } : {};
}
const taskId = (task) => task.taskArn?.split('/').pop() ?? '?';

;// CONCATENATED MODULE: ./src/rollout/diagnose.ts



const LOG_LINES = 10;
/** Why a task stopped, from its own record: stop code, reason, and each container's exit. */
function describeStoppedTask(task) {
    const revision = task.taskDefinitionArn?.split('/').pop() ?? '?';
    const lines = [
        `stopped task ${taskId(task)} (${revision}): ${task.stopCode ?? 'no stop code'}: ${task.stoppedReason ?? 'no reason given'}`,
    ];
    for (const c of task.containers ?? []) {
        if (c.exitCode === undefined && !c.reason)
            continue;
        const exit = c.exitCode !== undefined ? `exit code ${c.exitCode}` : 'no exit code';
        lines.push(`  container ${c.name ?? '?'}: ${exit}${c.reason ? ` (${c.reason})` : ''}`);
    }
    return lines;
}
/** The containers worth reading logs of: those that failed, else all of them (at most two). */
function failingContainers(task) {
    const failed = (task.containers ?? []).filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason);
    const pick = failed.length > 0 ? failed : (task.containers ?? []);
    return pick
        .map((c) => c.name ?? '')
        .filter(Boolean)
        .slice(0, 2);
}
/** The awslogs stream of a container: `<prefix>/<container>/<task id>` (SPEC 3.3). */
function logStream(td, container, id) {
    const def = td.containerDefinitions?.find((c) => c.name === container);
    const log = def?.logConfiguration;
    if (log?.logDriver !== 'awslogs')
        return `container ${container} logs with ${log?.logDriver ?? 'no log driver'}, not awslogs: no log lines here`;
    const group = log.options?.['awslogs-group'];
    const prefix = log.options?.['awslogs-stream-prefix'];
    if (!group || !prefix)
        return `container ${container}: awslogs without awslogs-stream-prefix: the stream cannot be found by task id`;
    return { group, stream: `${prefix}/${container}/${id}` };
}
async function lastLogLines(ctx, reader, task) {
    const td = task.taskDefinitionArn ? await reader.definition(task.taskDefinitionArn) : undefined;
    if (!td)
        return [];
    const out = [];
    for (const container of failingContainers(task)) {
        const where = logStream(td, container, taskId(task));
        if (typeof where === 'string') {
            out.push(`  ${where}`);
            continue;
        }
        try {
            const res = await ctx.aws.logs.send(new client_cloudwatch_logs_dist_cjs/* GetLogEventsCommand */.h7S({
                logGroupName: where.group,
                logStreamName: where.stream,
                limit: LOG_LINES,
                startFromHead: false,
            }), { abortSignal: ctx.signal });
            const events = res.events ?? [];
            if (events.length === 0)
                out.push(`  container ${container}: no log lines in ${where.group} ${where.stream}`);
            else {
                out.push(`  last log lines of ${container} (${where.group} ${where.stream}):`);
                for (const e of events)
                    out.push(`    | ${(e.message ?? '').replace(/\s+$/, '')}`);
            }
        }
        catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            out.push(`  container ${container}: could not read ${where.group} ${where.stream} (${why})`);
        }
    }
    return out;
}
const groupName = (arn) => arn.split(':targetgroup/').pop()?.split('/')[0] ?? arn;
/** Targets of the service's target groups that are not healthy, with the ALB's reason codes. */
async function unhealthyTargets(ctx, loadBalancers) {
    const out = [];
    for (const arn of new Set(loadBalancers.map((lb) => lb.targetGroupArn ?? '').filter(Boolean))) {
        try {
            const res = await ctx.aws.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetHealthCommand */.qyg({ TargetGroupArn: arn }), {
                abortSignal: ctx.signal,
            });
            for (const d of res.TargetHealthDescriptions ?? []) {
                const h = d.TargetHealth;
                // initial, draining and unused are a target's normal life; only failing checks explain a failure.
                if (!h || (h.State !== 'unhealthy' && h.State !== 'unavailable'))
                    continue;
                const reason = [h.Reason, h.Description].filter(Boolean).join(': ');
                out.push(`target ${d.Target?.Id ?? '?'}:${d.Target?.Port ?? '?'} in ${groupName(arn)}: ${h.State}${reason ? ` (${reason})` : ''}`);
            }
        }
        catch (error) {
            out.push(`target group ${groupName(arn)}: could not read target health (${error instanceof Error ? error.message : String(error)})`);
        }
    }
    return out;
}
const UNHEALTHY_EVENT = /\(task ([0-9a-f]+)\) \(port (\d+)\) is unhealthy in \(target-group ([^)]+)\) due to \((.+)\)\.?$/;
/** ECS's own words on a task's failed ALB health check: `(task …) (port …) is unhealthy in (target-group …) due to (reason …)`. */
function unhealthyEvent(message) {
    const m = UNHEALTHY_EVENT.exec(message);
    if (!m?.[1] || !m[3])
        return undefined;
    return { taskId: m[1], line: `  target ${m[2] ?? '?'} unhealthy in ${groupName(m[3])}: ${m[4] ?? ''}` };
}

;// CONCATENATED MODULE: ./src/rollout/watch.ts
/**
 * One watch loop for every deployment of a wave (or of a rollback): follows each
 * deployment by the id UpdateService returned, never "the service looks stable".
 *
 * Cadence: one DescribeServices per 10 services per round, at most one round a
 * second, paid from a ReadBudget of 0.8 ECS reads/s that keeps 2 reads in reserve.
 * In steady watching that is a poll every 1.25 s (median detection lag ~0.6 s);
 * the reads a decision needs (the new tasks' targets at completion, the stopped
 * tasks when failures rise) come out of the reserve, so they do not delay the
 * verdict, and later polls wait until the bucket refills. Whatever happens, ECS
 * reads stay under 0.8/s sustained (+2 at the start). ELBv2 and Logs reads are separate
 * quotas and happen only for completion checks and failure diagnostics.
 */







const watch_POLL_MS = 1000;
const RESERVE = 2;
const KEPT_TASK_REPORTS = 3;
const FATAL = /ExpiredToken|UnrecognizedClient|InvalidClientTokenId|AccessDenied|ClusterNotFound/;
const clockTime = (d) => d?.toISOString().slice(11, 19) ?? '--:--:--';
const watch_errorText = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
async function watchDeployments(ctx, started, options = {}) {
    const deadline = options.deadline ?? ctx.clock.now() + ctx.config.gate.waitTimeoutMs;
    const budget = options.budget ?? new ReadBudget(ctx.clock);
    const reader = new TaskReader(ctx, budget);
    const failFast = options.failFast ?? true;
    const watched = started.map((target) => ({
        target,
        seen: options.seenEvents?.get(target.service),
        lastFailed: 0,
        reported: new Set(),
        taskReports: [],
        targetReport: [],
        loadBalancers: [],
        createdAt: target.createdAt,
        healthReasons: new Map(),
    }));
    const open = () => watched.filter((w) => !w.result);
    const settle = (w, state, detail, extra = {}) => {
        w.result = {
            service: w.target.service,
            taskDefinitionArn: w.target.taskDefinitionArn,
            deploymentId: w.target.deploymentId,
            state,
            ...(detail !== undefined && { detail }),
            ...extra,
        };
    };
    const detailOf = (w, head) => [head, ...w.taskReports.flat(), ...w.targetReport].join('\n');
    const printEvents = (w, s, ourCreatedAt) => {
        const events = s.events ?? [];
        if (!w.seen) {
            // Without UpdateService's answer: events older than our deployment belong to earlier history.
            const since = ourCreatedAt?.getTime() ?? ctx.clock.now();
            w.seen = new Set(events.filter((e) => (e.createdAt?.getTime() ?? 0) < since).map((e) => e.id ?? ''));
        }
        const fresh = events.filter((e) => e.id && !w.seen?.has(e.id)).reverse();
        for (const e of fresh) {
            w.seen.add(e.id ?? '');
            const unhealthy = unhealthyEvent(e.message ?? '');
            if (unhealthy)
                w.healthReasons.set(unhealthy.taskId, unhealthy.line);
            ctx.log.info(`${w.target.service} event ${clockTime(e.createdAt)} ${e.message ?? ''}`);
        }
    };
    /** Stopped tasks of our deployment not reported yet: why they stopped, exit codes, last log lines. */
    const diagnose = async (w, withTargets) => {
        try {
            const stopped = (await reader.deploymentTasks(w.target.deploymentId, 'STOPPED')).filter((t) => t.lastStatus === 'STOPPED' && t.taskArn && !w.reported.has(t.taskArn));
            for (const task of stopped) {
                w.reported.add(task.taskArn ?? '');
                const health = w.healthReasons.get(taskId(task));
                const lines = [
                    ...describeStoppedTask(task),
                    ...(health ? [health] : []),
                    ...(await lastLogLines(ctx, reader, task)),
                ];
                for (const l of lines)
                    ctx.log.info(`${w.target.service}: ${l}`);
                w.taskReports.push(lines);
                if (w.taskReports.length > KEPT_TASK_REPORTS)
                    w.taskReports.shift();
            }
            if (withTargets || stopped.length > 0) {
                const targets = await unhealthyTargets(ctx, w.loadBalancers);
                for (const l of targets)
                    ctx.log.info(`${w.target.service}: ${l}`);
                if (targets.length > 0)
                    w.targetReport = targets;
            }
        }
        catch (error) {
            if (ctx.signal.aborted)
                throw error;
            ctx.log.debug(`${w.target.service}: could not read the stopped tasks: ${watch_errorText(error)}`);
        }
    };
    /** SPEC 3.4 success: every new task's target healthy in every target group of the service. */
    const targetsHealthy = async (w) => {
        if (w.loadBalancers.length === 0)
            return true;
        try {
            const tasks = await reader.deploymentTasks(w.target.deploymentId, 'RUNNING');
            const byGroup = new Map();
            for (const arn of new Set(w.loadBalancers.map((lb) => lb.targetGroupArn ?? ''))) {
                const res = await ctx.aws.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetHealthCommand */.qyg({ TargetGroupArn: arn }), {
                    abortSignal: ctx.signal,
                });
                byGroup.set(arn, (res.TargetHealthDescriptions ?? []).map((d) => ({
                    ...(d.Target?.Id !== undefined && { id: d.Target.Id }),
                    ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
                    ...(d.TargetHealth?.State !== undefined && { state: d.TargetHealth.State }),
                })));
            }
            const waiting = [];
            for (const task of tasks) {
                for (const lb of w.loadBalancers) {
                    const want = taskTarget(task, lb);
                    const found = (byGroup.get(lb.targetGroupArn ?? '') ?? []).find((t) => (want.id === undefined || t.id === want.id) &&
                        (want.port === undefined || t.port === want.port));
                    if (found?.state !== 'healthy')
                        waiting.push(`task ${taskId(task)}: ${found?.state ?? 'not registered'}`);
                }
            }
            if (waiting.length > 0)
                ctx.log.debug(`${w.target.service}: COMPLETED, waiting for targets: ${waiting.join(', ')}`);
            return tasks.length > 0 && waiting.length === 0;
        }
        catch (error) {
            if (ctx.signal.aborted)
                throw error;
            ctx.log.debug(`${w.target.service}: could not check target health: ${watch_errorText(error)}`);
            return false;
        }
    };
    const judge = async (w, s) => {
        w.loadBalancers = s.loadBalancers ?? [];
        const ours = s.deployments?.find((d) => d.id === w.target.deploymentId);
        if (ours?.createdAt)
            w.createdAt = ours.createdAt;
        printEvents(w, s, w.createdAt);
        const line = progressLine(w.target.service, s, w.target.deploymentId);
        if (line !== w.progress)
            ctx.log.info(line);
        w.progress = line;
        const verdict = assess(s, w.target.deploymentId, w.createdAt, w.target.priorDeploymentIds);
        const failedNow = ours?.failedTasks ?? 0;
        const failuresRose = failedNow > w.lastFailed;
        w.lastFailed = failedNow;
        if (verdict.kind === 'in-progress') {
            if (failuresRose)
                await diagnose(w, true);
            return;
        }
        if (verdict.kind === 'complete') {
            if (await targetsHealthy(w)) {
                ctx.log.info(`${w.target.service}: deployment ${w.target.deploymentId} completed`);
                settle(w, 'completed');
            }
            return;
        }
        if (verdict.kind === 'replaced') {
            ctx.log.error(`${w.target.service}: ${verdict.reason}`);
            settle(w, 'replaced', detailOf(w, `${w.target.service}: ${verdict.reason}`));
            return;
        }
        await diagnose(w, true);
        if (verdict.kind === 'rolled-back-by-ecs') {
            ctx.log.warning(`${w.target.service}: ${verdict.reason}; ecs-release leaves that rollback to ECS`);
            settle(w, 'rolled-back-by-ecs', detailOf(w, `${w.target.service}: ${verdict.reason}`), {
                ecsRollbackDeploymentId: verdict.rollbackDeploymentId,
            });
            return;
        }
        ctx.log.error(`${w.target.service}: ${verdict.reason}`);
        settle(w, 'failed', detailOf(w, `${w.target.service}: ${verdict.reason}`));
    };
    let lastPoll = Number.NEGATIVE_INFINITY;
    let backoff = 0;
    try {
        while (open().length > 0) {
            if (ctx.clock.now() >= deadline) {
                for (const w of open()) {
                    await diagnose(w, true);
                    const head = `${w.target.service}: deployment ${w.target.deploymentId} did not complete within wait-timeout ` +
                        `${(0,duration/* formatDuration */.a3)(ctx.config.gate.waitTimeoutMs)}; last seen: ${w.progress ?? 'nothing yet'}`;
                    ctx.log.error(head);
                    settle(w, 'timed-out', detailOf(w, head));
                }
                break;
            }
            const wait = Math.min(lastPoll + watch_POLL_MS + backoff - ctx.clock.now(), deadline - ctx.clock.now());
            if (wait > 0)
                await ctx.clock.sleep(wait, ctx.signal);
            if (ctx.clock.now() >= deadline)
                continue;
            const batches = [];
            const pending = open();
            for (let i = 0; i < pending.length; i += 10)
                batches.push(pending.slice(i, i + 10));
            await budget.take(batches.length, ctx.signal, RESERVE);
            lastPoll = ctx.clock.now();
            let services;
            try {
                const answers = await Promise.all(batches.map((b) => ctx.aws.ecs.send(new dist_cjs/* DescribeServicesCommand */.H7c({
                    cluster: ctx.config.cluster,
                    services: b.map((w) => w.target.service),
                }), { abortSignal: ctx.signal })));
                services = answers.flatMap((a) => a.services ?? []);
                backoff = 0;
            }
            catch (error) {
                if (ctx.signal.aborted)
                    throw error;
                if (FATAL.test(watch_errorText(error))) {
                    for (const w of open()) {
                        settle(w, 'failed', `${w.target.service}: could not watch deployment ${w.target.deploymentId}: ${watch_errorText(error)}; it may still be in progress`);
                    }
                    break;
                }
                // Throttling and 5xx outlived the SDK's retries: keep watching, slower, until the deadline.
                backoff = Math.min(Math.max(2000, backoff * 2), 30_000);
                ctx.log.warning(`DescribeServices failed (${watch_errorText(error)}); retrying in ${(0,duration/* formatDuration */.a3)(backoff)}`);
                continue;
            }
            for (const w of pending) {
                const s = services.find((x) => x.serviceName === w.target.service);
                if (s?.status !== 'ACTIVE') {
                    settle(w, 'failed', `${w.target.service}: the service is ${s?.status ?? 'gone'} (deleted while deploying?)`);
                    continue;
                }
                await judge(w, s);
            }
            if (failFast && watched.some((w) => w.result && w.result.state !== 'completed')) {
                const failed = watched
                    .filter((w) => w.result && w.result.state !== 'completed')
                    .map((w) => w.target.service);
                for (const w of open()) {
                    settle(w, 'cancelled', `${w.target.service}: stopped watching because ${failed.join(', ')} failed; deployment ` +
                        `${w.target.deploymentId} was still in progress (${w.progress ?? 'no progress seen'})`);
                }
            }
        }
    }
    catch (error) {
        if (!ctx.signal.aborted)
            throw error;
        for (const w of open()) {
            settle(w, 'cancelled', `${w.target.service}: cancelled while deployment ${w.target.deploymentId} was in progress (${w.progress ?? 'no progress seen'})`);
        }
    }
    return watched.map((w) => w.result).filter((r) => r !== undefined);
}

;// CONCATENATED MODULE: ./src/rollout/index.ts









async function rollOut(ctx, targets, options = {}) {
    const results = new Map(targets.map((t) => [
        t.service,
        { service: t.service, taskDefinitionArn: t.taskDefinitionArn, state: 'not-started' },
    ]));
    const deadline = ctx.clock.now() + ctx.config.gate.waitTimeoutMs;
    const budget = new ReadBudget(ctx.clock);
    const waves = [...new Set(targets.map((t) => t.wave))].sort((a, b) => a - b);
    for (const wave of waves) {
        if (ctx.signal.aborted)
            break;
        const members = targets.filter((t) => t.wave === wave);
        ctx.log.info(`wave ${wave}: updating ${members.map((t) => `${t.service} → ${shortArn(t.taskDefinitionArn)}`).join(', ')}`);
        const seen = new Map();
        const updates = await Promise.allSettled(members.map(async (t) => {
            const { started, seenEvents } = await startDeployment(ctx, t.service, t.taskDefinitionArn);
            seen.set(t.service, seenEvents);
            options.onUpdate?.(t.service, started.deploymentId);
            ctx.log.info(`${t.service}: UpdateService started deployment ${started.deploymentId} (${shortArn(t.taskDefinitionArn)})`);
            return started;
        }));
        const started = [];
        const refused = [];
        updates.forEach((u, i) => {
            const t = members[i];
            if (!t)
                return;
            if (u.status === 'fulfilled') {
                started.push(u.value);
                results.set(t.service, {
                    ...(results.get(t.service) ?? t),
                    state: 'cancelled',
                    deploymentId: u.value.deploymentId,
                    taskDefinitionArn: t.taskDefinitionArn,
                    service: t.service,
                });
            }
            else {
                const why = u.reason instanceof Error ? u.reason.message : String(u.reason);
                const detail = `${t.service}: UpdateService to ${shortArn(t.taskDefinitionArn)} failed: ${why}`;
                ctx.log.error(detail);
                refused.push(t.service);
                results.set(t.service, {
                    service: t.service,
                    taskDefinitionArn: t.taskDefinitionArn,
                    state: 'failed',
                    detail,
                });
            }
        });
        if (refused.length > 0 || ctx.signal.aborted) {
            const why = ctx.signal.aborted
                ? 'the run was cancelled'
                : `UpdateService failed for ${refused.join(', ')}`;
            for (const s of started) {
                results.set(s.service, {
                    service: s.service,
                    taskDefinitionArn: s.taskDefinitionArn,
                    deploymentId: s.deploymentId,
                    state: 'cancelled',
                    detail: `${s.service}: not watched because ${why}; deployment ${s.deploymentId} is in progress`,
                });
            }
            break;
        }
        const watched = await watchDeployments(ctx, started, { deadline, seenEvents: seen, budget });
        for (const r of watched)
            results.set(r.service, r);
        if (watched.some((r) => r.state !== 'completed'))
            break;
        ctx.log.info(`wave ${wave}: every service completed`);
    }
    const services = targets
        .map((t) => results.get(t.service))
        .filter((r) => r !== undefined);
    return { ok: services.every((s) => s.state === 'completed'), services };
}
/** Our deployment in UpdateService's answer: the PRIMARY (running the revision we asked for). */

;// CONCATENATED MODULE: ./src/pipeline/deployed.ts

/** Per image key, the images the services run now: the layer cache for rebuilding that key. */
function deployedImages(preflight) {
    const deployed = {};
    for (const live of preflight.services) {
        for (const mapping of live.containers) {
            const image = live.taskDefinition.containerDefinitions?.find((c) => c.name === mapping.container)?.image;
            if (!image)
                continue;
            const list = deployed[mapping.image] ?? [];
            if (!list.includes(image))
                list.push(image);
            deployed[mapping.image] = list;
        }
    }
    return deployed;
}
/**
 * The release the services run, by the record tags of their running revisions.
 * A release leaves unchanged services on older revisions, so the newest revision
 * registered carries the id of the release that is running as a whole.
 */
function runningReleaseOf(services) {
    let newest;
    for (const s of services) {
        const release = s.taskDefinitionTags.find((t) => t.key === TAGS.release)?.value;
        if (!release)
            continue;
        const at = s.taskDefinition.registeredAt?.getTime() ?? 0;
        if (!newest || at > newest.at)
            newest = { at, release };
    }
    return newest?.release ?? (services.length > 0 ? 'baseline' : undefined);
}
function recordImages(report, images) {
    for (const [key, image] of Object.entries(images)) {
        report.images[key] = { uri: image.uri, digest: image.digest, built: image.built };
    }
}
function recordRender(report, render) {
    report.services = render.services.map((s) => ({
        service: s.live.config.service,
        previous: s.previousArn,
        current: s.targetArn,
        state: s.changed ? 'pending' : 'unchanged',
    }));
}

;// CONCATENATED MODULE: ./src/gate/decide.ts
/**
 * The gate's decisions, free of I/O: which alarm fails the bake, and what a smoke
 * check's answer means for the next one. The loop in gate.ts only fetches and sleeps.
 */

const SMOKE = {
    /** Tries when the rollout completes, until the first 2xx. */
    startupTries: 5,
    startupIntervalMs: 5_000,
    /** Once the URL has answered 2xx. */
    intervalMs: 15_000,
    failuresInARow: 3,
    requestTimeoutMs: 10_000,
};
/** How often the alarms are read during the bake. */
const ALARM_POLL_MS = 10_000;
/** How often the bake logs its progress. */
const PROGRESS_EVERY_MS = 60_000;
/** The first alarm in ALARM, in the order given. INSUFFICIENT_DATA is not a failure. */
function firingAlarm(alarms) {
    return alarms.find((a) => a.state === 'ALARM');
}
/** `2m10s into the 5m bake`: when it fired if CloudWatch says so and it is within the bake, else when we saw it. */
function bakeOffset(alarm, bakeStart, seenAt, bakeMs) {
    const at = alarm.since !== undefined && alarm.since >= bakeStart && alarm.since <= seenAt ? alarm.since : seenAt;
    return `${(0,duration/* formatDuration */.a3)(at - bakeStart)} into the ${(0,duration/* formatDuration */.a3)(bakeMs)} bake`;
}
function alarmFailure(alarm, bakeStart, seenAt, bakeMs) {
    const reason = alarm.reason ? `: ${alarm.reason}` : '';
    return `alarm ${alarm.name} went into ALARM ${bakeOffset(alarm, bakeStart, seenAt, bakeMs)}${reason}`;
}
const initialSmoke = () => ({
    passedOnce: false,
    startupTries: 0,
    failuresInARow: 0,
    checks: 0,
});
/** What one smoke check's answer means: the next check's delay, or the gate's failure. */
function afterSmokeCheck(state, check, url) {
    const next = { ...state, checks: state.checks + 1, lastDetail: check.detail };
    if (!state.passedOnce) {
        next.startupTries = state.startupTries + 1;
        if (check.ok) {
            next.passedOnce = true;
            return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.intervalMs } };
        }
        if (next.startupTries >= SMOKE.startupTries) {
            const reason = `smoke check ${url} never answered 2xx after the rollout: ${SMOKE.startupTries} tries ` +
                `${(0,duration/* formatDuration */.a3)(SMOKE.startupIntervalMs)} apart, the last one ${check.detail}`;
            return { state: next, verdict: { kind: 'fail', reason } };
        }
        return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.startupIntervalMs } };
    }
    next.failuresInARow = check.ok ? 0 : state.failuresInARow + 1;
    if (next.failuresInARow >= SMOKE.failuresInARow) {
        const reason = `smoke check ${url} failed ${SMOKE.failuresInARow} times in a row (every ${(0,duration/* formatDuration */.a3)(SMOKE.intervalMs)}), the last one ${check.detail}`;
        return { state: next, verdict: { kind: 'fail', reason } };
    }
    return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.intervalMs } };
}

;// CONCATENATED MODULE: ./src/gate/alarms.ts

/** DescribeAlarms takes at most 100 names per call. */
const ALARM_NAMES_PER_CALL = 100;
/**
 * The current state of each named alarm, metric and composite (AlarmTypes left out
 * means metric alarms only, which would silently skip every composite alarm).
 * Alarms CloudWatch no longer knows are left out of the answer.
 */
async function readAlarms(cloudwatch, names, signal) {
    const found = new Map();
    for (let i = 0; i < names.length; i += ALARM_NAMES_PER_CALL) {
        const batch = names.slice(i, i + ALARM_NAMES_PER_CALL);
        let nextToken;
        do {
            const out = await cloudwatch.send(new client_cloudwatch_dist_cjs/* DescribeAlarmsCommand */.zWD({
                AlarmNames: batch,
                AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
                MaxRecords: 100,
                ...(nextToken ? { NextToken: nextToken } : {}),
            }), signal ? { abortSignal: signal } : {});
            for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
                if (!a.AlarmName)
                    continue;
                const status = { name: a.AlarmName, state: a.StateValue ?? 'UNKNOWN' };
                if (a.StateReason)
                    status.reason = a.StateReason;
                const since = a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp;
                if (since)
                    status.since = since.getTime();
                found.set(a.AlarmName, status);
            }
            nextToken = out.NextToken;
        } while (nextToken);
    }
    return names.flatMap((n) => {
        const status = found.get(n);
        return status ? [status] : [];
    });
}

;// CONCATENATED MODULE: ./src/gate/smoke.ts

/**
 * One GET of the smoke URL. Only a 2xx passes. A hung server costs at most
 * `timeoutMs`; cancellation of the run (the `signal`) is rethrown, not a failed check.
 */
async function checkSmoke(url, fetchFn, timeoutMs, signal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
        const res = await fetchFn(url, {
            method: 'GET',
            signal: AbortSignal.any([signal, timeout]),
            headers: { 'user-agent': 'ecs-release smoke check' },
        });
        // Free the connection: the body does not matter, only the status.
        await res.body?.cancel().catch(() => undefined);
        return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
    }
    catch (error) {
        if (signal.aborted)
            throw signal.reason;
        if (timeout.aborted)
            return { ok: false, detail: `no answer within ${(0,duration/* formatDuration */.a3)(timeoutMs)}` };
        return { ok: false, detail: describeFetchError(error) };
    }
}
/** Node's fetch hides the reason in `cause` (`ECONNREFUSED`, `ENOTFOUND`…): bring it out. */
function describeFetchError(error) {
    if (!(error instanceof Error))
        return String(error);
    const cause = error.cause;
    if (cause instanceof Error) {
        const code = cause.code;
        return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
    }
    return error.message;
}

;// CONCATENATED MODULE: ./src/gate/gate.ts




/**
 * The bake: from now (the rollout has completed) for `config.gate.bakeTimeMs`, read
 * the gate alarms every 10 s and check the smoke URL (up to five tries 5 s apart
 * until the first 2xx, then every 15 s). Fails at once on any alarm in ALARM, when
 * the URL never answers 2xx, or on three smoke failures in a row. Never throws for
 * a failed gate: only cancellation (the context's signal) and AWS errors that the
 * SDK's retries could not get past are thrown.
 */
async function runGate(ctx, input, deps = {}) {
    const fetchFn = deps.fetch ?? ((url, init) => fetch(url, init));
    const { bakeTimeMs, smokeUrl } = ctx.config.gate;
    const names = [...new Set(input.alarms)];
    const start = ctx.clock.now();
    const end = start + bakeTimeMs;
    if (names.length === 0 && !smokeUrl) {
        ctx.log.info('gate: no alarms and no smoke URL configured: nothing to watch, the bake is skipped');
        return { ok: true, alarms: [] };
    }
    ctx.log.info(`gate: baking for ${(0,duration/* formatDuration */.a3)(bakeTimeMs)}: ${describeWatch(names.length, smokeUrl)}`);
    let alarms = names.map((name) => ({ name, state: 'UNKNOWN' }));
    const reported = new Map();
    const missingReported = new Set();
    let smoke = initialSmoke();
    let nextAlarmAt = names.length > 0 ? start : Number.POSITIVE_INFINITY;
    let nextSmokeAt = smokeUrl ? start : Number.POSITIVE_INFINITY;
    let nextProgressAt = start + PROGRESS_EVERY_MS;
    let alarmsReadAfterEnd = names.length === 0;
    const result = (ok, reason) => ({
        ok,
        alarms: alarms.map((a) => ({ name: a.name, state: a.state })),
        ...(reason !== undefined ? { reason } : {}),
    });
    for (;;) {
        const now = ctx.clock.now();
        if (now >= nextAlarmAt) {
            const read = await readAlarms(ctx.aws.cloudwatch, names, ctx.signal);
            const seenAt = ctx.clock.now();
            alarms = mergeAlarms(names, read);
            for (const name of names) {
                if (read.some((a) => a.name === name) || missingReported.has(name))
                    continue;
                missingReported.add(name);
                ctx.log.warning(`gate: alarm ${name} no longer exists in CloudWatch; it is not watched any more`);
            }
            for (const a of read) {
                const before = reported.get(a.name);
                if (before !== undefined && before !== a.state)
                    ctx.log.info(`gate: alarm ${a.name} ${before} → ${a.state}`);
                reported.set(a.name, a.state);
            }
            const firing = firingAlarm(read);
            if (firing) {
                const reason = alarmFailure(firing, start, seenAt, bakeTimeMs);
                ctx.log.error(`gate: ${reason}`);
                return result(false, reason);
            }
            if (seenAt >= end)
                alarmsReadAfterEnd = true;
            nextAlarmAt = seenAt < end ? Math.min(seenAt + ALARM_POLL_MS, end) : Number.POSITIVE_INFINITY;
        }
        if (smokeUrl && ctx.clock.now() >= nextSmokeAt) {
            const check = await checkSmoke(smokeUrl, fetchFn, deps.smokeTimeoutMs ?? SMOKE.requestTimeoutMs, ctx.signal);
            const wasPassing = smoke.passedOnce;
            const after = afterSmokeCheck(smoke, check, smokeUrl);
            smoke = after.state;
            if (after.verdict.kind === 'fail') {
                ctx.log.error(`gate: ${after.verdict.reason}`);
                return result(false, after.verdict.reason);
            }
            if (!wasPassing && smoke.passedOnce) {
                ctx.log.info(`gate: smoke check ${smokeUrl} answered ${check.detail}`);
            }
            else if (!check.ok) {
                ctx.log.warning(`gate: smoke check ${smokeUrl}: ${check.detail}`);
            }
            nextSmokeAt = ctx.clock.now() + after.verdict.nextInMs;
        }
        const t = ctx.clock.now();
        const startupDone = !smokeUrl || smoke.passedOnce;
        if (t >= end && startupDone && alarmsReadAfterEnd)
            break;
        if (t >= nextProgressAt && t < end) {
            ctx.log.info(`gate: ${(0,duration/* formatDuration */.a3)(t - start)} of ${(0,duration/* formatDuration */.a3)(bakeTimeMs)}: ${progress(alarms, smoke)}`);
            nextProgressAt += PROGRESS_EVERY_MS;
        }
        // After the bake only an unfinished startup smoke check is still waited for.
        const wakes = [nextAlarmAt];
        if (t < end)
            wakes.push(end, nextSmokeAt);
        else if (!startupDone)
            wakes.push(nextSmokeAt);
        const until = Math.min(...wakes);
        await ctx.clock.sleep(Math.max(0, until - t), ctx.signal);
    }
    ctx.log.info(`gate: passed: ${progress(alarms, smoke)} through the ${(0,duration/* formatDuration */.a3)(bakeTimeMs)} bake`);
    return result(true);
}
function describeWatch(alarmCount, smokeUrl) {
    const parts = [];
    if (alarmCount > 0)
        parts.push(`${alarmCount} alarm${alarmCount === 1 ? '' : 's'}`);
    if (smokeUrl)
        parts.push(`smoke check ${smokeUrl}`);
    return parts.join(' and ');
}
function mergeAlarms(names, read) {
    return names.map((name) => read.find((a) => a.name === name) ?? { name, state: 'MISSING' });
}
function progress(alarms, smoke) {
    const parts = [];
    if (alarms.length > 0) {
        const counts = new Map();
        for (const a of alarms)
            counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
        parts.push(`alarms ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
    }
    if (smoke.checks > 0)
        parts.push(`smoke check ${smoke.lastDetail ?? '?'} (${smoke.checks} checks)`);
    return parts.join('; ');
}

;// CONCATENATED MODULE: ./src/gate/index.ts



;// CONCATENATED MODULE: ./src/rollback/releases.ts

const OUTCOMES = ['succeeded', 'rolled-back', 'failed'];
function tagValue(tags, key) {
    return tags?.find((t) => t.key === key)?.value;
}
/** A revision's record, or undefined when ecs-release did not tag it. */
function revisionFromTags(fields, tags) {
    const release = tagValue(tags, TAGS.release);
    const environment = tagValue(tags, TAGS.environment);
    if (!release || !environment)
        return undefined;
    const rev = {
        ...fields,
        release,
        commit: tagValue(tags, TAGS.commit) ?? '',
        environment,
    };
    const outcome = tagValue(tags, TAGS.outcome);
    if (outcome && OUTCOMES.includes(outcome))
        rev.outcome = outcome;
    const run = tagValue(tags, TAGS.run);
    if (run)
        rev.runUrl = run;
    return rev;
}
/** Only these can be rolled back to (SPEC: `previous` and `to:` choose among succeeded releases). */
const isEligible = (r) => r.outcome === 'succeeded';
/**
 * Groups revisions into releases. A release id can have several attempts (a re-run
 * after a rollback registers again): per service the newest succeeded revision wins,
 * else the newest; a release succeeded when any attempt of it did.
 */
function buildHistory(environment, revisions) {
    const mine = revisions.filter((r) => r.environment === environment);
    const byService = {};
    for (const r of mine)
        byService[r.service] = [...(byService[r.service] ?? []), r];
    for (const list of Object.values(byService))
        list.sort(newestFirst);
    const grouped = new Map();
    for (const r of mine)
        grouped.set(r.release, [...(grouped.get(r.release) ?? []), r]);
    const releases = [];
    for (const [id, revs] of grouped) {
        const chosen = {};
        for (const r of [...revs].sort(newestFirst)) {
            const current = chosen[r.service];
            if (!current || (!isEligible(current) && isEligible(r)))
                chosen[r.service] = r;
        }
        const own = Object.values(chosen);
        const newest = [...own].sort(newestFirst)[0];
        if (!newest)
            continue;
        const record = {
            id,
            commit: newest.commit,
            environment,
            registeredAt: Math.min(...own.map((r) => r.registeredAt)),
            revisions: chosen,
        };
        const outcome = own.some(isEligible) ? 'succeeded' : newest.outcome;
        if (outcome)
            record.outcome = outcome;
        if (newest.runUrl)
            record.runUrl = newest.runUrl;
        releases.push(record);
    }
    releases.sort((a, b) => b.registeredAt - a.registeredAt);
    return { environment, releases, byService };
}
function newestFirst(a, b) {
    return b.registeredAt - a.registeredAt || b.revision - a.revision;
}

;// CONCATENATED MODULE: ./src/rollback/resolve.ts

/**
 * Which release `to:` names, and which revision each service runs in it. Pure:
 * everything comes from the record tags that findReleases read.
 */

class RollbackTargetError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RollbackTargetError';
    }
}
const COMMIT_PREFIX = /^[0-9a-f]{7,40}$/i;
const RECENT = 10;
/**
 * `previous` (the newest succeeded release registered before the one running now),
 * a release id, or a commit SHA prefix of 7+ characters naming one commit.
 * Only succeeded releases of the history's environment are eligible.
 */
function resolveTarget(history, to, current) {
    const wanted = to.trim() || 'previous';
    const running = runningRelease(history, current);
    const release = pickRelease(history, wanted, running, current);
    const services = current.map((c) => serviceTarget(history, release, c.service));
    return { release, ...(running ? { running } : {}), services };
}
/** The newest release any service runs a revision of (services a release left alone run older ones). */
function runningRelease(history, current) {
    const ids = new Set();
    for (const c of current) {
        const rev = history.byService[c.service]?.find((r) => r.arn === c.taskDefinitionArn);
        if (rev)
            ids.add(rev.release);
    }
    return history.releases.find((r) => ids.has(r.id));
}
function pickRelease(history, to, running, current) {
    const env = history.environment;
    if (to === 'previous') {
        if (!running) {
            const untagged = current.map((c) => `${c.service} runs ${shortArn(c.taskDefinitionArn)}`).join(', ');
            fail(`cannot tell which release runs now in environment ${env}: no service runs a revision tagged by ecs-release for it (${untagged}). Name the release with to: <release id or commit>.`, history);
        }
        const before = history.releases.find((r) => isEligible(r) && r.registeredAt < running.registeredAt);
        if (!before)
            fail(`no succeeded release ran before ${resolve_describe(running)} in environment ${env}.`, history);
        return before;
    }
    const byId = history.releases.find((r) => r.id === to);
    if (byId) {
        if (!isEligible(byId))
            fail(notEligible(byId), history);
        return byId;
    }
    if (!COMMIT_PREFIX.test(to)) {
        const hint = /^[0-9a-f]{1,6}$/i.test(to) ? ' A commit prefix needs at least 7 characters.' : '';
        fail(`no release "${to}" in environment ${env}.${hint}`, history);
    }
    const prefix = to.toLowerCase();
    const matching = history.releases.filter((r) => r.commit.toLowerCase().startsWith(prefix));
    const eligible = matching.filter(isEligible);
    const commits = [...new Set(eligible.map((r) => r.commit))];
    if (commits.length > 1) {
        fail(`commit prefix "${to}" is ambiguous in environment ${env}: it matches ${commits.join(', ')}. Give more characters.`, history);
    }
    const found = eligible[0];
    if (found)
        return found;
    const other = matching[0];
    if (other)
        fail(notEligible(other), history);
    fail(`no release or commit "${to}" in environment ${env}.`, history);
}
/**
 * The revision a service runs in a release: the release's own, or, for a service the
 * release left alone, its newest succeeded revision registered before the release's own
 * (what it was running then: a failed release's revisions never stayed).
 */
function serviceTarget(history, release, service) {
    const own = release.revisions[service];
    if (own)
        return target(service, own);
    const earlier = history.byService[service]?.find((r) => isEligible(r) && r.registeredAt < release.registeredAt);
    if (!earlier) {
        throw new RollbackTargetError(`service ${service} has no revision of release ${release.id} and no succeeded ecs-release revision registered before it, so its part of that release is unknown. Roll back to a newer release, or redeploy.`);
    }
    return target(service, earlier);
}
function target(service, rev) {
    return { service, taskDefinitionArn: rev.arn, fromRelease: rev.release, images: rev.images };
}
function notEligible(r) {
    const how = r.outcome ? `ended ${r.outcome}` : 'never recorded an outcome (it did not finish)';
    return `release ${r.id} ${how}: only succeeded releases can be rolled back to.`;
}
function fail(message, history) {
    throw new RollbackTargetError(`${message}\n${recentReleases(history)}`);
}
/** The list an unknown target's error shows, newest first. */
function recentReleases(history, limit = RECENT) {
    if (history.releases.length === 0) {
        return `No release of environment ${history.environment} was found in the task definitions' ecs-release tags.`;
    }
    const lines = history.releases.slice(0, limit).map((r) => `  - ${resolve_describe(r)}`);
    const more = history.releases.length > limit ? `\n  (${history.releases.length - limit} older not shown)` : '';
    return `Recent releases of environment ${history.environment} (newest first):\n${lines.join('\n')}${more}`;
}
function resolve_describe(r) {
    const commit = r.commit && r.commit !== r.id ? `, commit ${r.commit.slice(0, 12)}` : '';
    const when = new Date(r.registeredAt)
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d+Z$/, ' UTC');
    return `${r.id}${commit}, ${when}, ${r.outcome ?? 'no outcome'}`;
}


;// CONCATENATED MODULE: ./src/rollback/decide.ts

/** UpdateService went out for it (so it moved, or may have). */
function wasTouched(s) {
    if (s.state === 'not-started' || s.state === 'rolled-back-by-ecs')
        return false;
    if (s.state === 'cancelled')
        return s.deploymentId !== undefined;
    return true;
}
function decideRollback(input) {
    const reason = failureReason(input.rollout, input.gate);
    if (reason === undefined)
        return { failed: false, targets: [], left: [] };
    const previous = new Map(input.previous.map((p) => [p.service, p.previousArn]));
    const targets = [];
    const left = [];
    let byEcs = false;
    let unknownPrevious = false;
    let replaced = false;
    for (const s of input.rollout?.services ?? []) {
        const before = previous.get(s.service);
        if (s.state === 'rolled-back-by-ecs') {
            byEcs = true;
            left.push({ service: s.service, why: 'ECS circuit breaker already rolled it back' });
        }
        else if (s.state === 'replaced') {
            replaced = true;
            // Someone else's deployment took the service over: fighting it would make two
            // actors race on one service. It is theirs now; the report says so.
            left.push({
                service: s.service,
                why: `another deployment replaced ours and is left to whoever started it${s.detail ? ` (${s.detail})` : ''}`,
            });
        }
        else if (!wasTouched(s)) {
            left.push({ service: s.service, why: 'never updated by this release' });
        }
        else if (before === s.taskDefinitionArn) {
            left.push({ service: s.service, why: 'already on its previous revision' });
        }
        else if (!input.autoRollback) {
            left.push({
                service: s.service,
                why: `auto-rollback is off: left on ${shortArn(s.taskDefinitionArn)}`,
            });
        }
        else if (before === undefined) {
            unknownPrevious = true;
            left.push({ service: s.service, why: 'its previous revision is unknown' });
        }
        else {
            targets.push({ service: s.service, taskDefinitionArn: before });
        }
    }
    const result = !input.autoRollback || unknownPrevious || replaced || (targets.length === 0 && !byEcs)
        ? 'failed'
        : 'rolled-back';
    return { failed: true, reason, targets, left, result };
}
function failureReason(rollout, gate) {
    if (rollout && !rollout.ok) {
        const bad = rollout.services.filter((s) => s.state !== 'completed' && s.state !== 'not-started');
        const parts = bad.map((s) => `${s.service} ${s.state}${s.detail ? `: ${s.detail}` : ''}`);
        return `rollout failed: ${parts.join('; ') || 'a service did not complete'}`;
    }
    if (gate && !gate.ok)
        return `gate failed: ${gate.reason ?? 'an alarm or the smoke check failed'}`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/rollback/find-releases.ts


/**
 * Reads the record tags of each service's task definition family (newest revisions
 * first) and groups them into the releases of `ctx.config.environment`.
 * Deregistered (INACTIVE) revisions are left out: a service cannot be moved to them.
 */
async function findReleases(ctx, services, options = {}) {
    const max = options.maxRevisions ?? 100;
    const perFamily = await Promise.all(services.map(async (live) => {
        const family = live.taskDefinition.family ?? '';
        const arns = await listRevisions(ctx, family, max);
        const revisions = await mapLimited(arns, options.concurrency ?? 5, (arn) => readRevision(ctx, live.config.service, arn));
        const tagged = revisions.filter((r) => r !== undefined);
        ctx.log.debug(`releases: ${family}: ${arns.length} revision${arns.length === 1 ? '' : 's'} read, ${tagged.length} tagged by ecs-release`);
        return tagged;
    }));
    const history = buildHistory(ctx.config.environment, perFamily.flat());
    ctx.log.info(`releases: found ${history.releases.length} release${history.releases.length === 1 ? '' : 's'} of environment ${history.environment} in the task definitions' tags`);
    return history;
}
async function listRevisions(ctx, family, max) {
    const arns = [];
    let nextToken;
    do {
        const out = await ctx.aws.ecs.send(new dist_cjs/* ListTaskDefinitionsCommand */.Pse({
            familyPrefix: family,
            status: 'ACTIVE',
            sort: 'DESC',
            maxResults: Math.min(100, max - arns.length),
            ...(nextToken ? { nextToken } : {}),
        }), { abortSignal: ctx.signal });
        // familyPrefix is a prefix in AWS ("app" also lists "app-worker"): keep the family's own.
        for (const arn of out.taskDefinitionArns ?? [])
            if (familyOf(arn) === family)
                arns.push(arn);
        nextToken = out.nextToken;
    } while (nextToken && arns.length < max);
    if (nextToken)
        ctx.log.debug(`releases: ${family}: only the newest ${max} revisions were read`);
    return arns.slice(0, max);
}
async function readRevision(ctx, service, arn) {
    const out = await ctx.aws.ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: arn, include: ['TAGS'] }), { abortSignal: ctx.signal });
    const td = out.taskDefinition;
    if (!td)
        return undefined;
    return revisionFromTags({
        service,
        family: td.family ?? familyOf(arn),
        revision: td.revision ?? 0,
        arn: td.taskDefinitionArn ?? arn,
        registeredAt: td.registeredAt?.getTime() ?? 0,
        images: (td.containerDefinitions ?? []).flatMap((c) => (c.image ? [c.image] : [])),
    }, out.tags);
}
function familyOf(arn) {
    return arn.replace(/^.*:task-definition\//, '').replace(/:\d+$/, '');
}
async function mapLimited(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return out;
}

;// CONCATENATED MODULE: ./src/rollback/finish-command.ts
/**
 * The one command line that finishes a rollback ecs-release could not (SPEC 5:
 * expired credentials): one `aws ecs update-service` per service still to move,
 * joined with `&&`, to paste into a shell with fresh credentials. Re-sending a
 * service to the revision it already runs is harmless, so it is safe to run as is.
 */
function finishRollbackCommand(region, cluster, steps) {
    return steps
        .map((s) => `aws ecs update-service --region ${region} --cluster ${cluster} --service ${s.service} --task-definition ${s.taskDefinitionArn}`)
        .join(' && ');
}

;// CONCATENATED MODULE: ./src/rollback/transient.ts
/**
 * Whether an AWS call failed for a reason that goes away by itself (throttling,
 * a 5xx, a dropped connection), as opposed to one that will fail the same way
 * every time (expired credentials, access denied, a bad parameter). Pure: reads
 * only the shape the SDK gives its errors (`name`, `code`, `$retryable`, `$metadata`).
 */
const THROTTLING = new Set([
    'ThrottlingException',
    'Throttling',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
function isTransientAwsError(error) {
    if (typeof error !== 'object' || error === null)
        return false;
    const e = error;
    if (e.$retryable)
        return true;
    if (typeof e.name === 'string' && (THROTTLING.has(e.name) || e.name === 'TimeoutError'))
        return true;
    if (typeof e.code === 'string' && NETWORK.has(e.code))
        return true;
    const status = e.$metadata?.httpStatusCode;
    return typeof status === 'number' && (status === 429 || (status >= 500 && status <= 599));
}
/**
 * Pauses between whole calls (each already retried by the SDK) when a rollback's
 * UpdateService keeps failing transiently: about 1.5 minutes in all, because a
 * rollback that gives up leaves services on different releases.
 */
const ROLLBACK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000];

;// CONCATENATED MODULE: ./src/rollback/roll-back.ts




/**
 * Every UpdateService of a rollback at once, without waiting for anything else:
 * what a cancelled run calls (SPEC 3.6: within 1 s), and the first half of rollBack.
 * Deliberately not tied to the run's abort signal: a cancelled run must still issue them.
 * UpdateService carries only the cluster, the service and the task definition.
 */
async function issueRollback(ctx, targets) {
    const seenEvents = new Map();
    const settled = await Promise.allSettled(targets.map(async (t) => {
        const { started, seenEvents: seen } = await startUntilAccepted(ctx, t);
        seenEvents.set(t.service, seen);
        ctx.log.info(`${t.service}: rolling back to ${shortArn(t.taskDefinitionArn)} (deployment ${started.deploymentId})`);
        return started;
    }));
    const started = [];
    const refused = [];
    settled.forEach((s, i) => {
        const t = targets[i];
        if (!t)
            return;
        if (s.status === 'fulfilled') {
            started.push(s.value);
            return;
        }
        const why = s.reason instanceof Error ? `${s.reason.name}: ${s.reason.message}` : String(s.reason);
        const detail = `${t.service}: UpdateService back to ${shortArn(t.taskDefinitionArn)} failed (${why}); finish it with ` +
            finishRollbackCommand(ctx.config.region, ctx.config.cluster, [t]);
        ctx.log.error(detail);
        refused.push({ service: t.service, taskDefinitionArn: t.taskDefinitionArn, state: 'failed', detail });
    });
    return { started, refused, seenEvents };
}
/**
 * startDeployment for a rollback, outlasting throttling, 5xx and dropped
 * connections that outlived the SDK's own retries (SPEC 5): the rollout's failed
 * UpdateService may have been exactly such a burst, and giving up on the way back
 * would leave the services on different releases. Errors that cannot go away by
 * waiting (expired credentials, access denied) fail at once. The first attempt is
 * immediate, so a cancelled run still issues it within 1 s; the pauses use the
 * run's clock but not its abort signal, for the same reason as issueRollback.
 */
async function startUntilAccepted(ctx, t) {
    for (const delay of [...ROLLBACK_RETRY_DELAYS_MS, undefined]) {
        try {
            return await startDeployment(ctx, t.service, t.taskDefinitionArn);
        }
        catch (error) {
            if (delay === undefined || !isTransientAwsError(error))
                throw error;
            const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            ctx.log.warning(`${t.service}: UpdateService back to ${shortArn(t.taskDefinitionArn)} failed (${why}); trying again in ${delay / 1000}s`);
            await ctx.clock.sleep(delay);
        }
    }
    throw new Error('unreachable: the last attempt returns or throws');
}
/**
 * Moves every target service at once (one wave) and watches all of them to the end,
 * the same way as the rollout, but without stopping at the first failure: each
 * service's final state is reported. `ok` when every one completed.
 */
async function rollBack(ctx, targets) {
    if (targets.length === 0)
        return { ok: true, services: [] };
    const issued = await issueRollback(ctx, targets);
    const watched = issued.started.length > 0
        ? await watchDeployments(ctx, issued.started, { failFast: false, seenEvents: issued.seenEvents })
        : [];
    const byService = new Map([...watched, ...issued.refused].map((r) => [r.service, r]));
    const services = targets
        .map((t) => byService.get(t.service))
        .filter((r) => r !== undefined);
    const ok = services.length === targets.length && services.every((s) => s.state === 'completed');
    return { ok, services };
}

;// CONCATENATED MODULE: ./src/rollback/verify-images.ts


const ECR_HOST = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const MEDIA_TYPES = [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
];
/**
 * Where an image reference lives in ECR: an ECR host, or the host of a repository
 * URI preflight knows (the lab's registry). Other registries are not checked.
 */
function parseEcrImage(reference, knownRepositoryUris) {
    const at = reference.indexOf('@');
    const namePart = at >= 0 ? reference.slice(0, at) : reference;
    const digest = at >= 0 ? reference.slice(at + 1) : undefined;
    const slash = namePart.indexOf('/');
    if (slash < 0)
        return undefined;
    const host = namePart.slice(0, slash);
    let path = namePart.slice(slash + 1);
    let tag;
    const colon = path.lastIndexOf(':');
    if (digest === undefined && colon >= 0) {
        tag = path.slice(colon + 1);
        path = path.slice(0, colon);
    }
    const ecr = ECR_HOST.exec(host);
    const known = knownRepositoryUris.some((uri) => uri === `${host}/${path}`);
    if (!ecr && !known)
        return undefined;
    const id = digest ? { imageDigest: digest } : { imageTag: tag ?? 'latest' };
    return { reference, repositoryName: path, ...(ecr?.[1] ? { registryId: ecr[1] } : {}), id };
}
/**
 * Problems (one line each) for every image of the targets that ECR no longer holds:
 * found before anything changes, since ECS would only fail to pull them mid-rollback.
 */
async function missingImages(ctx, targets, knownRepositoryUris) {
    const byRepo = new Map();
    for (const t of targets) {
        for (const reference of t.images) {
            const image = parseEcrImage(reference, knownRepositoryUris);
            if (!image) {
                ctx.log.debug(`images: ${reference} is not in ECR: not checked`);
                continue;
            }
            const key = `${image.registryId ?? ''}|${image.repositoryName}`;
            const list = byRepo.get(key) ?? [];
            const same = list.find((x) => x.image.reference === reference);
            if (same)
                same.users.push(t);
            else
                list.push({ image, users: [t] });
            byRepo.set(key, list);
        }
    }
    const problems = [];
    await Promise.all([...byRepo.values()].map(async (list) => {
        const first = list[0]?.image;
        if (!first)
            return;
        const missing = new Map();
        try {
            for (let i = 0; i < list.length; i += 100) {
                const batch = list.slice(i, i + 100);
                const out = await ctx.aws.ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({
                    repositoryName: first.repositoryName,
                    ...(first.registryId ? { registryId: first.registryId } : {}),
                    imageIds: batch.map((x) => x.image.id),
                    acceptedMediaTypes: MEDIA_TYPES,
                }), { abortSignal: ctx.signal });
                for (const f of out.failures ?? []) {
                    const ref = batch.find((x) => (f.imageId?.imageDigest && x.image.id.imageDigest === f.imageId.imageDigest) ||
                        (f.imageId?.imageTag && x.image.id.imageTag === f.imageId.imageTag));
                    if (ref)
                        missing.set(ref.image.reference, `${f.failureCode ?? 'ImageNotFound'}: ${f.failureReason ?? ''}`);
                }
            }
        }
        catch (error) {
            const name = error instanceof Error ? error.name : 'Error';
            if (name !== 'RepositoryNotFoundException')
                throw error;
            for (const x of list)
                missing.set(x.image.reference, `the repository ${first.repositoryName} does not exist`);
        }
        for (const x of list) {
            const why = missing.get(x.image.reference);
            if (!why)
                continue;
            for (const t of x.users) {
                problems.push(`service ${t.service}: image ${x.image.reference} of release ${t.fromRelease} (${shortArn(t.taskDefinitionArn)}) is no longer in ECR repository ${x.image.repositoryName} (${why.trim().replace(/:$/, '')}); an ECR lifecycle policy may have expired it. Roll back to a newer release, or redeploy that commit.`);
            }
        }
    }));
    return problems.sort();
}

;// CONCATENATED MODULE: ./src/rollback/index.ts






;// CONCATENATED MODULE: ./src/pipeline/stage.ts

/** Thrown by a stage that the product does not have yet: never pretend success. */
class NotImplementedError extends Error {
    constructor(what) {
        super(`${what} is not implemented yet in this version of ecs-release`);
        this.name = 'NotImplementedError';
    }
}
/** Stage names, as log groups and in the summary's timings. */
const STAGES = {
    configuration: 'Configuration',
    preflight: 'Preflight',
    images: 'Images',
    render: 'Render',
    migrate: 'Migrate',
    rollout: 'Rollout',
    gate: 'Gate',
    rollback: 'Rollback',
};
/** One log group per stage, with its duration recorded in the report. */
async function stage(ctx, report, name, fn) {
    const started = ctx.clock.now();
    return ctx.log.group(name, async () => {
        try {
            const value = await fn();
            const ms = ctx.clock.now() - started;
            report.stages.push({ stage: name, ms, outcome: 'ok' });
            ctx.log.info(`${name}: done in ${(0,duration/* formatDuration */.a3)(ms)}`);
            return value;
        }
        catch (error) {
            const ms = ctx.clock.now() - started;
            report.stages.push({ stage: name, ms, outcome: 'failed' });
            ctx.log.info(`${name}: failed after ${(0,duration/* formatDuration */.a3)(ms)}`);
            throw error;
        }
    });
}

;// CONCATENATED MODULE: ./src/pipeline/finish.ts







/** What a service was last seen running, from its rollout result. */
function lastSeenText(r) {
    const revision = shortArn(r.taskDefinitionArn);
    if (r.state === 'completed')
        return `runs ${revision} (its deployment completed)`;
    if (r.state === 'not-started')
        return `never moved to ${revision}`;
    if (!r.deploymentId)
        return `its UpdateService to ${revision} failed`;
    return `deployment ${r.deploymentId} to ${revision} ${r.state}, possibly still in progress`;
}
const finish_errorText = (error) => (error instanceof Error ? error.message : String(error));
/**
 * The bake. A gate that cannot be judged (cancelled, or AWS unreachable after
 * the SDK's retries) is a failed gate: the release is rolled back, never left
 * running unverified.
 */
async function gateRelease(ctx, report, alarms) {
    try {
        const gate = await stage(ctx, report, STAGES.gate, () => runGate(ctx, { alarms }));
        report.alarms = gate.alarms;
        return gate;
    }
    catch (error) {
        const reason = ctx.signal.aborted
            ? `cancelled during the bake (${finish_errorText(ctx.signal.reason)})`
            : finish_errorText(error);
        return { ok: false, alarms: report.alarms, reason };
    }
}
/** rollOut, where an unexpected error counts every target as touched: better one needless rollback than a half-deployed release. */
async function safeRollOut(fn, targets) {
    try {
        return await fn();
    }
    catch (error) {
        return {
            ok: false,
            services: targets.map((t) => ({
                service: t.service,
                taskDefinitionArn: t.taskDefinitionArn,
                deploymentId: 'unknown',
                state: 'failed',
                detail: `the rollout stopped on an error: ${finish_errorText(error)}`,
            })),
        };
    }
}
/** ECS's own rollbacks are watched, never fought: we only confirm they finish. */
function ecsRollbacks(rollout, render) {
    return rollout.services.flatMap((r) => {
        const previous = render.services.find((s) => s.live.config.service === r.service)?.previousArn;
        return r.state === 'rolled-back-by-ecs' && r.ecsRollbackDeploymentId && previous
            ? [{ service: r.service, deploymentId: r.ecsRollbackDeploymentId, taskDefinitionArn: previous }]
            : [];
    });
}
/**
 * A release is all of its services or none: every service it touched goes back to
 * the revision it ran before, in parallel, watched to completion. The outcome tag
 * and the report say exactly what happened, including what could not be undone.
 */
/**
 * A way back that did not complete (expired credentials, AWS unreachable, a
 * cancelled run): the one command that finishes it, in the log and the summary.
 * Shared by a failed deploy and a failed manual rollback.
 */
function noteUnfinishedRollback(ctx, report, back) {
    const unfinished = back.filter((r) => r.state !== 'completed');
    if (unfinished.length === 0)
        return;
    const command = finishRollbackCommand(ctx.config.region, ctx.config.cluster, unfinished.map((r) => ({ service: r.service, taskDefinitionArn: r.taskDefinitionArn })));
    ctx.log.error(`the rollback did not finish; to finish it, run: ${command}`);
    report.notes.push(`To finish the rollback, run (with valid AWS credentials): \`${command}\``);
}
async function finishFailedRelease(ctx, report, failed) {
    const decision = decideRollback({
        previous: failed.render.services.map((s) => ({
            service: s.live.config.service,
            previousArn: s.previousArn,
        })),
        rollout: failed.rollout,
        ...(failed.gate ? { gate: failed.gate } : {}),
        autoRollback: ctx.config.gate.autoRollback,
    });
    report.error = decision.reason ?? 'the release failed';
    ctx.log.error(report.error);
    for (const left of decision.left)
        ctx.log.info(`${left.service}: not rolled back by ecs-release (${left.why})`);
    const byEcs = ecsRollbacks(failed.rollout, failed.render);
    let back = [];
    if (decision.targets.length > 0 || byEcs.length > 0) {
        failed.checkpoint('rollback');
        back = await stage(ctx, report, STAGES.rollback, async () => {
            const [ours, theirs] = await Promise.all([
                rollBack(ctx, decision.targets),
                byEcs.length > 0 ? watchDeployments(ctx, byEcs, { failFast: false }) : Promise.resolve([]),
            ]);
            return [...ours.services, ...theirs];
        });
    }
    for (const r of back) {
        const entry = report.services.find((s) => s.service === r.service);
        if (!entry)
            continue;
        const wasEcs = entry.state === 'rolled-back-by-ecs';
        if (r.state === 'completed') {
            entry.state = wasEcs ? 'rolled-back-by-ecs' : 'rolled-back';
            entry.current = entry.previous;
        }
        else {
            // Keep what the rollout last saw (SPEC 5: say what each service runs) before why the rollback failed.
            const seen = failed.rollout.services.find((x) => x.service === r.service);
            const lastSeen = seen ? `last seen: ${lastSeenText(seen)}; ` : '';
            entry.state = 'failed';
            entry.detail = `${lastSeen}rollback ${r.state}${r.detail ? `: ${r.detail}` : ''}`;
        }
    }
    noteUnfinishedRollback(ctx, report, back);
    if (report.migration?.outcome === 'succeeded' && back.some((r) => r.state === 'completed')) {
        report.notes.push('The migration of this release ran and is not rolled back: the previous release now runs against the migrated schema.');
    }
    const allBack = decision.result === 'rolled-back' && back.every((r) => r.state === 'completed') && !ctx.signal.aborted;
    const outcome = allBack ? 'rolled-back' : 'failed';
    await tagOutcome(ctx, failed.registered, outcome);
    report.result = outcome;
    if (!allBack) {
        report.runningRelease = undefined;
        report.notes.push(ctx.signal.aborted
            ? 'Cancelled: the rollback was issued but not watched to the end. The post step reports where each service stands.'
            : 'Not every service could be put back on its previous revision: the table above says which service runs what.');
    }
}

;// CONCATENATED MODULE: ./src/pipeline/deploy.ts











/**
 * deploy: preflight → images → render → migrate → rollout → gate → record,
 * rollback on failure. Nothing in AWS changes before preflight has passed; a
 * failure after the first UpdateService puts every touched service back.
 */
async function deployRelease(ctx, report, checkpoint) {
    const { config } = ctx;
    const preflight = await stage(ctx, report, STAGES.preflight, () => runPreflight(ctx, { checks: config.database ? [databaseCheck] : [] }));
    report.runningRelease = runningReleaseOf(preflight.services);
    const images = await stage(ctx, report, STAGES.images, () => buildImages(ctx, { repositories: preflight.repositories, deployed: deployedImages(preflight) }));
    recordImages(report, images);
    const render = await stage(ctx, report, STAGES.render, () => renderRelease(ctx, preflight, images));
    recordRender(report, render);
    const targets = rolloutTargets(render);
    if (targets.length === 0) {
        await confirmRunningRelease(ctx, report, preflight);
        return;
    }
    const registered = render.services.filter((s) => s.changed).map((s) => s.targetArn);
    checkpoint('render');
    await tagBaseline(ctx, preflight);
    if (config.migration) {
        try {
            const migration = await stage(ctx, report, STAGES.migrate, () => runMigration(ctx, { preflight, render }));
            report.migration = { outcome: migration.outcome, detail: migration.detail };
        }
        catch (error) {
            report.migration = {
                outcome: 'failed',
                detail: error instanceof Error ? error.message : String(error),
            };
            await tagOutcome(ctx, registered, 'failed');
            for (const s of report.services) {
                if (s.state !== 'pending')
                    continue;
                s.state = 'unchanged';
                s.current = s.previous;
            }
            report.notes.push('The release stopped before any service changed: every service runs what it ran before.');
            throw error;
        }
    }
    checkpoint('rollout');
    const rollout = await stage(ctx, report, STAGES.rollout, () => safeRollOut(() => rollOut(ctx, targets), targets));
    for (const r of rollout.services) {
        const entry = report.services.find((s) => s.service === r.service);
        if (!entry)
            continue;
        if (r.state === 'not-started') {
            // A later wave never moved: it runs what it ran before.
            entry.state = 'unchanged';
            entry.current = entry.previous;
            continue;
        }
        entry.state =
            r.state === 'completed'
                ? 'updated'
                : r.state === 'rolled-back-by-ecs'
                    ? 'rolled-back-by-ecs'
                    : 'failed';
        if (r.detail)
            entry.detail = r.detail;
    }
    let gate;
    if (rollout.ok) {
        checkpoint('gate');
        gate = await gateRelease(ctx, report, preflight.alarms);
    }
    if (rollout.ok && gate?.ok) {
        await tagOutcome(ctx, registered, 'succeeded');
        report.result = 'deployed';
        report.runningRelease = config.release;
        return;
    }
    await finishFailedRelease(ctx, report, {
        render,
        rollout,
        ...(gate ? { gate } : {}),
        registered,
        checkpoint,
    });
}
/**
 * Every service already runs this release's revisions. Normally that is a re-run
 * of a release that succeeded: `unchanged`. But a run killed in its bake, or one
 * whose rollback could not finish, leaves the release running without a
 * `succeeded` record; a re-run must not call that green without the gate.
 */
async function confirmRunningRelease(ctx, report, preflight) {
    const unconfirmed = preflight.services
        .filter((s) => tagOf(s.taskDefinitionTags, TAGS.release) === ctx.config.release)
        .filter((s) => tagOf(s.taskDefinitionTags, TAGS.outcome) !== 'succeeded')
        .map((s) => s.taskDefinition.taskDefinitionArn ?? '');
    if (unconfirmed.length === 0) {
        ctx.log.info("every service already runs this release's task definitions: nothing to roll out");
        report.result = 'unchanged';
        return;
    }
    ctx.log.info(`this release already runs, but ${unconfirmed.length} of its revisions carry no succeeded outcome (an earlier run stopped before recording it): gating it now`);
    const gate = await gateRelease(ctx, report, preflight.alarms);
    if (gate.ok) {
        await tagOutcome(ctx, unconfirmed, 'succeeded');
        report.result = 'unchanged';
        report.runningRelease = ctx.config.release;
        return;
    }
    report.result = 'failed';
    report.error =
        `release ${ctx.config.release} runs on every service but its gate failed: ${gate.reason ?? 'unknown reason'}. ` +
            'This run moved nothing, so it rolls nothing back; to go back, run the rollback command (to: previous).';
    report.notes.push(report.error);
}
const tagOf = (tags, key) => tags.find((t) => t.key === key)?.value;
async function databaseCheck(ctx) {
    try {
        await checkDatabase(ctx);
        return {};
    }
    catch (error) {
        return { problems: [error instanceof Error ? error.message : String(error)] };
    }
}

;// CONCATENATED MODULE: ./src/pipeline/plan.ts
/** The resolved configuration as `plan` prints it: the GitHub token never leaves memory. */
function describeConfig(config) {
    const shown = { ...config, ...(config.githubToken ? { githubToken: '***' } : {}) };
    return JSON.stringify(shown, null, 2);
}

;// CONCATENATED MODULE: ./src/pipeline/plan-release.ts






/**
 * Per image key, what deploy would put in the task definitions: `repo@digest`
 * when ECR already holds the content tag (nothing to build), else
 * `repo:content-…` for an image deploy would build first.
 */
async function imageReferences(ctx, preflight) {
    const tags = await computeContentKeys(ctx);
    const references = {};
    for (const [key, tag] of Object.entries(tags)) {
        const repo = preflight.repositories[key];
        if (!repo)
            continue;
        const existing = repo.exists ? await findImage(ctx, repo.name, tag) : undefined;
        references[key] = existing ? `${repo.uri}@${existing.digest}` : `${repo.uri}:${tag}`;
        ctx.log.info(`image ${key}: ${existing ? `${repo.uri}:${tag} is in ECR (nothing to build)` : `would build ${repo.uri}:${tag}`}`);
    }
    return references;
}
/** plan: the resolved configuration, preflight, and the diff deploy would register. Changes nothing. */
async function planRelease(ctx, report) {
    await stage(ctx, report, STAGES.configuration, async () => {
        ctx.log.info(describeConfig(ctx.config));
    });
    const preflight = await stage(ctx, report, STAGES.preflight, () => runPreflight(ctx));
    await stage(ctx, report, STAGES.render, async () => {
        const references = await imageReferences(ctx, preflight);
        ctx.log.info(describePlan(preflight, references, releaseRecord(ctx.config)));
    });
    report.result = 'planned';
}

;// CONCATENATED MODULE: ./src/pipeline/rollback-release.ts
/**
 * `command: rollback` (SPEC 3.6): find the target release by its record tags, check
 * its images still exist, move every service to its revision at once, watch, gate.
 * A failed rollout or gate puts the services back where they were (`rolled-back`).
 */







/**
 * `checkpoint(phase)` is called before AWS changes (main.ts saves the report for the
 * post step there): `rollout` before the target's UpdateService calls, `gate` after
 * the rollout, `rollback` before the way back.
 */
async function rollbackRelease(ctx, report, checkpoint = () => undefined, options = {}) {
    let target;
    const findTarget = async (c, found) => {
        if (found.services.length !== c.config.services.length)
            return {};
        try {
            const history = await findReleases(c, found.services);
            target = resolveTarget(history, c.config.to, currentOf(found.services));
        }
        catch (error) {
            if (error instanceof RollbackTargetError)
                return { problems: [`to: ${error.message}`] };
            if (c.signal.aborted)
                throw error;
            const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            return {
                problems: [
                    `to: could not read the release records (task definition tags) of ${found.services.map((s) => s.taskDefinition.family).join(', ')}: ${why}. The role needs ecs:ListTaskDefinitions and ecs:DescribeTaskDefinition.`,
                ],
            };
        }
        const uris = Object.values(found.repositories).map((r) => r.uri);
        return { problems: await missingImages(c, target.services, uris) };
    };
    const preflight = await stage(ctx, report, STAGES.preflight, () => runPreflight(ctx, { checks: [findTarget] }));
    if (!target)
        throw new Error('preflight passed without resolving the rollback target');
    const chosen = target;
    const current = currentOf(preflight.services);
    const release = chosen.release;
    const runningId = chosen.running?.id;
    // The release running now, until this rollback changes it (the output even when it fails before moving anything).
    report.runningRelease = runningId;
    report.services = chosen.services.map((s) => {
        const before = current.find((c) => c.service === s.service)?.taskDefinitionArn;
        return {
            service: s.service,
            ...(before ? { previous: before } : {}),
            current: before ?? s.taskDefinitionArn,
            state: before === s.taskDefinitionArn ? 'unchanged' : 'pending',
        };
    });
    const moves = chosen.services
        .filter((s) => current.find((c) => c.service === s.service)?.taskDefinitionArn !== s.taskDefinitionArn)
        .map((s) => ({ service: s.service, taskDefinitionArn: s.taskDefinitionArn }));
    ctx.log.info(`rollback: to release ${release.id}${release.commit ? ` (commit ${release.commit.slice(0, 12)})` : ''}` +
        `${runningId ? ` from ${runningId}` : ''}: ${chosen.services
            .map((s) => `${s.service} → ${shortArn(s.taskDefinitionArn)}${moves.some((m) => m.service === s.service) ? '' : ' (already)'}`)
            .join(', ')}`);
    if (moves.length === 0) {
        report.result = 'unchanged';
        report.runningRelease = release.id;
        report.notes.push(`Every service already runs release ${release.id}: nothing was changed.`);
        return;
    }
    report.notes.push('Database migrations are never rolled back: the older code now runs against the schema the newest migration left.');
    const github = options.github
        ? await startGithubDeployment(ctx, { ...options.github, ref: release.commit || options.github.ref }, { ...releaseManifest(report, release.commit || ctx.config.commit), release: release.id }, options.githubFetch ? { fetch: options.githubFetch } : {})
        : undefined;
    for (const s of report.services) {
        const moved = moves.find((m) => m.service === s.service);
        if (moved)
            s.current = moved.taskDefinitionArn;
    }
    try {
        await moveAndGate(ctx, report, checkpoint, {
            moves,
            current,
            alarms: preflight.alarms,
            release,
            runningId,
            options,
        });
    }
    finally {
        // Whatever happened, the GitHub deployment must not stay in_progress.
        await finishGithub(ctx, github, report);
    }
}
/** Rolls to the target, gates it, and goes back on any failure, an AWS error included: never left unconfirmed. */
async function moveAndGate(ctx, report, checkpoint, { moves, current, alarms, release, runningId, options }) {
    checkpoint('rollout');
    const rollout = await safeRollOut(() => judged(ctx, report, STAGES.rollout, () => rollBack(ctx, moves)), moves);
    if (!rollout.ok) {
        await goBack(ctx, report, checkpoint, current, rollout, undefined, {
            target: release.id,
            running: runningId,
        });
        return;
    }
    checkpoint('gate');
    let gate;
    try {
        gate = await judged(ctx, report, STAGES.gate, () => runGate(ctx, { alarms }, options.gate));
    }
    catch (error) {
        // Cancelled during the bake, or AWS unreachable after the SDK's retries: a gate that
        // cannot be judged is a failed gate. The way back is issued at once (goBack does not wait on the signal).
        const why = error instanceof Error ? error.message : String(error);
        gate = {
            ok: false,
            alarms: [],
            reason: ctx.signal.aborted
                ? 'the run was cancelled during the bake'
                : `the gate could not be judged: ${why}`,
        };
    }
    if (gate.alarms.length > 0)
        report.alarms = gate.alarms;
    if (!gate.ok) {
        await goBack(ctx, report, checkpoint, current, rollout, gate, { target: release.id, running: runningId });
        return;
    }
    for (const s of report.services)
        if (s.state === 'pending')
            s.state = 'updated';
    report.result = 'deployed';
    report.runningRelease = release.id;
    ctx.log.info(`rollback: release ${release.id} runs on every service`);
}
/** The rollback's own rollout or gate failed: every service goes back to where it was before it. */
async function goBack(ctx, report, checkpoint, before, rollout, gate, ids) {
    const decision = decideRollback({
        previous: before.map((b) => ({ service: b.service, previousArn: b.taskDefinitionArn })),
        rollout,
        ...(gate ? { gate } : {}),
        autoRollback: ctx.config.gate.autoRollback,
    });
    ctx.log.error(`rollback: ${decision.reason ?? 'failed'}`);
    checkpoint('rollback');
    const back = await judged(ctx, report, STAGES.rollback, () => rollBack(ctx, decision.targets));
    for (const s of report.services) {
        const moved = rollout.services.find((r) => r.service === s.service);
        const returned = back.services.find((r) => r.service === s.service);
        if (!moved)
            continue;
        if (moved.state === 'rolled-back-by-ecs') {
            s.state = 'rolled-back-by-ecs';
            if (s.previous)
                s.current = s.previous;
            s.detail = moved.detail ?? 'ECS circuit breaker rolled it back';
        }
        else if (returned?.state === 'completed') {
            s.state = 'rolled-back';
            s.current = returned.taskDefinitionArn;
        }
        else if (returned?.state === 'cancelled' && returned.deploymentId) {
            s.state = 'pending';
            s.current = returned.taskDefinitionArn;
            s.detail =
                `cancelled: UpdateService back to ${shortArn(returned.taskDefinitionArn)} was issued (deployment ${returned.deploymentId}) but not watched; ` +
                    `confirm with: aws ecs wait services-stable --region ${ctx.config.region} --cluster ${ctx.config.cluster} --services ${s.service}`;
        }
        else if (returned) {
            s.state = 'failed';
            s.current = returned.taskDefinitionArn;
            s.detail = `going back did not complete (${returned.state}): ${returned.detail ?? ''}`.trim();
        }
        else if (decision.left.some((l) => l.service === s.service && l.why.startsWith('auto-rollback is off'))) {
            s.state = 'failed';
            s.current = moved.taskDefinitionArn;
            s.detail = 'auto-rollback is off: left on the target release';
        }
    }
    noteUnfinishedRollback(ctx, report, back.services);
    const cameBack = back.ok && decision.result === 'rolled-back';
    report.result = cameBack ? 'rolled-back' : 'failed';
    report.runningRelease = cameBack ? ids.running : undefined;
    const where = cameBack
        ? `; every service is back where it was${ids.running ? ` (release ${ids.running})` : ''}`
        : '; the services table shows what each service runs now';
    report.error = `rollback to release ${ids.target} failed: ${decision.reason ?? 'unknown'}${where}`;
}
/** A stage whose result says whether it failed: recorded as failed in the report, returned either way. */
async function judged(ctx, report, name, fn) {
    try {
        return await stage(ctx, report, name, async () => {
            const value = await fn();
            if (!value.ok)
                throw new NotOk(value);
            return value;
        });
    }
    catch (error) {
        if (error instanceof NotOk)
            return error.value;
        throw error;
    }
}
class NotOk extends Error {
    value;
    constructor(value) {
        super('stage result not ok');
        this.value = value;
    }
}
async function finishGithub(ctx, deployment, report) {
    const ok = report.result === 'deployed';
    const text = ok ? `Running ${report.runningRelease ?? ''}` : `Rollback ${report.result ?? 'failed'}`;
    await setGithubDeploymentStatus(ctx, deployment, ok ? 'success' : 'failure', text);
}
function currentOf(services) {
    return services.map((s) => ({
        service: s.config.service,
        taskDefinitionArn: s.taskDefinition.taskDefinitionArn ?? '',
    }));
}

;// CONCATENATED MODULE: ./src/pipeline/commands.ts




/** The command's pipeline. */
async function runCommand(ctx, report, checkpoint) {
    const github = githubTarget(ctx);
    if (ctx.config.command === 'plan')
        await planRelease(ctx, report);
    else if (ctx.config.command === 'deploy') {
        await withGithubDeployment(ctx, report, github, () => deployRelease(ctx, report, checkpoint));
    }
    else
        await rollbackRelease(ctx, report, checkpoint, github ? { github } : {});
}
/** The GitHub deployment target, when asked for and possible; otherwise a notice says why not. */
function githubTarget(ctx) {
    const { config } = ctx;
    if (!config.githubDeployment)
        return undefined;
    if (!config.githubToken || !config.github) {
        ctx.log.notice('github-deployment: no token or repository (not running in GitHub Actions?): no GitHub deployment is recorded');
        return undefined;
    }
    return {
        token: config.githubToken,
        ...config.github,
        ref: config.commit,
        environment: config.environment,
        ...(config.gate.smokeUrl ? { environmentUrl: config.gate.smokeUrl } : {}),
        ...(config.runUrl ? { logUrl: config.runUrl } : {}),
    };
}
async function withGithubDeployment(ctx, report, target, release) {
    const deployment = target
        ? await startGithubDeployment(ctx, target, releaseManifest(report, ctx.config.commit))
        : undefined;
    try {
        await release();
    }
    finally {
        const ok = report.result === 'deployed' || report.result === 'unchanged';
        await setGithubDeploymentStatus(ctx, deployment, ok ? 'success' : 'failure', `${report.result ?? 'failed'}: ${report.release}`);
    }
}


/***/ })

};
;