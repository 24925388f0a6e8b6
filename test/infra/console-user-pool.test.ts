import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StandardThreatProtectionMode } from 'aws-cdk-lib/aws-cognito';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROLES, ROLE_GROUPS } from '../../functions/core/access/console-access.ts';
import { bindConsoleSignIn } from '../../infra/build/users.ts';
import { SupervisionStack, type SupervisionStackProps } from '../../infra/supervision-stack.ts';
import {
  acknowledgedReasons,
  appContext,
  createProjectRoot,
  logicalId,
  nagFindingsOn,
  STACK_HANDLERS,
  synthesizedOnce,
} from '../support/stack.ts';

interface ClientResource {
  readonly Properties: { readonly WriteAttributes?: string[]; readonly ExplicitAuthFlows: string[] };
}
interface FunctionResource {
  readonly Properties: { readonly Environment: { readonly Variables: Record<string, unknown> } };
}
interface PolicyResource {
  readonly Properties: { readonly PolicyDocument: { readonly Statement: { readonly Action: string | string[] }[] } };
}

/** A project root whose handler files are placeholders: bundling is skipped, only their presence counts. */
let projectRoot: string;

beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'console-user-pool-');
});

afterAll(() => {
  rmSync(projectRoot, { recursive: true, force: true });
});

const buildStack = (props: Partial<SupervisionStackProps> = {}): SupervisionStack =>
  new SupervisionStack(new App({ context: appContext() }), 'Test', {
    senderEmail: 'noreply@example.gov.cn',
    projectRoot,
    ...props,
  });

/** The stack with default props, synthesized once for the read-only assertions. */
const synthesizeDefault = synthesizedOnce(() => buildStack());

describe('console user pool', () => {
  it('lets only administrators create accounts, with a strong password policy', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UsernameConfiguration: { CaseSensitive: false },
      AliasAttributes: ['email'],
    });
  });

  it("holds a coordinator's district in the custom attribute district", () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'district', AttributeDataType: 'String', Mutable: true })]),
    });
  });

  it('offers TOTP as an optional second factor, never SMS', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('scores sign-in risk on the Plus plan, in audit mode unless told to enforce', () => {
    // Prepare
    const enforcing = Template.fromStack(
      buildStack({ consoleThreatProtection: StandardThreatProtectionMode.FULL_FUNCTION }),
    );
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
    enforcing.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('keeps the pool, and its accounts, when the stack is deleted', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });

  it('has one group per console role, ranked organizer, coordinator, leader', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 3);
    for (const [precedence, role] of CONSOLE_ROLES.entries()) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: ROLE_GROUPS[role],
        Precedence: precedence,
        UserPoolId: { Ref: logicalId(stack, stack.consoleUserPool) },
      });
    }
  });
});

describe('console app client', () => {
  it('signs in with username and password or SRP, has no secret and no OAuth', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: logicalId(stack, stack.consoleUserPool) },
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('issues ID tokens valid for one hour', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      IdTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ IdToken: 'minutes' }),
    });
  });

  it('lets no user write their own district or email through the client', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient')) as ClientResource[];
    const writable = client?.Properties.WriteAttributes;
    expect(writable).toBeDefined();
    expect(writable).not.toContain('custom:district');
    expect(writable).not.toContain('email');
  });

  it('publishes the pool and client ids as outputs', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.hasOutput('ConsoleUserPoolId', { Value: { Ref: logicalId(stack, stack.consoleUserPool) } });
    template.hasOutput('ConsoleUserPoolClientId', { Value: { Ref: logicalId(stack, stack.consoleUserPoolClient) } });
  });
});

describe('bindConsoleSignIn', () => {
  it('gives a function the pool and client ids and no IAM permission', () => {
    // Prepare
    const stack = buildStack();
    const before = Template.fromStack(buildStack());
    // Act
    bindConsoleSignIn(stack.surveyFunction, stack.consoleUserPool, stack.consoleUserPoolClient);
    const template = Template.fromStack(stack);
    // Assess
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
    expect(functions[logicalId(stack, stack.surveyFunction)]?.Properties.Environment.Variables).toMatchObject({
      CONSOLE_USER_POOL_ID: { Ref: logicalId(stack, stack.consoleUserPool) },
      CONSOLE_CLIENT_ID: { Ref: logicalId(stack, stack.consoleUserPoolClient) },
    });
    const actions = (template: Template) =>
      Object.values(template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>)
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .flatMap((statement) => statement.Action);
    expect(actions(template)).toEqual(actions(before));
  });

  it('is bound by the stack to the console function only', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
    const signingIn = Object.entries(functions)
      .filter(([, fn]) => 'CONSOLE_USER_POOL_ID' in fn.Properties.Environment.Variables)
      .map(([id]) => id);
    expect(Object.keys(functions).length).toBeGreaterThan(1);
    expect(signingIn).toEqual([logicalId(stack, stack.consoleFunction)]);
  });
});

describe('cdk-nag on the console user pool', () => {
  it('leaves no finding on the pool or its client', () => {
    // Prepare
    const stack = buildStack();
    // Act
    const onPool = nagFindingsOn(stack, ['/ConsoleUserPool']);
    // Assess
    expect(onPool).toEqual([]);
  });

  it('acknowledges optional MFA with the reason', () => {
    // Prepare
    const stack = buildStack();
    // Act
    const reasons = acknowledgedReasons(stack.consoleUserPool, 'AwsSolutions-COG2');
    // Assess
    expect(reasons).toContainEqual(expect.stringMatching(/TOTP/));
    // What it says is what the console does: it sets up an authenticator and answers the challenge.
    expect(reasons).toContainEqual(
      expect.stringMatching(/requires it of the roles.*AssociateSoftwareToken.*SOFTWARE_TOKEN_MFA challenge/),
    );
  });

  it('does not ask Cognito to propagate user context data, which needs a client secret the console client has not', () => {
    // Act
    const { template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      EnablePropagateAdditionalUserContextData: Match.absent(),
    });
  });
});
