// @vitest-environment happy-dom
import {
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApi } from '../testing/render.tsx';
import { AuthScreen } from './AuthScreen.tsx';

afterEach(cleanup);

const idToken = `h.${Buffer.from(JSON.stringify({ sub: 'user-1', email: 'ada@example.com', exp: Date.now() / 1000 + 3600 })).toString('base64url')}.s`;
const PASSWORD_VERIFIER = { ChallengeName: 'PASSWORD_VERIFIER', ChallengeParameters: { SALT: 'ab12', SRP_B: 'c0ffee', SECRET_BLOCK: 'c2VjcmV0', USER_ID_FOR_SRP: 'user-1' } };
/** A fake Cognito that signs in with SRP and answers the reset actions; it records every command. */
function resettingCognito(confirmReset: () => Promise<unknown> = () => Promise.resolve({})) {
  const commands: unknown[] = [];
  const send = (command: unknown) => {
    commands.push(command);
    if (command instanceof ForgotPasswordCommand) return Promise.resolve({ CodeDeliveryDetails: { Destination: 'a***@e***' } });
    if (command instanceof ConfirmForgotPasswordCommand) return confirmReset();
    if (command instanceof InitiateAuthCommand) return Promise.resolve(PASSWORD_VERIFIER);
    if (command instanceof RespondToAuthChallengeCommand) return Promise.resolve({ AuthenticationResult: { IdToken: idToken, AccessToken: 'a', RefreshToken: 'r' } });
    return Promise.reject(new Error('unexpected command'));
  };
  return { send, commands };
}

const refuse = (name: string) => () => Promise.reject(new CognitoIdentityProviderServiceException({ name, message: name, $fault: 'client', $metadata: {} }));

describe('AuthScreen', () => {
  it('shows a wrong password as a clear alert', async () => {
    renderWithApi(<AuthScreen />, { cognito: refuse('NotAuthorizedException') });
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Incorrect email or password.');
  });

  it('asks for the confirmation code after sign-up, and when signing in unconfirmed', async () => {
    const { session } = renderWithApi(<AuthScreen />, { cognito: () => Promise.resolve({ UserConfirmed: false }) });
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(screen.getByText(/At least 12 characters/)).toBeTruthy();
    // The switch button is gone: the focus goes on to the first field, not back to the page.
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'Secret-password-1');
    await userEvent.click(screen.getAllByRole('button', { name: 'Create an account' })[0]!);
    expect(await screen.findByRole('heading', { name: 'Confirm your account' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('We sent a confirmation code to ada@example.com.');
    expect(document.activeElement).toBe(screen.getByLabelText('Confirmation code'));
    expect(session.current).toBeNull();
  });

  it('moves to confirmation when Cognito says the account is not confirmed', async () => {
    renderWithApi(<AuthScreen />, { cognito: refuse('UserNotConfirmedException') });
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'Secret-password-1');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Confirm your account' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/not confirmed yet/);
  });

  it('resets a forgotten password with the emailed code, then signs in with the new one', async () => {
    const cognito = resettingCognito();
    const { session } = renderWithApi(<AuthScreen />, { cognito: cognito.send });
    await userEvent.click(screen.getByRole('button', { name: 'Forgot your password?' }));
    expect(screen.getByRole('heading', { name: 'Reset your password' })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect(await screen.findByRole('heading', { name: 'Set a new password' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('We sent a reset code to a***@e***.');
    expect(document.activeElement).toBe(screen.getByLabelText('Reset code'));
    expect(screen.getByText(/At least 12 characters/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Reset code'), '123456');
    await userEvent.type(screen.getByLabelText('New password'), 'New-password-12!');
    await userEvent.click(screen.getByRole('button', { name: 'Set a new password' }));
    await expect.poll(() => session.current?.email).toBe('ada@example.com');
    const confirm = cognito.commands.find((command) => command instanceof ConfirmForgotPasswordCommand) as ConfirmForgotPasswordCommand;
    expect(confirm.input).toMatchObject({ Username: 'ada@example.com', ConfirmationCode: '123456', Password: 'New-password-12!' });
    // The sign-in that follows is SRP: the new password is not sent again.
    expect(cognito.commands.filter((command) => JSON.stringify(command).includes('New-password-12!'))).toEqual([confirm]);
  });

  it('says when a reset code is wrong, and sends a new one on request', async () => {
    const cognito = resettingCognito(refuse('CodeMismatchException'));
    const { session } = renderWithApi(<AuthScreen />, { cognito: cognito.send });
    await userEvent.click(screen.getByRole('button', { name: 'Forgot your password?' }));
    await userEvent.click(screen.getByRole('button', { name: 'I have a reset code' }));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Reset code'), '000000');
    await userEvent.type(screen.getByLabelText('New password'), 'New-password-12!');
    await userEvent.click(screen.getByRole('button', { name: 'Set a new password' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That code is not right. Check the email and try again.');
    expect(session.current).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Send a new code' }));
    expect((await screen.findByRole('status')).textContent).toBe('A new code is on its way to ada@example.com.');
    expect(cognito.commands.filter((command) => command instanceof ForgotPasswordCommand)).toHaveLength(1);
  });
});
