import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { type ConsoleRole, ROLE_GROUPS } from '../../functions/core/access/console-access.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';

/**
 * Creates a console account in the embedded cloud's user pool the way an administrator does: with a
 * temporary password it must replace at its first sign-in, in the group of its role.
 */
export const createAccountWithTemporaryPassword = async (
  cloud: EmbeddedCloud,
  account: { username: string; role: ConsoleRole; temporaryPassword: string },
): Promise<void> => {
  const UserPoolId = process.env.CONSOLE_USER_POOL_ID;
  if (!cloud.urls.cognito || !UserPoolId) throw new Error('the embedded cloud was started without console: true');
  const admin = new CognitoIdentityProviderClient({
    endpoint: cloud.urls.cognito,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: account.username,
        TemporaryPassword: account.temporaryPassword,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: `${account.username}@example.gov.cn` }],
      }),
    );
    await admin.send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: account.username, GroupName: ROLE_GROUPS[account.role] }),
    );
  } finally {
    admin.destroy();
  }
};
