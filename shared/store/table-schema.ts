/**
 * The one DynamoDB table: its keys, indexes and TTL attribute. CDK (infra/constructs/mail-store)
 * and the local runtime (infra/local) both build the table from this description.
 *
 * Items (see ../shared/DESIGN.md): tenant `TENANT#<id>`/`PROFILE`, domain `DOMAIN#<d>`/`DOMAIN`,
 * mailbox `MBX#<address>`/`PROFILE`, folder `MBX#<address>`/`FOLDER#<id>`,
 * message `MBX#<address>`/`MSG#<id>`, tombstone of a deleted message `MBX#<address>`/`GONE#<id>`
 * (removed by TTL).
 */
export interface IndexSchema {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Folder view: `MBX#<address>#FOLDER#<folder>`, sorted by `<receivedAt>#<id>`. */
    byFolder: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Thread view: `MBX#<address>#THREAD#<threadId>`, sorted by `<receivedAt>#<id>`. */
    byThread: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /**
     * Directory: `DIR#<scope>#<prefix>`, sorted by normalised name. The same index also lists a
     * tenant's members (`TENANT#<id>#MEMBERS` on mailbox items) and all tenants (`TENANTS`).
     */
    directory: { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  },
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  ttlAttribute: string;
  indexes: Record<string, IndexSchema>;
};

/** Every key attribute is a string. */
export function keyAttributeNames(): string[] {
  const names: string[] = [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey];
  for (const index of Object.values(TABLE_SCHEMA.indexes)) {
    names.push(index.partitionKey, index.sortKey);
  }
  return names;
}
