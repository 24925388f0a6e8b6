declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Options of the s3rver S3 emulator (the ones the embedded cloud uses). */
  export interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  /** One S3 event as s3rver emits it (the shape of a notification, with s3rver's own values). */
  export interface S3rverEvent {
    Records: {
      eventName: string;
      eventTime: string;
      s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
    }[];
  }
  /** A Koa application emulating S3; `callback()` serves it from any HTTP server. */
  export default class S3rver {
    constructor(options?: S3rverOptions);
    configureBuckets(): Promise<void>;
    /** Koa's handler: its promise settles once the request's middleware (file writes included) is done. */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
  }
}
