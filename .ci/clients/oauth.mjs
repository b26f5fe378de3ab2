// Signs in to backlog-mcp's OAuth mode with the official TypeScript SDK's OAuth client
// (@modelcontextprotocol/sdk client auth), then calls tools as the signed-in user.
//
//   node oauth.mjs --url https://127.0.0.1:PORT/mcp --tools FILE --user-id 2 --expect-user alice
//
// run.sh puts the server (`--sandbox`, OAuth mode) behind nginx, which terminates TLS with a
// throw-away CA; NODE_EXTRA_CA_CERTS makes Node trust it. The SDK does discovery,
// registration, PKCE and the token requests itself. Only the user agent is ours:
// redirectToAuthorization(url) follows the authorization URL with fetch instead of a
// browser (the server's /authorize → the sandbox's consent page, whose form it reads and
// approves as --user-id → the server's /callback → our redirect URL with the code).
// Nothing listens on that redirect URL: the last redirect is read, not followed.
//
// Steps and every request the SDK makes are printed; a failed assertion prints what the
// client saw, as in client.mjs.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    tools: { type: 'string' },
    'user-id': { type: 'string' },
    'expect-user': { type: 'string' },
  },
});
if (!opts.url || !opts.tools || !/^[0-9]+$/.test(opts['user-id'] ?? '') || !opts['expect-user']) {
  console.error('usage: oauth.mjs --url https://HOST:PORT/mcp --tools FILE --user-id N --expect-user USERID');
  process.exit(2);
}
const mcpUrl = new URL(opts.url);
const base = mcpUrl.origin; // MCP_SERVER_BASE_URL, as the server must advertise it
const userId = Number(opts['user-id']);
const expectUser = opts['expect-user'];
const REDIRECT_URL = 'http://127.0.0.1:9/oauth/callback';

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

// Why a fetch failed: undici hides it in the cause (a TLS or connection error).
const causeOf = (error) => [error?.cause?.code, error?.cause?.message].filter(Boolean).join(' ') || 'no cause given';

// Every request the SDK makes (MCP and OAuth alike) goes through this fetch and is kept.
const requests = [];
async function recordingFetch(input, init) {
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  let what = '';
  if (init?.body instanceof URLSearchParams) {
    what = `grant_type=${init.body.get('grant_type')}`;
  } else if (typeof init?.body === 'string') {
    try {
      const body = JSON.parse(init.body);
      what = body.method ?? (body.redirect_uris ? 'client registration' : '');
    } catch {
      // not JSON: nothing to name
    }
  }
  let response;
  try {
    response = await fetch(input, init);
  } catch (error) {
    console.log(`  · SDK ${method} ${url}${what ? ` (${what})` : ''} → ${error.message}: ${causeOf(error)}`);
    throw error;
  }
  const entry = { method, url, what, status: response.status };
  if (response.status === 401) entry.challenge = response.headers.get('www-authenticate');
  requests.push(entry);
  console.log(`  · SDK ${method} ${url}${what ? ` (${what})` : ''} → ${response.status}`);
  return response;
}
const tokenRequests = (grant) => requests.filter((r) => r.url === `${base}/token` && r.what === `grant_type=${grant}`);

// ---- the user agent: what a browser and the person in front of it would do ----------
async function expectRedirect(response, step) {
  const location = response.headers.get('location');
  if (response.status !== 302 && response.status !== 303) {
    const body = await response.text().catch(() => '');
    throw new Error(`${step}: expected a redirect, got ${response.status}: ${body.slice(0, 2000)}`);
  }
  if (!location) throw new Error(`${step}: ${response.status} without a Location`);
  return new URL(location, response.url);
}

const attr = (tag, name) => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
const unescapeHtml = (text) =>
  text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Follows an authorization URL to the code that comes back to REDIRECT_URL. */
async function signIn(authorizationUrl, expectedState) {
  const get = async (url, step) => {
    const response = await fetch(url, { redirect: 'manual' });
    console.log(`  → user agent: GET ${url.origin}${url.pathname} (${step}) ← ${response.status}`);
    return response;
  };
  const consentUrl = await expectRedirect(await get(authorizationUrl, 'authorize'), '/authorize');
  console.log(`    to ${consentUrl.origin}${consentUrl.pathname}`);
  if (!consentUrl.pathname.endsWith('/OAuth2AccessRequest.action')) {
    throw new Error(`/authorize did not send us to Backlog's consent page: ${consentUrl}`);
  }
  const page = await get(consentUrl, 'consent page');
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the consent page answered ${page.status}: ${html.slice(0, 2000)}`);
  const form = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/)?.[0];
  if (!form) throw new Error(`no form on the consent page: ${html.slice(0, 2000)}`);
  const formTag = form.match(/<form\b[^>]*>/)[0];
  const action = new URL(unescapeHtml(attr(formTag, 'action') ?? ''), consentUrl);
  const fields = new URLSearchParams();
  for (const input of form.match(/<input\b[^>]*>/g) ?? []) {
    if (attr(input, 'type') === 'hidden') fields.append(attr(input, 'name'), unescapeHtml(attr(input, 'value') ?? ''));
  }
  const users = [...form.matchAll(/<option value="([0-9]+)">([^<]*)<\/option>/g)].map((m) => [Number(m[1]), m[2]]);
  const user = users.find(([id]) => id === userId);
  if (!user) throw new Error(`the consent page offers no user ${userId}: ${show(users)}`);
  console.log(`    the consent page offers ${users.length} users; approving as ${user[1]}`);
  fields.append('user_id', String(userId));
  fields.append('decision', 'approve');
  const posted = await fetch(action, { method: 'POST', body: fields, redirect: 'manual' });
  console.log(`  → user agent: POST ${action.origin}${action.pathname} (approve) ← ${posted.status}`);
  const callback = await expectRedirect(posted, 'the consent form');
  console.log(`    to ${callback.origin}${callback.pathname}`);
  if (!callback.href.startsWith(`${base}/callback?`)) {
    throw new Error(`the consent page did not send us to ${base}/callback: ${callback}`);
  }
  const back = await expectRedirect(await get(callback, 'callback'), '/callback');
  console.log(`    to ${back.origin}${back.pathname}`);
  if (!back.href.startsWith(`${REDIRECT_URL}?`)) throw new Error(`/callback did not send us back to ${REDIRECT_URL}: ${back}`);
  if (back.searchParams.get('error')) throw new Error(`/callback answered an error: ${back.search}`);
  if (back.searchParams.get('state') !== expectedState) {
    throw new Error(`state came back as ${back.searchParams.get('state')}, not ${expectedState}`);
  }
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back}`);
  return code;
}

// ---- OAuthClientProvider: everything in memory ----------------------------------------
class MemoryProvider {
  constructor() {
    this.client = undefined;
    this.saved = []; // every saveTokens, in order
    this.verifier = undefined;
    this.lastState = undefined;
    this.authorizations = []; // every URL given to redirectToAuthorization
    this.codes = [];
    this.invalidated = [];
    this.current = undefined; // the tokens
  }
  get redirectUrl() {
    return REDIRECT_URL;
  }
  get clientMetadata() {
    return {
      client_name: 'backlog-mcp CI (TypeScript SDK OAuth client)',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    this.lastState = randomUUID();
    return this.lastState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information) {
    this.client = information;
  }
  tokens() {
    return this.current;
  }
  saveTokens(tokens) {
    this.current = tokens;
    this.saved.push(tokens);
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
  invalidateCredentials(scope) {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.current = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }
  async redirectToAuthorization(url) {
    this.authorizations.push(url);
    console.log(`  · SDK asks the user to open ${url.origin}${url.pathname}?${[...url.searchParams.keys()].join('&')}`);
    this.codes.push(await signIn(url, this.lastState));
  }
}

// ---- the scenario ---------------------------------------------------------------------
const provider = new MemoryProvider();
const clients = [];
function connection() {
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch });
  const client = new Client({ name: 'backlog-mcp-ci-oauth', version: '0' });
  clients.push(client);
  return { transport, client };
}

async function call(client, name, args) {
  console.log(`  → tools/call ${name} ${JSON.stringify(args)}`);
  return client.callTool({ name, arguments: args });
}

async function scenario() {
  console.log(`  → connect to ${mcpUrl} without a token`);
  const first = connection();
  let refused;
  try {
    await first.client.connect(first.transport);
  } catch (error) {
    refused = error;
  }
  check(refused instanceof UnauthorizedError, "connect fails with the SDK's UnauthorizedError",
    refused ? { name: refused.name, message: refused.message, cause: causeOf(refused), stack: refused.stack }
      : 'connect succeeded');
  if (!(refused instanceof UnauthorizedError)) return;
  const challenge = requests.find((r) => r.url === mcpUrl.href && r.status === 401);
  check(challenge?.challenge?.startsWith('Bearer ')
    && challenge.challenge.includes(`resource_metadata="${base}/.well-known/oauth-protected-resource${mcpUrl.pathname}"`),
    `the first MCP request is answered 401 with the challenge naming ${base}'s resource metadata`, requests);
  check(requests.some((r) => r.url.startsWith(`${base}/.well-known/oauth-protected-resource`) && r.status === 200)
    && requests.some((r) => r.url === `${base}/.well-known/oauth-authorization-server` && r.status === 200),
    'the SDK discovered the resource and authorization server metadata over https', requests);
  check(typeof provider.client?.client_id === 'string'
    && requests.some((r) => r.url === `${base}/register` && r.status === 201),
    'the SDK registered itself dynamically at /register', { client: provider.client, requests });
  const authorization = provider.authorizations[0];
  check(provider.authorizations.length === 1 && authorization?.href.startsWith(`${base}/authorize?`)
    && authorization.searchParams.get('code_challenge_method') === 'S256'
    && authorization.searchParams.get('resource') === mcpUrl.href,
    `the SDK sent the user to ${base}/authorize with PKCE S256 and resource ${mcpUrl.href}`,
    provider.authorizations.map(String));
  check(provider.codes.length === 1, 'the user agent came back with a code and our state', provider.codes);
  if (provider.codes.length !== 1) return;

  console.log('  → transport.finishAuth(code)');
  await first.transport.finishAuth(provider.codes[0]);
  const issued = provider.tokens();
  check(issued?.token_type?.toLowerCase() === 'bearer' && typeof issued.access_token === 'string'
    && typeof issued.refresh_token === 'string' && tokenRequests('authorization_code').some((r) => r.status === 200),
    'finishAuth exchanged the code for a bearer token and a refresh token',
    { tokens: issued && { ...issued, access_token: '…', refresh_token: '…' }, requests });

  console.log('  → connect again, signed in');
  const { transport, client } = connection();
  await client.connect(transport);
  const info = client.getServerVersion();
  check(info?.name === 'backlog-mcp', 'server identifies as backlog-mcp', info);

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

  const myself = await call(client, 'get_myself', {});
  check(!myself.isError && jsonOf(myself)?.id === userId && jsonOf(myself)?.userId === expectUser,
    `get_myself returns the user who signed in (id ${userId}, userId ${expectUser})`, myself);

  // A refresh through the SDK: the server stops taking the access token (as when it expires
  // after its hour), answers 401, and the SDK refreshes with its refresh token and retries.
  const before = provider.tokens();
  provider.current = { ...before, access_token: `${before.access_token.slice(0, 8)}-not-issued-by-this-server` };
  const refreshesBefore = tokenRequests('refresh_token').length;
  console.log('  → the access token no longer counts; tools/call get_myself again');
  const again = await call(client, 'get_myself', {});
  const after = provider.tokens();
  check(!again.isError && jsonOf(again)?.id === userId && jsonOf(again)?.userId === expectUser,
    `after the 401 the SDK refreshed and get_myself still returns ${expectUser}`, again);
  check(tokenRequests('refresh_token').length === refreshesBefore + 1
    && tokenRequests('refresh_token').at(-1).status === 200 && provider.authorizations.length === 1,
    'the SDK used grant_type=refresh_token once (no new sign-in)', requests.slice(-6));
  check(typeof after?.refresh_token === 'string' && after.refresh_token !== before.refresh_token
    && after.access_token !== before.access_token,
    'the refresh rotated both tokens', { same_refresh: after?.refresh_token === before.refresh_token });
}

const timer = setTimeout(() => {
  console.log('  FAIL no answer within 60 s');
  process.exit(1);
}, 60_000);
try {
  await scenario();
} catch (error) {
  console.log(`  FAIL the SDK or the user agent threw ${error?.name}: ${error?.message}`);
  if (error?.cause) console.log(`       cause: ${causeOf(error)}`);
  console.log(error?.stack);
  failures.push(`exception ${error?.name}`);
} finally {
  clearTimeout(timer);
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
}
if (failures.length > 0) {
  console.log(`  ${failures.length} check(s) failed: ${JSON.stringify(failures)}`);
  process.exit(1);
}
