import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { Message } from 'cognito-local/lib/services/messages.js';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import type { User } from 'cognito-local/lib/services/userPoolService.js';

/** One message Cognito would have emailed (or texted), as the outbox file stores it. */
export interface OutboxMessage {
  time: string;
  username: string;
  destination: string;
  medium: 'EMAIL' | 'SMS';
  /** The confirmation or reset code the message carries. */
  code: string;
}

/**
 * Where the local pool "sends" its emails: each message is appended as one JSON line to the
 * outbox file (so tests and tools can read the code) and announced through `log` (so a person
 * running `npm start` sees it). Nothing leaves the machine.
 */
export class OutboxSender implements MessageSender {
  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
  ) {}

  sendEmail(_ctx: Context, user: User, destination: string, message: Message): Promise<void> {
    return this.deliver(user, destination, message, 'EMAIL');
  }

  sendSms(_ctx: Context, user: User, destination: string, message: Message): Promise<void> {
    return this.deliver(user, destination, message, 'SMS');
  }

  private deliver(user: User, destination: string, message: Message, medium: OutboxMessage['medium']): Promise<void> {
    const entry: OutboxMessage = { time: new Date().toISOString(), username: user.Username, destination, medium, code: message.__code ?? '' };
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    this.log(`Cognito (local): code ${entry.code} for ${destination}`);
    return Promise.resolve();
  }
}

/** Every message in an outbox file, oldest first; none when nothing was sent yet. */
export function readOutbox(file: string): OutboxMessage[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxMessage);
}

/** The newest code sent to `destination` (the user's email), or undefined. */
export function latestCode(file: string, destination: string): string | undefined {
  const wanted = destination.toLowerCase();
  return readOutbox(file).findLast((message) => message.destination.toLowerCase() === wanted)?.code;
}
