"use strict";
exports.id = 238;
exports.ids = [238];
exports.modules = {

/***/ 80238:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runAction: () => (/* binding */ runAction)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(96421);
// EXTERNAL MODULE: ./src/config/names.ts
var names = __webpack_require__(86234);
;// CONCATENATED MODULE: ./src/pipeline/report.ts
function newReport(fields) {
    // Only these fields: callers pass the whole config, which holds the GitHub token.
    const { command, environment, cluster, region, release } = fields;
    return {
        command,
        environment,
        cluster,
        region,
        release,
        images: {},
        services: [],
        alarms: [],
        stages: [],
        notes: [],
    };
}

;// CONCATENATED MODULE: ./src/post/progress.ts
function progressOf(report, phase) {
    return {
        command: report.command,
        release: report.release,
        environment: report.environment,
        cluster: report.cluster,
        region: report.region,
        phase,
        ...(report.result ? { result: report.result } : {}),
        services: report.services.map((s) => ({
            service: s.service,
            ...(s.previous ? { previous: s.previous } : {}),
            ...(s.current ? { current: s.current } : {}),
            state: s.state,
        })),
    };
}
/** Which release each service is on (or heading to) right now. Pure: tested without AWS. */
function assess(progress, observed) {
    const lines = [];
    const sides = new Set();
    for (const s of progress.services) {
        const seen = observed.find((o) => o.service === s.service);
        const td = seen?.taskDefinition;
        const side = td && td === s.previous && td === s.current
            ? 'unchanged'
            : td === s.previous
                ? 'previous'
                : td === s.current
                    ? 'release'
                    : 'unknown';
        if (side !== 'unchanged')
            sides.add(side);
        const moving = seen && (seen.rolloutState === 'IN_PROGRESS' || seen.deployments > 1)
            ? ', deployment still in progress'
            : '';
        const label = side === 'previous'
            ? 'the previous release'
            : side === 'release'
                ? `release ${progress.release}`
                : side === 'unchanged'
                    ? 'unchanged by this release'
                    : 'a task definition this run did not set';
        lines.push(`${s.service}: ${td ?? 'not found'} (${label}${moving})`);
    }
    const services = progress.services.map((s) => s.service).join(' ');
    return {
        consistent: sides.size <= 1 && !sides.has('unknown'),
        lines,
        confirm: `aws ecs describe-services --region ${progress.region} --cluster ${progress.cluster} --services ${services} ` +
            `--query 'services[].{service:serviceName,deployments:deployments[].{id:id,taskDefinition:taskDefinition,rolloutState:rolloutState}}'`,
    };
}

// EXTERNAL MODULE: ./src/config/duration.ts
var duration = __webpack_require__(97840);
;// CONCATENATED MODULE: ./src/report/summary.ts

const RESULT_TEXT = {
    deployed: ':white_check_mark: deployed',
    unchanged: ':white_check_mark: unchanged (already running)',
    'rolled-back': ':leftwards_arrow_with_hook: rolled back',
    failed: ':x: failed',
    planned: ':memo: planned (nothing changed)',
};
/** The ECS console page of a service, for the summary's links. */
function serviceConsoleUrl(region, cluster, service) {
    const name = cluster.split('/').pop() ?? cluster;
    return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(name)}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}
/** The ECS console page of a task definition revision (`family:revision` from its ARN). */
function taskDefinitionConsoleUrl(region, arn) {
    const [family = arn, revision = ''] = (arn.split('/').pop() ?? arn).split(':');
    return `https://${region}.console.aws.amazon.com/ecs/v2/task-definitions/${encodeURIComponent(family)}/${revision}/containers?region=${region}`;
}
function cell(text) {
    return (text ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
/** The job summary as Markdown: a pure function of the report, written for failures too. */
function renderSummary(report) {
    const lines = [];
    const result = report.result ?? 'failed';
    lines.push(`## ecs-release ${report.command}: ${RESULT_TEXT[result] ?? result}`, '');
    lines.push(`- **Release**: \`${report.release}\``);
    if (report.runningRelease)
        lines.push(`- **Running now**: \`${report.runningRelease}\``);
    lines.push(`- **Environment**: ${report.environment} (cluster \`${report.cluster}\`, ${report.region})`);
    if (report.error)
        lines.push('', '**Error**', '', '```', report.error, '```');
    if (report.services.length > 0) {
        lines.push('', '| service | previous | new | state |', '|---|---|---|---|');
        const revision = (arn) => arn ? `[${cell(arn.split('/').pop())}](${taskDefinitionConsoleUrl(report.region, arn)})` : '—';
        for (const s of report.services) {
            const service = `[${cell(s.service)}](${serviceConsoleUrl(report.region, report.cluster, s.service)})`;
            const state = `${cell(s.state)}${s.detail ? `: ${cell(s.detail)}` : ''}`;
            lines.push(`| ${service} | ${revision(s.previous)} | ${revision(s.current)} | ${state} |`);
        }
    }
    const images = Object.entries(report.images);
    if (images.length > 0) {
        lines.push('', '| image | digest | built |', '|---|---|---|');
        for (const [key, image] of images)
            lines.push(`| ${key} | \`${image.uri}@${image.digest}\` | ${image.built ? 'yes' : 'no (reused)'} |`);
    }
    if (report.migration)
        lines.push('', `**Migration**: ${report.migration.outcome} — ${report.migration.detail}`);
    if (report.alarms.length > 0) {
        lines.push('', '| alarm | state |', '|---|---|');
        for (const a of report.alarms)
            lines.push(`| ${cell(a.name)} | ${cell(a.state)} |`);
    }
    if (report.stages.length > 0) {
        lines.push('', '| stage | duration | outcome |', '|---|---|---|');
        for (const s of report.stages)
            lines.push(`| ${s.stage} | ${(0,duration/* formatDuration */.a3)(s.ms)} | ${s.outcome} |`);
    }
    if (report.notes.length > 0)
        lines.push('', ...report.notes.map((n) => `> ${n}`));
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/main.ts




/** Runs the command for a validated configuration; every stage's work lives in its own module. */
async function run(rt, config) {
    if (config.githubToken)
        rt.mask(config.githubToken);
    const report = newReport(config);
    let lastPhase;
    try {
        const ctx = {
            config,
            aws: await rt.aws(config.region),
            docker: await rt.docker(),
            clock: rt.clock,
            log: rt.log,
            signal: rt.signal,
            mask: rt.mask,
            workdir: rt.workdir,
        };
        // Saved whenever AWS is about to change, so the post step can report even after a kill.
        const checkpoint = (phase) => {
            lastPhase = phase;
            rt.saveState(names/* STATE */.c4.progress, JSON.stringify(progressOf(report, phase)));
        };
        // Loaded only now: a configuration error is reported before the SDK and the stages are even parsed.
        const { runCommand } = await Promise.all(/* import() */[__webpack_require__.e(375), __webpack_require__.e(400), __webpack_require__.e(413), __webpack_require__.e(364)]).then(__webpack_require__.bind(__webpack_require__, 63364));
        await runCommand(ctx, report, checkpoint);
    }
    catch (error) {
        report.error = error instanceof Error ? error.message : String(error);
        report.result ??= 'failed';
    }
    finally {
        // A failed run that had changed AWS leaves its phase: the post step then checks each service.
        const settled = !lastPhase || report.result !== 'failed';
        if (config.command !== 'plan') {
            rt.saveState(names/* STATE */.c4.progress, JSON.stringify(progressOf(report, settled ? 'done' : (lastPhase ?? 'done'))));
        }
        writeOutputs(rt, report);
        await rt.writeSummary(renderSummary(report)).catch((error) => {
            rt.log.warning(`could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
    const ok = report.result === 'deployed' || report.result === 'unchanged' || report.result === 'planned';
    return ok
        ? { exitCode: 0, report }
        : { exitCode: 1, error: report.error ?? `release ${report.result}`, report };
}
function writeOutputs(rt, report) {
    const taskDefinitions = Object.fromEntries(report.services.map((s) => [s.service, { previous: s.previous ?? null, current: s.current ?? null }]));
    rt.setOutput(names/* OUTPUTS */.py.release, report.runningRelease ?? '');
    rt.setOutput(names/* OUTPUTS */.py.result, report.result ?? 'failed');
    rt.setOutput(names/* OUTPUTS */.py.images, JSON.stringify(report.images));
    rt.setOutput(names/* OUTPUTS */.py.taskDefinitions, JSON.stringify(taskDefinitions));
}

;// CONCATENATED MODULE: ./src/runtime/actions-logger.ts

/** The Logger of a real run, redacting known secrets; kept apart so the Logger interface loads without @actions/core (ESM-only). */
function actionsLogger(secrets) {
    const r = (m) => secrets.redact(m);
    return {
        info: (m) => core/* info */.pq(r(m)),
        debug: (m) => core/* debug */.Yz(r(m)),
        notice: (m) => core/* notice */.lm(r(m)),
        warning: (m) => core/* warning */.$e(r(m)),
        error: (m) => core/* error */.z3(r(m)),
        group: (name, fn) => core/* group */.Os(r(name), fn),
    };
}

;// CONCATENATED MODULE: ./src/runtime/clock.ts
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(signal.reason);
            return;
        }
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
/**
 * A clock whose time moves only when every caller is asleep: the earliest
 * sleeper wakes, time jumps to its deadline. Each wake-up waits one macrotask so
 * the in-process AWS simulator's promise chains settle before time moves on.
 */
class VirtualClock {
    current;
    timers = [];
    seq = 0;
    flushing = false;
    constructor(start = Date.UTC(2026, 10, 27, 12, 0, 0)) {
        this.current = start;
    }
    now() {
        return this.current;
    }
    /** Moves time forward without waking anyone (for test setup). */
    advance(ms) {
        this.current += ms;
    }
    sleep(ms, signal) {
        if (signal?.aborted)
            return Promise.reject(signal.reason);
        return new Promise((resolve, reject) => {
            const onAbort = () => {
                const i = this.timers.indexOf(timer);
                if (i >= 0)
                    this.timers.splice(i, 1);
                reject(signal?.reason);
            };
            const timer = {
                at: this.current + Math.max(0, ms),
                seq: this.seq++,
                resolve: () => {
                    // A finished sleep must not leave its listener on a long-lived signal.
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                },
            };
            this.timers.push(timer);
            signal?.addEventListener('abort', onAbort, { once: true });
            this.schedule();
        });
    }
    schedule() {
        if (this.flushing)
            return;
        this.flushing = true;
        setImmediate(() => {
            this.flushing = false;
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const next = this.timers.shift();
            if (!next)
                return;
            this.current = Math.max(this.current, next.at);
            next.resolve();
            if (this.timers.length > 0)
                this.schedule();
        });
    }
}

;// CONCATENATED MODULE: ./src/runtime/action-runtime.ts



/** The runtime of a real action run: @actions/core, process env, the SDK and the Docker engine. */
function actionRuntime(signal, workdir, secrets) {
    const onRunner = process.env.GITHUB_ACTIONS === 'true';
    return {
        log: actionsLogger(secrets),
        clock: systemClock,
        signal,
        mask: (secret) => {
            if (secrets.add(secret) && onRunner)
                core/* setSecret */.Pq(secret);
        },
        setOutput: (name, value) => core/* setOutput */.uH(name, secrets.redact(value)),
        saveState: (name, value) => core/* saveState */.LZ(name, secrets.redact(value)),
        writeSummary: async (markdown) => {
            // Outside a runner (the CLI, the demo) there is no summary file: print it instead.
            if (!process.env.GITHUB_STEP_SUMMARY) {
                core/* info */.pq(secrets.redact(markdown));
                return;
            }
            await core/* summary */.z.addRaw(secrets.redact(markdown)).write();
        },
        // Loaded on first use so a configuration error is reported before the SDK is even parsed.
        aws: async (region) => (await Promise.all(/* import() */[__webpack_require__.e(375), __webpack_require__.e(76)]).then(__webpack_require__.bind(__webpack_require__, 96076))).createClients({ region }),
        docker: async () => {
            const { default: Docker } = await Promise.all(/* import() */[__webpack_require__.e(400), __webpack_require__.e(40)]).then(__webpack_require__.t.bind(__webpack_require__, 39040, 23));
            return new Docker();
        },
        workdir,
    };
}

;// CONCATENATED MODULE: ./src/runtime/secrets.ts
/**
 * Secrets the run has seen. On a runner, `::add-mask::` makes the runner hide
 * them; outside one (the CLI, another CI) that command would print the secret
 * itself, so there we only redact. Redacting our own output is done in both
 * cases: a second line of defence costs nothing.
 */
class Secrets {
    values = new Set();
    add(secret) {
        if (!secret || this.values.has(secret))
            return false;
        this.values.add(secret);
        return true;
    }
    redact(text) {
        let out = text;
        // Longest first, so a secret that contains another is hidden whole.
        for (const secret of [...this.values].sort((a, b) => b.length - a.length))
            out = out.split(secret).join('***');
        return out;
    }
}

;// CONCATENATED MODULE: ./src/action.ts




/** The action for a validated configuration: loaded only once the configuration passed. */
async function runAction(config, signal, workdir) {
    const secrets = new Secrets();
    const outcome = await run(actionRuntime(signal, workdir, secrets), config);
    if (outcome.exitCode !== 0)
        core/* setFailed */.C1(secrets.redact(outcome.error ?? 'ecs-release failed'));
}


/***/ })

};
;