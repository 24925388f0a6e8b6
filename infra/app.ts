import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT_KEYS, InvalidAppConfig, parseAppConfig } from './app-config.ts';
import { SupervisionEdgeStack } from './edge-stack.ts';
import { SupervisionStack } from './supervision-stack.ts';

const app = new App();
const context = Object.fromEntries(APP_CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key)]));

try {
  const config = parseAppConfig(context);
  new SupervisionStack(app, config.stackName, {
    stackName: config.stackName,
    description: 'Government service supervision campaigns: workflow, survey links, email, scores',
    senderEmail: config.senderEmail,
    maxSendRate: config.maxSendRate,
    publicUrl: config.publicUrl,
  });
  // WAF for CloudFront exists only in us-east-1: the public entry is a stack of its own there.
  new SupervisionEdgeStack(app, `${config.stackName}-Edge`, {
    stackName: `${config.stackName}-Edge`,
    description: 'Government service supervision campaigns: CloudFront and AWS WAF in front of the HTTP API',
    env: { region: 'us-east-1' },
  });
  if (config.nag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  app.synth();
} catch (error) {
  if (!(error instanceof InvalidAppConfig)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
