import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../infra/local/stand-ins';
import type { LocalWorld } from './local-world';

/**
 * A document client on the test world's DynamoDB Local that lets a test change the table at an
 * exact moment: `before` runs before every command this client sends (with its input, as the
 * SDK holds it), `after` once it answered. A real race, against the real emulator, at the
 * interleaving the test names instead of whatever the scheduler picks.
 */
export function racingDocuments(
  world: LocalWorld,
  hooks: {
    before?: (input: Record<string, unknown>) => Promise<void>;
    after?: (input: Record<string, unknown>) => Promise<void>;
  },
): DynamoDBDocumentClient {
  const client = localDynamoClient(world.standIns.dynamoEndpoint);
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      await hooks.before?.(input);
      const result = await next(args);
      await hooks.after?.(input);
      return result;
    },
    { step: 'initialize', name: 'testRace' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** What a command input names: its JSON, for matching keys and expressions in a hook. */
export const mentions = (input: Record<string, unknown>, ...texts: string[]): boolean => {
  const json = JSON.stringify(input);
  return texts.every((text) => json.includes(text));
};
