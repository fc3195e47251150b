import { describe, expect, it } from 'vitest';
import { publicActionCheck } from './front.ts';

describe("Cognito's public actions, as the AWS SDK models them", () => {
  const isPublic = publicActionCheck('us-east-1');

  it('are the sign-up, sign-in and own-account actions', () => {
    for (const action of ['SignUp', 'ConfirmSignUp', 'ResendConfirmationCode', 'InitiateAuth', 'RespondToAuthChallenge', 'ForgotPassword', 'ConfirmForgotPassword', 'GetUser', 'ChangePassword', 'GlobalSignOut', 'RevokeToken']) {
      expect(isPublic(action), action).toBe(true);
    }
  });

  it('leave the administrative and listing actions to IAM, and an unknown one too', () => {
    for (const action of ['AdminSetUserPassword', 'AdminGetUser', 'AdminInitiateAuth', 'AdminCreateUser', 'AdminConfirmSignUp', 'ListUsers', 'ListUserPoolClients', 'CreateUserPoolClient', 'DescribeUserPool', 'DeleteUserPool', 'Nonsense', '']) {
      expect(isPublic(action), action).toBe(false);
    }
  });
});
