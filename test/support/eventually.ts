/** How often and how long `eventually` looks: every 100 ms, for 30 s at most. */
export const POLL_MS = 100;
export const POLLS = 300;

/**
 * What `read` answers once it answers something: for what happens after an API call has
 * answered (the outbox, SES's events, a scan, an index). Throws when it never does.
 */
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  polls: number = POLLS,
): Promise<T> {
  for (let i = 0; i < polls; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error('never happened');
}
