import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintTemplates, validateWorkflow } from './output-checks.ts';

// `npm run synth`, after `cdk synth`: the workflow definition and the synthesized templates must be valid.
const root = fileURLToPath(new URL('..', import.meta.url));
const templates = readdirSync(path.join(root, 'cdk.out'))
  .filter((name) => name.endsWith('.template.json'))
  .map((name) => path.join('cdk.out', name));
const checks = [
  {
    name: 'asl-validator workflows/campaign.asl.json',
    ...validateWorkflow(path.join(root, 'workflows/campaign.asl.json'), root),
  },
  { name: `cfn-lint ${templates.join(' ')}`, ...lintTemplates(templates, root) },
];
for (const check of checks) {
  console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}`);
  if (!check.ok) console.log(check.output.trim());
}
if (templates.length === 0 || checks.some((check) => !check.ok)) process.exitCode = 1;
