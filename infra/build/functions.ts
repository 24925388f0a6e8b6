import type { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SupervisionFunction } from '../supervision-function.ts';
import { TABLE_GRANTS, type TableHandlerName } from '../table-grants.ts';

/** What differs between the stack's functions besides their handler file. */
export interface FunctionSettings {
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** Native packages installed into the bundle for linux-arm64 (see SupervisionFunctionProps). */
  readonly nodeModules?: readonly string[];
}

/** Creates the function of one handler file, bound to the table with exactly that handler's grants. */
export type FunctionFactory = (handlerName: TableHandlerName, settings: FunctionSettings) => SupervisionFunction;

/** Where the stack's functions come from and what they share. */
export interface FunctionDefaults {
  /** Directory holding `functions/` and `package-lock.json`. */
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly table: Table;
}

/**
 * A factory of the stack's functions: each named `<PascalCase handler>Function` under `scope`, with
 * `TABLE_NAME` and its own table grants (infra/table-grants.ts).
 */
export function makeFunctionFactory(scope: Construct, defaults: FunctionDefaults): FunctionFactory {
  return (handlerName, settings) => {
    const fn = new SupervisionFunction(scope, `${toPascalCase(handlerName)}Function`, {
      projectRoot: defaults.projectRoot,
      handlerName,
      logRetention: defaults.logRetention,
      ...settings,
    });
    // Least privilege by key space: what this function's store calls touch, nothing more.
    fn.bindTable(defaults.table, TABLE_GRANTS[handlerName]);
    return fn;
  };
}

/** `send-mail` → `SendMail`. */
export function toPascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
