// @vitest-environment happy-dom
import { ChangePasswordCommand, CognitoIdentityProviderServiceException } from '@aws-sdk/client-cognito-identity-provider';
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApi } from '../testing/render.tsx';
import { ChangePassword } from './ChangePassword.tsx';

afterEach(cleanup);

const signedIn = { idToken: 'id', accessToken: 'access-1', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, sub: 'user-1', email: 'ada@example.com' };
const refusal = (name: string) => new CognitoIdentityProviderServiceException({ name, message: name, $fault: 'client', $metadata: {} });

async function fill(current: string, next: string) {
  await userEvent.type(screen.getByLabelText('Current password'), current);
  await userEvent.type(screen.getByLabelText('New password'), next);
  await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ChangePassword', () => {
  it("changes the password with the session's access token", async () => {
    const commands: unknown[] = [];
    const onClose = vi.fn();
    renderWithApi(<ChangePassword onClose={onClose} />, { signedIn, cognito: (command) => (commands.push(command), Promise.resolve({})) });
    await fill('Old-password-12!', 'New-password-12!');
    expect((await screen.findByRole('status')).textContent).toBe('Your password has been changed.');
    expect(commands).toHaveLength(1);
    expect(commands[0]).toBeInstanceOf(ChangePasswordCommand);
    expect((commands[0] as ChangePasswordCommand).input).toEqual({ AccessToken: 'access-1', PreviousPassword: 'Old-password-12!', ProposedPassword: 'New-password-12!' });
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('says so when the current password is wrong, keeping the session', async () => {
    const { session } = renderWithApi(<ChangePassword onClose={() => undefined} />, { signedIn, cognito: () => Promise.reject(refusal('NotAuthorizedException')) });
    await fill('Wrong-password-1!', 'New-password-12!');
    expect((await screen.findByRole('alert')).textContent).toBe('The current password is not right.');
    expect(session.current).not.toBeNull();
  });

  it('explains the password rules when the new password breaks them', async () => {
    renderWithApi(<ChangePassword onClose={() => undefined} />, { signedIn, cognito: () => Promise.reject(refusal('InvalidPasswordException')) });
    await fill('Old-password-12!', 'weakpassword');
    expect((await screen.findByRole('alert')).textContent).toMatch(/at least 12 characters/);
  });
});
