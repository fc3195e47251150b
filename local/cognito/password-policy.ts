import type { PasswordPolicyType } from '@aws-sdk/client-cognito-identity-provider';

/**
 * Why Cognito would refuse `password` under `policy`, in its words, or null when it conforms.
 * cognito-local checks no password policy, so the server applies this one to every request that
 * sets a password.
 */
export function passwordPolicyProblem(password: string, policy: PasswordPolicyType): string | null {
  const problem = [
    [password.length < (policy.MinimumLength ?? 8), 'Password not long enough'],
    [policy.RequireUppercase && !/[A-Z]/.test(password), 'Password must have uppercase characters'],
    [policy.RequireLowercase && !/[a-z]/.test(password), 'Password must have lowercase characters'],
    [policy.RequireNumbers && !/[0-9]/.test(password), 'Password must have numeric characters'],
    // Cognito's symbols are the ASCII punctuation characters and the space.
    [policy.RequireSymbols && !/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(password), 'Password must have symbol characters'],
  ].find(([failed]) => failed)?.[1];
  return typeof problem === 'string' ? `Password did not conform with policy: ${problem}` : null;
}

/** The request field holding the new password, by Cognito API action. */
export const PASSWORD_FIELDS: Readonly<Record<string, string>> = {
  SignUp: 'Password',
  ConfirmForgotPassword: 'Password',
  ChangePassword: 'ProposedPassword',
  AdminSetUserPassword: 'Password',
};
