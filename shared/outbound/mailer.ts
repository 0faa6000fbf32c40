/** The outbound port: SES v2 in AWS, `.eml` files under `<data dir>/outbox/` on one machine. */
export interface OutboundMessage {
  /** Envelope and header sender. */
  from: string;
  /** Envelope recipients. */
  to: string[];
  /** The complete RFC 5322 message. */
  raw: Uint8Array;
}

export interface Mailer {
  /** Resolves with the provider's id once the message is accepted for delivery. */
  send(message: OutboundMessage): Promise<string>;
}
