import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  FOLDER_LIMITS,
  type CreateOutcome,
  type FolderStore,
  type StoredFolder,
} from '../mailbox/folders';
import { isSystemFolder, type FolderId } from '../mailbox/model';
import { readState, stateItems } from './change-log';
import { conditionalUpdate } from './conditional-update';
import { jitter, STATE_ATTEMPTS } from './folder-counters';
import { keys } from './keys';
import { transactWrite, type TransactItems } from './transact-write';

const FAILED = 'ConditionalCheckFailed';

/**
 * A sibling name is held by an item of its own, so that two folders of one parent never share a
 * name, even when created at the same moment: `FOLDERNAME#<parent>#<name, lower case>`.
 */
const nameKey = (address: string, parentId: FolderId | undefined, name: string) => ({
  PK: keys.mailbox(address).PK,
  SK: `FOLDERNAME#${parentId ?? ''}#${name.normalize('NFC').toLowerCase()}`,
});

function folderOf(item: Record<string, unknown>): StoredFolder {
  const id = (item.SK as string).slice('FOLDER#'.length);
  return {
    id,
    total: (item.total as number | undefined) ?? 0,
    unread: (item.unread as number | undefined) ?? 0,
    ...(typeof item.name === 'string' && { name: item.name }),
    ...(typeof item.parentId === 'string' && { parentId: item.parentId }),
    ...(typeof item.depth === 'number' && { depth: item.depth }),
    ...(typeof item.children === 'number' && { children: item.children }),
    ...(item.deleting === true && { deleting: true }),
  };
}

/** Folder items on DynamoDB; every change is one transaction with the mailbox's state. */
export class DynamoFolders implements FolderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listFolders(address: string) {
    // The state first: a change landing between the two reads is reported again, never missed.
    const state = (await readState(this.client, this.tableName, address))?.state ?? 0;
    const folders: StoredFolder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :folder)',
          ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':folder': 'FOLDER#' },
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      folders.push(...(result.Items ?? []).map(folderOf));
      start = result.LastEvaluatedKey;
    } while (start);
    return { folders, state };
  }

  async getFolder(address: string, id: FolderId): Promise<StoredFolder | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.folder(address, id),
        ConsistentRead: true,
      }),
    );
    return result.Item ? folderOf(result.Item) : undefined;
  }

  async createFolder(
    address: string,
    folder: { id: string; name: string; parentId?: FolderId; depth: number },
    now: Date,
  ): Promise<CreateOutcome> {
    const parent = folder.parentId;
    for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
      const read = await readState(this.client, this.tableName, address);
      if (!read) return 'no-parent';
      const { mailbox: mailboxItem, log: logItem } = stateItems(
        this.tableName,
        address,
        read.state,
        { folders: { created: [folder.id] } },
        now,
        {
          add: { folderCount: 1 },
          condition: '(attribute_not_exists(folderCount) OR folderCount < :maxFolders)',
          values: { ':maxFolders': FOLDER_LIMITS.maxUserFolders },
        },
      );
      const items: TransactItems = [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.folder(address, folder.id),
              type: 'folder',
              folder: folder.id,
              name: folder.name,
              depth: folder.depth,
              total: 0,
              unread: 0,
              createdAt: now.toISOString(),
              ...(parent && { parentId: parent }),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...nameKey(address, parent, folder.name),
              type: 'folder-name',
              folder: folder.id,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        mailboxItem,
        logItem,
      ];
      if (parent) items.push(this.childCount(address, parent, 1));
      const { reasons } = await transactWrite(this.client, items);
      if (!reasons) return 'created';
      if (reasons[1] === FAILED) return 'name-taken';
      if (reasons[4] === FAILED) return 'no-parent';
      if (reasons[2] === FAILED) {
        const again = await readState(this.client, this.tableName, address);
        if (again?.state === read.state) return 'too-many';
      }
      await jitter(attempt);
    }
    throw new Error(`mailbox ${address} kept changing while creating a folder; try again`);
  }

  async renameFolder(
    address: string,
    folder: StoredFolder & { name: string },
    name: string,
    now: Date,
  ): Promise<'renamed' | 'name-taken' | 'changed'> {
    const read = await readState(this.client, this.tableName, address);
    const { mailbox: mailboxItem, log: logItem } = stateItems(
      this.tableName,
      address,
      read?.state,
      { folders: { updated: [folder.id] } },
      now,
    );
    const oldName = nameKey(address, folder.parentId, folder.name);
    const newName = nameKey(address, folder.parentId, name);
    const { reasons } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.folder(address, folder.id),
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: '#name = :old AND attribute_not_exists(deleting)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name, ':old': folder.name },
        },
      },
      // A change of case only keeps the same name item.
      ...(oldName.SK === newName.SK
        ? []
        : [
            { Delete: { TableName: this.tableName, Key: oldName } },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...newName, type: 'folder-name', folder: folder.id },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ]),
      mailboxItem,
      logItem,
    ]);
    if (!reasons) return 'renamed';
    if (oldName.SK !== newName.SK && reasons[2] === FAILED) return 'name-taken';
    return 'changed';
  }

  markDeleting(address: string, id: FolderId): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.folder(address, id),
      UpdateExpression: 'SET deleting = :true',
      // A subfolder made since the caller's check keeps it unmarked (and listed): creating one
      // is conditioned on the parent not being marked, so the two cannot cross.
      ConditionExpression:
        'attribute_exists(PK) AND (attribute_not_exists(children) OR children = :zero)',
      ExpressionAttributeValues: { ':true': true, ':zero': 0 },
    });
  }

  async removeFolder(address: string, folder: StoredFolder, now: Date): Promise<boolean> {
    for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
      const read = await readState(this.client, this.tableName, address);
      const { mailbox: mailboxItem, log: logItem } = stateItems(
        this.tableName,
        address,
        read?.state,
        { folders: { destroyed: [folder.id] } },
        now,
        { add: { folderCount: -1 } },
      );
      const items: TransactItems = [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.folder(address, folder.id),
            ConditionExpression:
              '#total = :zero AND (attribute_not_exists(children) OR children = :zero)',
            ExpressionAttributeNames: { '#total': 'total' },
            ExpressionAttributeValues: { ':zero': 0 },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: nameKey(address, folder.parentId, folder.name ?? ''),
          },
        },
        mailboxItem,
        logItem,
      ];
      if (folder.parentId) items.push(this.childCount(address, folder.parentId, -1));
      const { reasons } = await transactWrite(this.client, items);
      if (!reasons) return true;
      if (reasons[0] === FAILED) return false;
      await jitter(attempt);
    }
    throw new Error(`mailbox ${address} kept changing while deleting a folder; try again`);
  }

  /** A parent's count of subfolders; a user parent must exist and not be being deleted. */
  private childCount(address: string, parent: FolderId, by: number): TransactItems[number] {
    const system = isSystemFolder(parent);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.folder(address, parent),
        UpdateExpression: 'ADD children :by',
        ...(!system &&
          by > 0 && {
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deleting)',
          }),
        ExpressionAttributeValues: { ':by': by },
      },
    };
  }
}
