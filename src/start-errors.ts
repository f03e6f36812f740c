/**
 * A start that cannot go on because of the machine or the configuration, not a bug: its message
 * is one line naming the variable or file at fault and the cause, and the CLI prints just that.
 */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

/** Why the server could not listen, naming HOST and PORT; null for anything else. */
export function listenStartError(err: unknown, host: string, port: number): StartError | null {
  const c = String((err as { code?: unknown } | null)?.code ?? '');
  const at = `HOST=${host} PORT=${port}`;
  if (c === 'EADDRINUSE') return new StartError(`${at}: the port is already in use`);
  if (c === 'EADDRNOTAVAIL' || c === 'ENOTFOUND' || c === 'EAI_AGAIN') return new StartError(`${at}: this machine has no such address (${c})`);
  if (c === 'EACCES') return new StartError(`${at}: not allowed to listen there (ports below 1024 need privileges)`);
  return null;
}
