declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options of the dynalite DynamoDB emulator. */
  export interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
  }
  /** Creates (does not start) a dynalite HTTP server. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
