// Messages sent to a person (SMS or e-mail) and the provider interface that sends them.
export type Channel = 'sms' | 'email';

export interface OutgoingMessage {
  tenantId: number;
  channel: Channel;
  to: string;
  text: string;
  code?: string | null;
  purpose?: string | null;
}

export interface MessageProvider {
  readonly name: string;
  send(m: OutgoingMessage): Promise<void>;
}

/** A message in the dev outbox. */
export interface SentMessage {
  channel: string;
  to: string;
  text: string;
  code: string | null;
  purpose: string | null;
  createdAt: Date;
}
