import t from 'tap';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { z } from 'zod';
import { serializerCompiler } from 'fastify-type-provider-zod';
import problemDetails, { clientErrorHandler } from '../../src/plugins/problem-details.js';
import { BASE_URL, makeApp, minimalDataset, sqliteFile } from '../helpers/app.js';
import { rawRequest } from '../helpers/raw-http.js';

const PROBLEM = 'application/problem+json';

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string; type: string };
  issues?: unknown;
}

/**
 * The real problem-details plugin in an app of its own, whose one route throws what the test hands it: the
 * errors femto's routes do not raise on purpose (a library's bare SyntaxError, an http-errors 4xx, a driver
 * fault, a bug) must still answer a problem document, and the log must carry what the body may not.
 */
async function faultyApp(t: Tap.Test) {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  let next: Error = new Error('no fault set');
  const app = Fastify({ logger: { level: 'info', stream } });
  await app.register(problemDetails, { baseUrl: BASE_URL });
  app.get('/fault', async () => {
    throw next;
  });
  app.register(async (typed) => {
    typed.setSerializerCompiler(serializerCompiler);
    typed.get('/misanswer', { schema: { response: { 200: z.object({ count: z.number() }) } } }, async () => ({ count: 'seven' }));
  });
  t.teardown(() => app.close());
  const answer = async (fault: Error) => {
    next = fault;
    logs.length = 0;
    const res = await app.inject('/fault');
    return { res, body: res.json(), errors: logs.filter((l) => l.level >= 50) };
  };
  return { app, logs, answer };
}

const withStatus = (message: string, statusCode: number, code?: string) => Object.assign(new Error(message), { statusCode, ...(code ? { code } : {}) });
/** A driver fault as drizzle hands it on: its own error, with better-sqlite3's SqliteError as the cause. */
const driverFault = (code: string) =>
  new Error('Failed to run the query \'INSERT INTO "datasets" ...\'', { cause: new Database.SqliteError(`${code} from the driver`, code) });

t.test('errors no route raises on purpose still answer the problem document of their kind', async (t) => {
  const { answer } = await faultyApp(t);
  const cases: [string, Error, number, string, RegExp][] = [
    [
      'a bare SyntaxError (a body parser of a library)',
      new SyntaxError('Unexpected token } in JSON at position 9'),
      400,
      'MALFORMED_BODY',
      /^Unexpected token \}/,
    ],
    ['a 413 without a Fastify code', withStatus('request entity too large', 413), 413, 'PAYLOAD_TOO_LARGE', /^request entity too large$/],
    ['a 415 without a Fastify code', withStatus('unsupported charset "UTF-7"', 415), 415, 'UNSUPPORTED_MEDIA_TYPE', /^unsupported charset/],
    ['a 400 without a Fastify code', withStatus('bad range', 400), 400, 'VALIDATION_FAILED', /^bad range$/],
    ['a 499 without a Fastify code', withStatus('client closed request', 499), 400, 'VALIDATION_FAILED', /^client closed request$/],
    [
      'a Fastify code femto does not map, with a 4xx status',
      withStatus('Unsupported content type', 400, 'FST_ERR_CTP_INVALID_TYPE'),
      400,
      'VALIDATION_FAILED',
      /^Unsupported content type$/,
    ],
    [
      'a Fastify code femto does not map, with a 5xx status',
      withStatus('reply already sent', 500, 'FST_ERR_REP_ALREADY_SENT'),
      500,
      'INTERNAL',
      /request id is in the log/,
    ],
    ['a 500 without a Fastify code', withStatus('upstream parser crashed', 500), 500, 'INTERNAL', /request id is in the log/],
    ['a 399 (not an error status)', withStatus('odd status', 399), 500, 'INTERNAL', /request id is in the log/],
    ['SQLITE_FULL', driverFault('SQLITE_FULL'), 507, 'STORAGE_FULL', /no space left.*nothing was written/],
    ['SQLITE_BUSY', driverFault('SQLITE_BUSY'), 503, 'STORAGE_UNAVAILABLE', /cannot be written now; nothing was written, retry later/],
    ['SQLITE_BUSY_SNAPSHOT', driverFault('SQLITE_BUSY_SNAPSHOT'), 503, 'STORAGE_UNAVAILABLE', /nothing was written, retry later/],
    ['SQLITE_READONLY', driverFault('SQLITE_READONLY'), 503, 'STORAGE_UNAVAILABLE', /nothing was written, retry later/],
    ['SQLITE_READONLY_DBMOVED', driverFault('SQLITE_READONLY_DBMOVED'), 503, 'STORAGE_UNAVAILABLE', /nothing was written, retry later/],
    ['PostgreSQL ended a transaction left idle (25P03)', driverFault('25P03'), 503, 'STORAGE_UNAVAILABLE', /nothing was written, retry later/],
    ['another driver fault (SQLITE_CORRUPT)', driverFault('SQLITE_CORRUPT'), 500, 'INTERNAL', /request id is in the log/],
    [
      'a bug (a TypeError)',
      new TypeError("Cannot read properties of undefined (reading 'owner') at /srv/femto/src/secret.ts"),
      500,
      'INTERNAL',
      /^An unexpected error occurred; the request id is in the log$/,
    ],
  ];
  for (const [name, fault, status, code, detail] of cases) {
    const { res, body, errors } = await answer(fault);
    t.equal(res.statusCode, status, `${name}: ${status}`);
    t.match(res.headers['content-type'], PROBLEM, `${name}: problem+json`);
    t.match(body, { type: `${BASE_URL}/problems/${code}`, status, code, detail, instance: '/fault' }, `${name}: ${code}`);
    t.notOk('errors' in body, `${name}: no field is at fault`);
    if (status >= 500) {
      t.equal(errors.length, 1, `${name}: one error logged`);
      t.match(errors[0], { level: 50, msg: 'request failed', err: { message: fault.message } }, `${name}: the log names the cause`);
    } else {
      t.equal(errors.length, 0, `${name}: a client's error is not logged as a failure`);
    }
  }
  const bug = await answer(new Error("SELECT token FROM tokens WHERE secret = 'hunter2'"));
  t.notMatch(bug.res.body, /hunter2|SELECT|tokens/, 'an unexpected error leaks nothing of its message into the answer');
  t.match(bug.errors[0], { err: { message: /hunter2/ } }, 'the log keeps it for the operator');
});

t.test('a response that does not match its schema answers 500 and logs which field is wrong', async (t) => {
  const { app, logs } = await faultyApp(t);
  const res = await app.inject('/misanswer');
  t.equal(res.statusCode, 500);
  t.match(res.json(), { code: 'INTERNAL', status: 500 });
  t.notMatch(res.body, /seven|count/, 'the body says nothing of the wrong value');
  const errors = logs.filter((l) => l.level >= 50);
  t.equal(errors.length, 2, 'the mismatch and the failure are logged');
  t.match(errors[0], { msg: 'response did not match its schema', err: { type: 'ResponseSerializationError', message: /"count"/ } });
  t.match(errors[1], { msg: 'request failed' });
});

t.test('a real write into a database that cannot take it answers 503 and writes nothing', async (t) => {
  const a = await makeApp(t, { FEMTO_DB: sqliteFile(t) });
  const { sqlite } = a.app.femto.database;
  sqlite.pragma('query_only = 1');
  const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: minimalDataset() });
  sqlite.pragma('query_only = 0');
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'STORAGE_UNAVAILABLE', detail: /nothing was written/ });
  t.equal((sqlite.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n, 0, 'nothing was written');
});

t.test('a body shorter than its Content-Length is a malformed body, not a validation failure', async (t) => {
  const a = await makeApp(t);
  const body = JSON.stringify(minimalDataset());
  const res = await a.app.inject({
    method: 'POST',
    url: '/datasets',
    headers: { ...a.as.curator, 'content-type': 'application/json', 'content-length': String(body.length + 100) },
    payload: body,
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'MALFORMED_BODY', detail: /Content-Length/ });
});

t.test('a validation error of the whole body points at its root', async (t) => {
  const a = await makeApp(t);
  const res = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: [] });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/', message: /expected object/ }] });
  const fields = await a.app.inject({ method: 'POST', url: '/datasets', headers: a.as.curator, payload: { tier: 3 } });
  t.match(
    fields.json().detail,
    /^\/title: Invalid input: expected string, received undefined; \/description: Invalid input/,
    'the detail names each field at fault with its message',
  );
  const query = await a.app.inject('/datasets?unknown=1');
  t.match(query.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: 'querystring/', message: /unknown/ }] }, 'and of the whole query');
});

/** The problem document the client-error handler writes on the socket: no request, so no instance; the detail is the title. */
const socketProblem = (code: string, status: number, title: string) => ({ type: `${BASE_URL}/problems/${code}`, title, status, detail: title, code });

t.test('a request that does not arrive in time is answered 408 problem+json on the socket, then closed', async (t) => {
  // The real handler on a server that checks for stalled requests every 20 ms (Node's default is 30 s).
  const app = Fastify({ requestTimeout: 200, http: { connectionsCheckingInterval: 20 }, clientErrorHandler: clientErrorHandler(BASE_URL) });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const started = Date.now();
  const res = await rawRequest(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n', { keepOpen: true });
  t.ok(Date.now() - started >= 150, 'after the request timeout');
  t.equal(res.statusLine, 'HTTP/1.1 408 Request Timeout');
  t.equal(res.headers['content-type'], PROBLEM);
  t.equal(res.headers.connection, 'close');
  t.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body), 'Content-Length is the body length');
  t.same(JSON.parse(res.body), socketProblem('REQUEST_TIMEOUT', 408, 'The request was not received in time'));
});

/** What the client-error handler met and left: the socket's state on entry and after it returned. */
interface Met {
  code?: string;
  destroyed: boolean;
  writable: boolean;
  threw: unknown;
  bytesWritten: number;
  destroyedAfter: boolean;
}
function recorded(seen: Met[]) {
  const handle = clientErrorHandler(BASE_URL);
  return (err: Error & { code?: string }, socket: Socket) => {
    const entry = { code: err.code, destroyed: socket.destroyed, writable: socket.writable };
    let threw: unknown = null;
    try {
      handle(err, socket);
    } catch (e) {
      threw = e;
    }
    seen.push({ ...entry, threw, bytesWritten: socket.bytesWritten, destroyedAfter: socket.destroyed });
  };
}

const settled = async (seen: unknown[], n: number) => {
  for (let waited = 0; seen.length < n && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
};

t.test('a client that resets mid-request: Node hands the handler a socket it already destroyed, and nothing is written', async (t) => {
  // The early return on ECONNRESET or a destroyed socket, and the writable check after it, rest on this: test/README.md.
  const seen: Met[] = [];
  const app = Fastify({ clientErrorHandler: recorded(seen) });
  app.post('/upload', async () => ({ ok: true }));
  app.get('/ok', async () => ({ ok: true }));
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  for (const half of [
    'GET /ok HTTP/1.1\r\nHost: x\r\nX-Half: ',
    'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"half":',
  ]) {
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    client.write(half);
    await new Promise((r) => setTimeout(r, 50)); // the server has read the half request
    client.resetAndDestroy();
    await settled(seen, 1);
    t.same(
      seen.splice(0),
      [{ code: 'ECONNRESET', destroyed: true, writable: false, threw: null, bytesWritten: 0, destroyedAfter: true }],
      `${half.split(' ')[0]} cut by a reset: a destroyed, unwritable socket, nothing written, nothing thrown`,
    );
  }
  const res = await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.equal(res.statusCode, 200, 'the server goes on serving');
});

t.test('a request that ends half sent is answered 400 problem+json; on a socket the server already ended nothing more is sent', async (t) => {
  const seen: Met[] = [];
  const app = Fastify({ clientErrorHandler: recorded(seen) });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  // The client's end arrives mid-header: Node's parser fails on a live socket, which is answered.
  const res = await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Half: ');
  t.equal(res.statusLine, 'HTTP/1.1 400 Bad Request');
  t.same(JSON.parse(res.body), socketProblem('MALFORMED_REQUEST', 400, 'The request is not well-formed HTTP'));
  t.match(seen, [{ code: 'HPE_INVALID_EOF_STATE', destroyed: false, writable: true, threw: null, destroyedAfter: true }]);

  // A socket the server has ended but not yet closed (a last answer still being flushed) is not writable: the
  // handler must add nothing to what was sent, and close it. (Node would refuse the write anyway, test/README.md.)
  seen.length = 0;
  const server = createServer((socket) => {
    socket.on('error', () => {}); // as Node's HTTP server does before it hands a socket to the handler
    socket.end('the last answer');
    recorded(seen)(Object.assign(new Error('Parse Error: Data after `Connection: close`'), { code: 'HPE_CLOSED_CONNECTION' }), socket);
  });
  t.teardown(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  client.on('data', (d) => (received += d));
  await once(client, 'close');
  t.equal(received, 'the last answer', 'the client gets what was sent before, and nothing after it');
  t.match(seen, [{ code: 'HPE_CLOSED_CONNECTION', destroyed: false, writable: false, threw: null, bytesWritten: 15, destroyedAfter: true }]);
});
