// A deliberately tiny LSP client (JSON-RPC 2.0 over stdio with Content-Length
// framing) used by tests/editor-lsp.test.ts to drive a real language server the
// way an editor does. Not a test file itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface LspMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type RequestHandler = (params: unknown) => unknown;

interface PendingRequest {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class LspClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number | string, PendingRequest>();
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #notificationWaiters: { method: string; test(params: unknown): boolean; resolve(params: unknown): void }[] = [];
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #exited = false;
  /** Every notification the server sent, in order (method + params). */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Every request the server sent to us, in order. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  /** The server's stderr, for failure messages. */
  stderr = '';

  constructor(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.#child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = true;
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`language server exited (${code ?? signal}) before answering ${pending.method}\n${this.stderr}`));
        this.#pending.delete(id);
      }
    });
  }

  /** Answers server→client requests of `method` with `handler(params)`. Unhandled requests get `null`. */
  onRequest(method: string, handler: RequestHandler): void {
    this.#handlers.set(method, handler);
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 90_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`LSP request ${method} timed out after ${timeoutMs} ms\nserver log:\n${this.logText()}`));
      }, timeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
      this.#send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.#send({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the params of the first (future) notification of `method` that passes `test`. */
  waitForNotification<T = unknown>(method: string, test: (params: T) => boolean = () => true, timeoutMs = 90_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${method} notification within ${timeoutMs} ms\nserver log:\n${this.logText()}`)),
        timeoutMs,
      );
      this.#notificationWaiters.push({
        method,
        test: test as (params: unknown) => boolean,
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params as T);
        },
      });
    });
  }

  /** The server's window/logMessage and window/showMessage text, for diagnosing failures. */
  logText(): string {
    const lines = this.notifications
      .filter((n) => n.method === 'window/logMessage' || n.method === 'window/showMessage')
      .map((n) => (n.params as { message?: string }).message ?? '');
    return [...lines, this.stderr].join('\n');
  }

  /** Polite LSP shutdown; kills the process if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null, 10_000);
      this.notify('exit', null);
    } catch {
      // fall through to kill
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  #send(message: LspMessage): void {
    if (this.#exited) throw new Error(`language server has exited; cannot send ${message.method ?? 'response'}`);
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.#child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.#child.stdin.write(body);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const headerEnd = this.#buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.#buffer.subarray(0, headerEnd).toString('ascii');
      const match = /Content-Length: *(\d+)/i.exec(header);
      if (!match) throw new Error(`bad LSP header: ${header}`);
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.#buffer.length < start + length) return;
      const body = this.#buffer.subarray(start, start + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(start + length);
      this.#dispatch(JSON.parse(body) as LspMessage);
    }
  }

  #dispatch(message: LspMessage): void {
    if (message.method !== undefined && message.id !== undefined) {
      // server → client request
      this.serverRequests.push({ method: message.method, params: message.params });
      const handler = this.#handlers.get(message.method);
      let result: unknown = null;
      let error: LspMessage['error'];
      try {
        result = handler ? handler(message.params) ?? null : null;
      } catch (caught) {
        error = { code: -32603, message: String(caught) };
      }
      this.#send(error ? { jsonrpc: '2.0', id: message.id, error } : { jsonrpc: '2.0', id: message.id, result });
      return;
    }
    if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
      for (let i = 0; i < this.#notificationWaiters.length; i++) {
        const waiter = this.#notificationWaiters[i]!;
        if (waiter.method === message.method && waiter.test(message.params)) {
          this.#notificationWaiters.splice(i, 1);
          waiter.resolve(message.params);
          i--;
        }
      }
      return;
    }
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) {
        pending.reject(new Error(`${pending.method} failed: ${message.error.message}`));
      } else {
        pending.resolve(message.result);
      }
    }
  }
}
