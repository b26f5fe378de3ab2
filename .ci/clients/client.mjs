// Drives backlog-mcp (on its --sandbox demo space) with the official TypeScript SDK.
//
//   node client.mjs --sdk v1|v2 --mode legacy|auto --expect-version V --tools FILE --url URL
//   node client.mjs --sdk v1|v2 --mode legacy|auto --expect-version V --tools FILE -- COMMAND [ARG...]
//
// --sdk v1 is @modelcontextprotocol/sdk (2025-11-25 initialize handshake only);
// --sdk v2 is its successor @modelcontextprotocol/client, whose --mode auto probes
// server/discover and must land on 2026-07-28. The same steps as client.py: each
// prints what it sent, and a failed assertion prints what the client saw.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  options: {
    sdk: { type: 'string' },
    mode: { type: 'string' },
    'expect-version': { type: 'string' },
    tools: { type: 'string' },
    url: { type: 'string' },
    label: { type: 'string', default: '' },
  },
  allowPositionals: true,
});
if (!['v1', 'v2'].includes(opts.sdk) || !['legacy', 'auto'].includes(opts.mode) || !opts.tools) {
  console.error('usage: client.mjs --sdk v1|v2 --mode legacy|auto --expect-version V --tools FILE (--url URL | -- COMMAND ...)');
  process.exit(2);
}
if (opts.sdk === 'v1' && opts.mode !== 'legacy') {
  console.error('client.mjs: @modelcontextprotocol/sdk (v1) speaks only the legacy handshake');
  process.exit(2);
}

const failures = [];
const show = (value) => {
  const text = JSON.stringify(value, null, 1) ?? String(value);
  return text.length < 6000 ? text : `${text.slice(0, 6000)} …`;
};
function check(ok, what, seen) {
  if (ok) {
    console.log(`  ok   ${what}`);
  } else {
    console.log(`  FAIL ${what}\n       the client saw: ${show(seen)}`);
    failures.push(what);
  }
}
const textOf = (result) => (result?.content ?? []).map((block) => block.text ?? '').join('');
function jsonOf(result) {
  try {
    return JSON.parse(textOf(result));
  } catch {
    return undefined;
  }
}

let sdk;
if (opts.sdk === 'v1') {
  const [{ Client }, { StreamableHTTPClientTransport }, { StdioClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
  ]);
  sdk = { Client, StreamableHTTPClientTransport, StdioClientTransport };
} else {
  const [{ Client, StreamableHTTPClientTransport }, { StdioClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/client'),
    import('@modelcontextprotocol/client/stdio'),
  ]);
  sdk = { Client, StreamableHTTPClientTransport, StdioClientTransport };
}

const command = positionals;
let transport;
if (opts.url) {
  transport = new sdk.StreamableHTTPClientTransport(new URL(opts.url));
} else if (command.length > 0) {
  transport = new sdk.StdioClientTransport({ command: command[0], args: command.slice(1), stderr: 'inherit' });
} else {
  console.error('client.mjs: give --url or a command after --');
  process.exit(2);
}

// v1 has no getter for the negotiated version; it hands it to the transport.
let negotiated;
if (opts.sdk === 'v1') {
  const original = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version) => {
    negotiated = version;
    original?.(version);
  };
}

const clientOptions = opts.sdk === 'v2' ? { versionNegotiation: { mode: opts.mode } } : {};
const client = new sdk.Client({ name: 'backlog-mcp-ci', version: '0' }, clientOptions);

async function call(name, args) {
  console.log(`  → tools/call ${name} ${JSON.stringify(args)}`);
  return client.callTool({ name, arguments: args });
}

async function scenario() {
  await client.connect(transport);
  if (opts.sdk === 'v2') negotiated = client.getNegotiatedProtocolVersion();
  check(negotiated === opts['expect-version'], `negotiated protocol ${opts['expect-version']}`, { negotiated });
  const info = client.getServerVersion();
  check(info?.name === 'backlog-mcp', 'server identifies as backlog-mcp', info);
  check(client.getServerCapabilities()?.tools !== undefined, 'server declares the tools capability',
    client.getServerCapabilities());

  console.log('  → tools/list');
  const tools = [];
  let cursor;
  for (let page = 0; page < 20; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  const expected = readFileSync(opts.tools, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort();
  const names = tools.map((tool) => tool.name).sort();
  check(JSON.stringify(names) === JSON.stringify(expected), `tools/list lists the ${expected.length} tools of the README`, names);
  check(tools.every((tool) => tool.inputSchema?.type === 'object'), 'every tool has an object inputSchema',
    tools.slice(0, 3).map((tool) => tool.inputSchema));

  const myself = await call('get_myself', {});
  check(!myself.isError && jsonOf(myself)?.id === 1, 'get_myself returns user id 1', myself);

  const projects = await call('get_project_list', {});
  const demo = (Array.isArray(jsonOf(projects)) ? jsonOf(projects) : []).filter((p) => p?.projectKey === 'DEMO');
  check(!projects.isError && demo.length === 1 && demo[0].id === 1, 'get_project_list lists DEMO with id 1', projects);

  const summary = `TypeScript SDK ${opts.sdk} check (${opts.label})`;
  const added = await call('add_issue', { projectId: 1, summary, issueTypeId: 2, priorityId: 3 });
  const issue = jsonOf(added) ?? {};
  const key = typeof issue.issueKey === 'string' ? issue.issueKey : '';
  check(!added.isError && /^DEMO-[1-9][0-9]*$/.test(key) && issue.summary === summary,
    'add_issue creates a DEMO issue with our summary', added);

  if (key) {
    const got = await call('get_issue', { issueKey: key });
    const read = jsonOf(got) ?? {};
    check(!got.isError && read.issueKey === key && read.id === issue.id && read.summary === summary
      && read.issueType?.id === 2 && read.priority?.id === 3,
      `get_issue reads back ${key} as written (summary, Task, Normal)`, got);
  }

  const bad = await call('get_issue', {});
  check(bad.isError === true && textOf(bad).includes('issueId or issueKey is required'),
    "get_issue without arguments: isError with 'issueId or issueKey is required'", bad);
}

const timer = setTimeout(() => {
  console.log('  FAIL no answer within 60 s');
  process.exit(1);
}, 60_000);
try {
  await scenario();
} catch (error) {
  console.log(`  FAIL the SDK threw ${error?.name}: ${error?.message}`);
  if (error?.data !== undefined) console.log(`       error data: ${show(error.data)}`);
  console.log(error?.stack);
  failures.push(`exception ${error?.name}`);
} finally {
  clearTimeout(timer);
  await client.close().catch(() => {});
}
if (failures.length > 0) {
  console.log(`  ${failures.length} check(s) failed: ${JSON.stringify(failures)}`);
  process.exit(1);
}
