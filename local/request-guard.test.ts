import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type BrowserOrigins, guardRefusal, isLoopbackHost } from './request-guard.ts';

function request(headers: Record<string, string>, method = 'POST', localPort = 4713): Pick<IncomingMessage, 'headers' | 'method' | 'socket'> {
  return { headers, method, socket: { localPort } as IncomingMessage['socket'] };
}

describe('isLoopbackHost', () => {
  it('accepts the loopback names with the service port or none', () => {
    for (const host of ['127.0.0.1:4713', 'localhost:4713', '[::1]:4713', '127.0.0.1', 'localhost', '[::1]']) expect(isLoopbackHost(host, 4713), host).toBe(true);
  });

  it('refuses other names, other ports and look-alikes', () => {
    for (const host of ['attacker.example:4713', 'localhost.attacker.example:4713', '127.0.0.1:4714', '127.0.0.1.nip.io:4713', 'localhost:4713x', '127.0.0.2:4713', '', '0.0.0.0:4713']) {
      expect(isLoopbackHost(host, 4713), host).toBe(false);
    }
  });
});

describe('guardRefusal', () => {
  const never: BrowserOrigins = { kind: 'none', service: 'queue' };
  const rules: BrowserOrigins = { kind: 'rules', allows: (origin, method) => origin === 'http://localhost:5173' && method !== 'DELETE' };

  it('refuses a foreign Host whatever the origin policy, case-insensitively accepting loopback', () => {
    expect(guardRefusal(request({ host: 'attacker.example:4713' }), { kind: 'any' })).toMatchObject({ reason: 'host' });
    expect(guardRefusal(request({}), { kind: 'any' })).toMatchObject({ reason: 'host' });
    expect(guardRefusal(request({ host: 'LOCALHOST:4713' }), never)).toBeUndefined();
  });

  it('refuses any Origin where browsers never call, allows any where AWS does', () => {
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://localhost:5173' }), never)).toMatchObject({ reason: 'origin' });
    expect(guardRefusal(request({ host: '127.0.0.1:4713' }), never)).toBeUndefined();
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://attacker.example' }), { kind: 'any' })).toBeUndefined();
  });

  it('asks the CORS rules for the origin and method, and leaves preflights to them', () => {
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://localhost:5173' }), rules)).toBeUndefined();
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://localhost:5173' }, 'DELETE'), rules)).toMatchObject({ reason: 'origin' });
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://attacker.example' }), rules)).toMatchObject({ reason: 'origin' });
    expect(guardRefusal(request({ host: '127.0.0.1:4713', origin: 'http://attacker.example' }, 'OPTIONS'), rules)).toBeUndefined();
  });
});
