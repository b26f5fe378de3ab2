// Drives backlog-mcp with the MCP Inspector's command line (`mcp-inspector --cli`)
// and checks what it prints.
//
//   node inspector.mjs --tools FILE --url URL --exchange-log FILE -- COMMAND [ARG...]
//
// --url is a running server (behind tap.py, whose --exchange-log shows which protocol
// version went over the wire); COMMAND starts the server for the stdio run.
// A failed check prints the command line, its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts, positionals: serverCommand } = parseArgs({
  options: { tools: { type: 'string' }, url: { type: 'string' }, 'exchange-log': { type: 'string' } },
  allowPositionals: true,
});
const require = createRequire(import.meta.url);
const inspectorDir = dirname(require.resolve('@modelcontextprotocol/inspector/package.json'));
const launcher = join(inspectorDir, JSON.parse(readFileSync(join(inspectorDir, 'package.json'), 'utf8')).bin['mcp-inspector']);
const expected = readFileSync(opts.tools, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort();
const failures = [];

function inspector(args) {
  const argv = [launcher, '--cli', ...args];
  const shown = `mcp-inspector ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  console.log(`  → ${shown}`);
  const run = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 60_000 });
  let json;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    json = undefined;
  }
  return { ...run, json, shown };
}

function check(ok, what, run) {
  if (ok) {
    console.log(`  ok   ${what}`);
    return;
  }
  console.log(`  FAIL ${what}\n       ${run.shown}`);
  if (run.note !== undefined) {
    console.log(`       ${run.note}`);
  } else {
    console.log(`       exit code ${run.status}${run.signal ? ` (signal ${run.signal})` : ''}${run.error ? ` (${run.error.message})` : ''}`);
    console.log(`       stdout: ${(run.stdout ?? '').slice(0, 6000) || '(empty)'}`);
    console.log(`       stderr: ${(run.stderr ?? '').slice(0, 6000) || '(empty)'}`);
  }
  failures.push(what);
}

const namesOf = (run) => (run.json?.result?.tools ?? []).map((tool) => tool.name).sort();
const sameTools = (run) => JSON.stringify(namesOf(run)) === JSON.stringify(expected);
const textOf = (run) => (run.json?.result?.content ?? []).map((block) => block.text ?? '').join('');
function jsonText(run) {
  try {
    return JSON.parse(textOf(run));
  } catch {
    return undefined;
  }
}
const versionHeaders = (version) => {
  const log = opts['exchange-log'] ? readFileSync(opts['exchange-log'], 'utf8') : '';
  return log.split('\n').filter((line) => line.trim().toLowerCase() === `mcp-protocol-version: ${version}`).length;
};

const http = ['--server-url', opts.url, '--format', 'json'];
for (const [era, version] of [['legacy', '2025-11-25'], ['modern', '2026-07-28']]) {
  const before = versionHeaders(version);
  const list = inspector([...http, '--protocol-era', era, '--method', 'tools/list', '--strict']);
  check(list.status === 0 && sameTools(list),
    `http ${era}: tools/list exits 0 (--strict: no schema portability errors) and lists the ${expected.length} tools of the README`, list);
  const project = inspector([...http, '--protocol-era', era, '--method', 'tools/call', '--tool-name', 'get_project',
    '--tool-arg', 'projectKey=DEMO']);
  const demo = jsonText(project);
  check(project.status === 0 && project.json?.result?.isError !== true && demo?.projectKey === 'DEMO' && demo?.id === 1,
    `http ${era}: tools/call get_project projectKey=DEMO returns project 1`, project);
  const bad = inspector([...http, '--protocol-era', era, '--method', 'tools/call', '--tool-name', 'get_issue']);
  check(bad.status === 5 && bad.json?.result?.isError === true && textOf(bad).includes('issueId or issueKey is required'),
    `http ${era}: tools/call get_issue without arguments exits 5 (tool_is_error) with 'issueId or issueKey is required'`, bad);
  if (opts['exchange-log']) {
    const seen = versionHeaders(version) - before;
    check(seen >= 3, `http ${era}: the requests carried MCP-Protocol-Version ${version} (${seen} seen)`,
      { shown: `grep -ic 'mcp-protocol-version: ${version}' ${opts['exchange-log']}`,
        note: `${seen} request(s) of these three runs carried it; the exchange log below shows what they sent` });
  }
}

if (serverCommand.length > 0) {
  for (const era of ['legacy', 'modern']) {
    const list = inspector(['--format', 'json', '--protocol-era', era, '--method', 'tools/list', '--', ...serverCommand]);
    check(list.status === 0 && sameTools(list), `stdio ${era}: tools/list lists the ${expected.length} tools of the README`, list);
  }
  const myself = inspector(['--format', 'json', '--method', 'tools/call', '--tool-name', 'get_myself', '--', ...serverCommand]);
  check(myself.status === 0 && jsonText(myself)?.id === 1, 'stdio: tools/call get_myself returns user 1', myself);
}

if (failures.length > 0) {
  console.log(`  ${failures.length} check(s) failed: ${JSON.stringify(failures)}`);
  process.exit(1);
}
