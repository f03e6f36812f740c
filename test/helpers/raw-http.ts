import { connect } from 'node:net';

/**
 * Sends raw bytes to a server on loopback and reads until the server closes: for what app.inject cannot send
 * (oversized headers, broken HTTP, a request that stalls). `keepOpen` leaves the client's side open, so the
 * request is still arriving as far as the server knows.
 */
export async function rawRequest(port: number, request: string, opts: { keepOpen?: boolean } = {}) {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => (opts.keepOpen ? socket.write(request) : socket.end(request)));
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
  const [head, body] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  return {
    statusLine,
    statusCode: Number(statusLine.split(' ')[1]),
    headers: Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])),
    body,
  };
}
