import { connect, type Socket } from 'node:net';

/** One request to send. */
export interface ClientRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A lean HTTP/1.1 client for load generation: one kept-alive socket, one request at a time, the
 * request written as one buffer and the response read by its status line and Content-Length. It
 * spends a fraction of the CPU node:http does per request, and in a benchmark on one machine that
 * CPU is taken from the server under test.
 */
export class KeptAliveConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  private readonly host: string;
  private readonly port: number;

  // Plain fields, no parameter properties: the client thread runs with Node's type stripping.
  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  /** Sends one request; resolves with the response's status once its whole body has arrived. */
  async send(r: ClientRequest): Promise<number> {
    const socket = this.socket ?? (await this.open());
    const url = new URL(r.url);
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const head =
      `${r.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\naccept: application/json\r\n` +
      (body ? `content-type: application/json\r\ncontent-length: ${body.length}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(body ? Buffer.concat([Buffer.from(head), body]) : head);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host, () => resolve(socket));
      socket.setNoDelay(true);
      socket.on('data', (chunk) => this.read(chunk));
      socket.once('error', (error) => {
        this.waiting?.reject(error);
        this.waiting = undefined;
        reject(error);
      });
      socket.once('close', () => {
        this.socket = undefined;
        this.waiting?.reject(new Error('the server closed the connection'));
        this.waiting = undefined;
      });
      this.socket = socket;
    });
  }

  /** Completes the waiting request once its status line, headers and Content-Length bytes are in. */
  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.waiting?.reject(new Error(`no Content-Length in the response: ${head.split('\r\n')[0]}`));
      this.waiting = undefined;
      return;
    }
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(status);
  }
}
