/** The template metadata key naming a function's handler file (infra/supervision-function.ts). */
export const HANDLER_METADATA = 'service-supervision:handler';

/** A CloudFormation template as synthesized. */
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
}

/** Local values the template's references resolve to. */
export interface LocalBindings {
  region: string;
  account: string;
  tableName: string;
  apiUrl: string;
  senderEmail: string;
  stackName: string;
  cognito?: { userPoolId: string; clientId: string };
}

/** Raised when the template holds something the embedded cloud cannot stand in for. */
export class UnsupportedTemplate extends Error {
  override name = 'UnsupportedTemplate';
}

/** A template value with its intrinsic functions resolved. */
export type Resolved = string | number | boolean | null | Resolved[] | { [key: string]: Resolved };

/** A resource of the template: its logical id, properties and metadata. */
export interface TemplateResource {
  id: string;
  props: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Resolves a template's intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
 * `Fn::Sub`) against local stand-ins: the table name, ARNs in the local account, the local API's URL.
 */
export class TemplateResolver {
  private readonly template: Template;
  private readonly local: LocalBindings;

  /** Resolves references of `template` to the values of `local`. */
  constructor(template: Template, local: LocalBindings) {
    this.template = template;
    this.local = local;
  }

  /** The template's resources of one type. */
  resourcesOf(type: string): TemplateResource[] {
    return Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ id, props: r.Properties ?? {}, metadata: r.Metadata ?? {} }));
  }

  /** The handler file a function of the stack names in its metadata. */
  handlerOf(id: string): string {
    const name = this.template.Resources[id]?.Metadata?.[HANDLER_METADATA];
    if (typeof name !== 'string')
      throw new UnsupportedTemplate(`function ${id} names no handler file (${HANDLER_METADATA})`);
    return name;
  }

  /** A state machine's name: its `StateMachineName`, or its logical id. */
  stateMachineName(id: string): string {
    const name = this.template.Resources[id]?.Properties?.StateMachineName;
    return typeof name === 'string' ? name : id;
  }

  /** A value with every intrinsic function in it resolved. */
  resolve(value: unknown): Resolved {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value as Resolved;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [fn, arg] = first;
      if (fn === 'Ref' || fn.startsWith('Fn::')) return this.resolveIntrinsic(fn, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** `Ref` of a parameter, a pseudo parameter, or a resource, as its local stand-in. */
  ref(id: string): string {
    const parameter = this.template.Parameters?.[id];
    if (parameter) {
      if (id === 'SenderEmail') return this.local.senderEmail;
      if (typeof parameter.Default === 'string') return parameter.Default;
      throw new UnsupportedTemplate(`parameter ${id} has no local value`);
    }
    switch (id) {
      case 'AWS::Region':
        return this.local.region;
      case 'AWS::AccountId':
        return this.local.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.local.stackName;
    }
    return this.refResource(id);
  }

  /** `Fn::GetAtt` of a resource, as its local stand-in. */
  getAtt(id: string, attribute: string): string {
    const { local } = this;
    const type = this.typeOf(id);
    switch (`${type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
        return this.arn('dynamodb', `table/${local.tableName}`);
      case 'AWS::DynamoDB::Table.StreamArn':
        return this.arn('dynamodb', `table/${local.tableName}/stream/local`);
      case 'AWS::Lambda::Function.Arn':
        return this.arn('lambda', `function:${this.handlerOf(id)}`);
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${local.account}:role/${id}`;
      case 'AWS::Logs::LogGroup.Arn':
        return this.arn('logs', `log-group:${id}:*`);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return local.apiUrl;
      case 'AWS::KMS::Key.Arn':
        return this.arn('kms', `key/${id}`);
      case 'AWS::SQS::Queue.Arn':
        return this.arn('sqs', id);
      case 'AWS::SNS::Topic.TopicArn':
        return this.arn('sns', id);
      case 'AWS::StepFunctions::StateMachine.Name':
        return this.stateMachineName(id);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.arn('states', `stateMachine:${this.stateMachineName(id)}`);
      case 'AWS::Cognito::UserPool.Arn':
        return this.arn('cognito-idp', `userpool/${this.ref(id)}`);
      case 'AWS::SecretsManager::Secret.Id':
        return this.ref(id);
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${this.ref(id)}`;
    }
    throw new UnsupportedTemplate(
      `the embedded cloud has no local stand-in for Fn::GetAtt ${id}.${attribute} (${type})`,
    );
  }

  private typeOf(id: string): string {
    const resource = this.template.Resources[id];
    if (!resource) throw new UnsupportedTemplate(`the template refers to ${id}, which it does not define`);
    return resource.Type;
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.local.region}:${this.local.account}:${resource}`;
  }

  private refResource(id: string): string {
    const { local } = this;
    const type = this.typeOf(id);
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return local.tableName;
      case 'AWS::Lambda::Function':
        return this.handlerOf(id);
      case 'AWS::IAM::Role':
        return `${id}`;
      case 'AWS::SecretsManager::Secret':
        return this.arn('secretsmanager', `secret:${id}-local`);
      case 'AWS::SES::ConfigurationSet':
        return id;
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${this.stateMachineName(id)}`);
      case 'AWS::SNS::Topic':
        return this.arn('sns', id);
      case 'AWS::SQS::Queue':
        return `http://sqs.local/${local.account}/${id}`;
      case 'AWS::ApiGatewayV2::Api':
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Stage':
      case 'AWS::Logs::LogGroup':
      case 'AWS::KMS::Key':
        return id;
      case 'AWS::Cognito::UserPool':
        return local.cognito?.userPoolId ?? `${local.region}_local`;
      case 'AWS::Cognito::UserPoolClient':
        return local.cognito?.clientId ?? 'local-client';
      case 'AWS::S3::Bucket': {
        // Its own name when the stack gives one, else one made of its logical id (S3 names are lower case).
        const named = this.template.Resources[id]?.Properties?.BucketName;
        return named === undefined ? id.toLowerCase() : String(this.resolve(named));
      }
    }
    throw new UnsupportedTemplate(`the embedded cloud has no local stand-in for Ref ${id} (${type})`);
  }

  private resolveIntrinsic(fn: string, arg: unknown): Resolved {
    if (fn === 'Ref') return this.ref(String(arg));
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return this.getAtt(String(id), String(attribute));
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return (this.resolve(parts) as Resolved[]).map(String).join(separator);
    }
    if (fn === 'Fn::Select') {
      const [index, list] = arg as [number | string, unknown];
      return (this.resolve(list) as Resolved[])[Number(index)] ?? null;
    }
    if (fn === 'Fn::Split') {
      const [separator, source] = arg as [string, unknown];
      return String(this.resolve(source)).split(separator);
    }
    if (fn === 'Fn::Sub') {
      const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
      return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
        if (name in variables) return String(this.resolve(variables[name]));
        const [id, attribute] = name.split('.');
        return attribute ? this.getAtt(String(id), attribute) : this.ref(name);
      });
    }
    throw new UnsupportedTemplate(`the embedded cloud does not resolve ${fn}`);
  }
}
