// @vitest-environment happy-dom
import { CognitoIdentityProviderServiceException } from '@aws-sdk/client-cognito-identity-provider';
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApi } from '../testing/render.tsx';
import { AuthScreen } from './AuthScreen.tsx';

afterEach(cleanup);

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
});
