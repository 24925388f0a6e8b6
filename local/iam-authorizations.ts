import type { StackModel } from './stack-model.ts';

/** A service behind the IAM gateway. */
export type Service = 'dynamodb' | 'ses' | 'sfn' | 'secretsmanager' | 's3';

/** One authorization IAM makes for a call. */
export interface Authorization {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** The resource's own policy, where the service requires one (a KMS key's key policy). */
  resourcePolicy?: unknown;
}

type AttributeValue = { S?: string; N?: string; B?: string };
type Item = Record<string, AttributeValue>;
const keyValue = (item: Item | undefined, attribute: string): string | undefined => {
  const value = item?.[attribute];
  return value?.S ?? value?.N ?? value?.B;
};

/** What IAM authorizes for one DynamoDB call: the action on the table or index, with the partition keys touched. */
export const dynamodbAuthorizations = (
  operation: string,
  body: Record<string, unknown>,
  model: Pick<StackModel, 'table' | 'region' | 'account'>,
): Authorization[] => {
  const tableArn = (name: unknown) => `arn:aws:dynamodb:${model.region}:${model.account}:table/${String(name)}`;
  const action = `dynamodb:${operation}`;
  const pk = model.table.partitionKey;
  const withKeys = (resource: string, keys: (string | undefined)[]): Authorization => {
    const present = keys.filter((k): k is string => k !== undefined);
    return { action, resource, context: present.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(present)] } : {} };
  };
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [withKeys(tableArn(body.TableName), [keyValue(body.Key as Item, pk)])];
    case 'PutItem':
      return [withKeys(tableArn(body.TableName), [keyValue(body.Item as Item, pk)])];
    case 'Query':
    case 'Scan': {
      const index = model.table.indexes.find((i) => i.name === body.IndexName);
      const resource = index ? `${tableArn(body.TableName)}/index/${index.name}` : tableArn(body.TableName);
      if (operation === 'Scan') return [withKeys(resource, [])];
      const attribute = index?.partitionKey ?? pk;
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
      let key: string | undefined;
      for (const m of String(body.KeyConditionExpression ?? '').matchAll(/(#?[\w.]+)\s*=\s*(:[\w]+)/g)) {
        const name = m[1]?.startsWith('#') ? names[m[1]] : m[1];
        if (name === attribute) key = keyValue({ v: values[m[2] ?? ''] ?? {} }, 'v');
      }
      return [withKeys(resource, [key])];
    }
    case 'BatchGetItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>).map(([table, request]) =>
        withKeys(
          tableArn(table),
          (request.Keys ?? []).map((k) => keyValue(k, pk)),
        ),
      );
    case 'BatchWriteItem':
      return Object.entries(
        (body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>,
      ).map(([table, requests]) =>
        withKeys(
          tableArn(table),
          requests.map((r) => keyValue(r.PutRequest?.Item ?? r.DeleteRequest?.Key, pk)),
        ),
      );
    default:
      return [{ action, resource: tableArn(body.TableName ?? '*'), context: {} }];
  }
};

/** The address in `Name <address>`, or the text itself. */
const addressOf = (from: string): string => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();

/** What IAM authorizes for one SES (v1 query API) call. */
export const sesAuthorizations = (
  params: URLSearchParams,
  model: Pick<StackModel, 'region' | 'account'>,
): Authorization[] => {
  const operation = params.get('Action') ?? '';
  const action = `ses:${operation}`;
  if (operation !== 'SendEmail' && operation !== 'SendRawEmail') return [{ action, resource: '*', context: {} }];
  let source = params.get('Source') ?? '';
  if (!source && operation === 'SendRawEmail') {
    const raw = Buffer.from(params.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    source = /^From:\s*(.+)$/im.exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? '';
  }
  const from = addressOf(source);
  const context = { 'ses:FromAddress': from };
  const arn = (resource: string) => `arn:aws:ses:${model.region}:${model.account}:${resource}`;
  const authorizations: Authorization[] = [{ action, resource: arn(`identity/${from}`), context }];
  const configurationSet = params.get('ConfigurationSetName');
  if (configurationSet)
    authorizations.push({ action, resource: arn(`configuration-set/${configurationSet}`), context });
  return authorizations;
};

/** What IAM authorizes for one Step Functions call; callbacks are authorized on the state machine. */
export const sfnAuthorizations = (
  operation: string,
  body: Record<string, unknown>,
  model: Pick<StackModel, 'stateMachine'>,
): Authorization[] => {
  const action = `states:${operation}`;
  if (operation.startsWith('SendTask')) return [{ action, resource: model.stateMachine.arn, context: {} }];
  const resource = body.stateMachineArn ?? body.executionArn;
  return [{ action, resource: typeof resource === 'string' ? resource : '*', context: {} }];
};

/** What IAM authorizes for one call to `service`, read from its operation and request body. */
export const authorizationsOf = (
  service: Service,
  operation: string,
  text: string,
  json: () => Record<string, unknown>,
  model: StackModel,
): Authorization[] =>
  service === 'dynamodb'
    ? dynamodbAuthorizations(operation, json(), model)
    : service === 'ses'
      ? sesAuthorizations(new URLSearchParams(text), model)
      : service === 'sfn'
        ? sfnAuthorizations(operation, json(), model)
        : [{ action: `secretsmanager:${operation}`, resource: String(json().SecretId ?? '*'), context: {} }];
