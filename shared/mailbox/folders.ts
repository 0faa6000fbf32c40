import { randomBytes } from 'node:crypto';
import * as z from '../validation/zod';
import { domainError } from '../errors/domain-error';
import type { MailStore } from './mail-store';
import { movedTo, type MessageChangeStore } from './message-state';
import { FOLDERS, isSystemFolder, type FolderId, type SystemFolderId } from './model';

/** Limits of user folders (named, so that the API and its docs say the same). */
export const FOLDER_LIMITS = {
  /** User folders a mailbox may hold (system folders not counted). */
  maxUserFolders: 300,
  /** Nesting: a top-level folder is at depth 1. */
  maxDepth: 8,
  maxNameChars: 128,
  /** Messages moved to Deleted Items per round while deleting a folder with its contents. */
  movedPerRound: 40,
  /** Renames tried again after the mailbox changed under them. */
  renameAttempts: 40,
  /** Rounds one delete request makes at most; a repeated request goes on from there. */
  deleteRounds: 250,
} as const;

/** What a system folder is called; it answers to its role name. */
export const SYSTEM_FOLDER_NAMES: Record<SystemFolderId, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sent: 'Sent',
  junk: 'Junk',
  quarantine: 'Quarantine',
  deleted: 'Deleted Items',
  archive: 'Archive',
};

/** A user folder's id: 16 lowercase hex characters, never one of the role names. */
export const USER_FOLDER_ID_PATTERN = /^[0-9a-f]{16}$/;

export const folderIdSchema = z.union([
  z.enum(FOLDERS),
  z.string().check(z.regex(USER_FOLDER_ID_PATTERN, 'a folder is a role name or a folder id')),
]);

const folderNameSchema = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(FOLDER_LIMITS.maxNameChars),
  // Names are shown as they are: no control or format characters (invisible, or reordering the
  // text around them, as U+202E does; the joiner of emoji sequences aside), no line separators,
  // no lone surrogates (not Unicode text), no path separator, and something visible.
  z.regex(
    /^(?=.*[^\s\u200d])(?:[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}/]|\u200d)+$/u,
    'a folder name is visible text without control or format characters and without "/"',
  ),
);

export const createFolderSchema = z.strictObject({
  name: folderNameSchema,
  parentId: z.optional(folderIdSchema),
});
export const renameFolderSchema = z.strictObject({ name: folderNameSchema });
export const deleteFolderQuerySchema = z.strictObject({
  contents: z.optional(z.literal('move-to-deleted')),
});

/** A folder as stored (shared/store/dynamo-folders). */
export interface StoredFolder {
  id: FolderId;
  name?: string;
  parentId?: FolderId;
  depth?: number;
  children?: number;
  total: number;
  unread: number;
  /** Set while its contents move to Deleted Items before it goes. */
  deleting?: boolean;
}

/** A folder as the API shows it. */
export interface FolderView {
  id: FolderId;
  role: SystemFolderId | null;
  name: string;
  parentId: FolderId | null;
  total: number;
  unread: number;
}

export type CreateOutcome = 'created' | 'name-taken' | 'too-many' | 'no-parent';

export interface FolderStore {
  /** Every folder item of the mailbox, read consistently, and the state read just before. */
  listFolders(address: string): Promise<{ folders: StoredFolder[]; state: number }>;
  getFolder(address: string, id: FolderId): Promise<StoredFolder | undefined>;
  createFolder(
    address: string,
    folder: { id: string; name: string; parentId?: FolderId; depth: number },
    now: Date,
  ): Promise<CreateOutcome>;
  renameFolder(
    address: string,
    folder: StoredFolder & { name: string },
    name: string,
    now: Date,
  ): Promise<'renamed' | 'name-taken' | 'changed'>;
  /** Marks a folder without subfolders as being deleted; false when gone or it has some. */
  markDeleting(address: string, id: FolderId): Promise<boolean>;
  /** Removes an empty folder without subfolders; false when it is not (or no longer) so. */
  removeFolder(address: string, folder: StoredFolder, now: Date): Promise<boolean>;
}

export class NoSuchFolderError extends domainError('NoSuchFolder', 'There is no such folder.') {}
export class SystemFolderError extends domainError(
  'SystemFolder',
  'System folders cannot be renamed or deleted.',
) {}
export class FolderNotEmptyError extends domainError(
  'FolderNotEmpty',
  'The folder holds messages: delete it with ?contents=move-to-deleted to move them to Deleted Items.',
) {}
export class FolderHasSubfoldersError extends domainError(
  'FolderHasSubfolders',
  'The folder has subfolders: delete them first.',
) {}
export class TooManyFoldersError extends domainError(
  'TooManyFolders',
  `A mailbox holds at most ${FOLDER_LIMITS.maxUserFolders} folders of its own.`,
) {}
export class FolderTooDeepError extends domainError(
  'FolderTooDeep',
  `Folders nest at most ${FOLDER_LIMITS.maxDepth} deep.`,
) {}
export class FolderNameTakenError extends domainError(
  'FolderNameTaken',
  'The parent folder already has a folder of that name.',
) {}

export function viewOf(folder: StoredFolder): FolderView {
  const role = isSystemFolder(folder.id) ? folder.id : null;
  return {
    id: folder.id,
    role,
    name: role ? SYSTEM_FOLDER_NAMES[role] : (folder.name ?? folder.id),
    parentId: folder.parentId ?? null,
    total: folder.total,
    unread: folder.unread,
  };
}

/** Every folder, system folders first (in role order, made up when their item is missing). */
export async function listFolders(store: FolderStore, address: string) {
  const { folders, state } = await store.listFolders(address);
  const byId = new Map(folders.map((f) => [f.id, f]));
  const system = FOLDERS.map((id) => byId.get(id) ?? { id, total: 0, unread: 0 });
  const own = folders
    .filter((f) => !isSystemFolder(f.id) && !f.deleting)
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return { items: [...system, ...own].map(viewOf), nextCursor: null, state };
}

async function userFolder(store: FolderStore, address: string, id: FolderId) {
  if (isSystemFolder(id)) throw new SystemFolderError();
  const folder = await store.getFolder(address, id);
  if (!folder || folder.deleting) throw new NoSuchFolderError();
  return folder as StoredFolder & { name: string };
}

export async function createFolder(
  store: FolderStore,
  address: string,
  input: { name: string; parentId?: FolderId },
  now: Date = new Date(),
): Promise<FolderView> {
  let depth = 1;
  if (input.parentId && !isSystemFolder(input.parentId)) {
    const parent = await store.getFolder(address, input.parentId);
    if (!parent || parent.deleting) throw new NoSuchFolderError('There is no such parent folder.');
    depth = (parent.depth ?? 1) + 1;
  } else if (input.parentId) depth = 2;
  if (depth > FOLDER_LIMITS.maxDepth) throw new FolderTooDeepError();
  const folder = {
    id: randomBytes(8).toString('hex'),
    name: input.name,
    depth,
    ...(input.parentId && { parentId: input.parentId }),
  };
  const outcome = await store.createFolder(address, folder, now);
  if (outcome === 'name-taken') throw new FolderNameTakenError();
  if (outcome === 'too-many') throw new TooManyFoldersError();
  if (outcome === 'no-parent') throw new NoSuchFolderError('There is no such parent folder.');
  return viewOf({ ...folder, total: 0, unread: 0 });
}

/** Renames a user folder; the same name again changes nothing. */
export async function renameFolder(
  store: FolderStore,
  address: string,
  id: FolderId,
  name: string,
  now: Date = new Date(),
): Promise<FolderView> {
  for (let attempt = 0; attempt < FOLDER_LIMITS.renameAttempts; attempt++) {
    const folder = await userFolder(store, address, id);
    if (folder.name === name) return viewOf(folder);
    const outcome = await store.renameFolder(address, folder, name, now);
    if (outcome === 'name-taken') throw new FolderNameTakenError();
    if (outcome === 'renamed') return viewOf({ ...folder, name });
  }
  throw new Error(`folder ${id} of ${address} kept changing while being renamed; try again`);
}

/**
 * Deletes a user folder: only when it holds no messages and no subfolders, or, with
 * `moveContents`, after moving its messages to Deleted Items (a group per transaction; the folder
 * refuses new messages meanwhile, and a repeated request picks up where a cut-off one stopped).
 */
export async function deleteFolder(
  deps: {
    folders: FolderStore;
    messages: MessageChangeStore;
    store: Pick<MailStore, 'listFolder'>;
  },
  address: string,
  id: FolderId,
  options: { moveContents: boolean },
  now: Date = new Date(),
): Promise<void> {
  const folder = await (isSystemFolder(id)
    ? Promise.reject(new SystemFolderError())
    : deps.folders.getFolder(address, id));
  if (!folder) throw new NoSuchFolderError();
  if ((folder.children ?? 0) > 0) throw new FolderHasSubfoldersError();
  if (folder.total > 0 && !options.moveContents) throw new FolderNotEmptyError();
  if (options.moveContents && !(await deps.folders.markDeleting(address, id))) {
    // Deleted meanwhile (done), or a subfolder was made since the check: nothing was marked.
    if (!(await deps.folders.getFolder(address, id))) return;
    throw new FolderHasSubfoldersError();
  }
  for (let round = 0; round < FOLDER_LIMITS.deleteRounds; round++) {
    const current = await deps.folders.getFolder(address, id);
    if (!current) return;
    if ((current.children ?? 0) > 0) throw new FolderHasSubfoldersError();
    if (current.total === 0 && (await deps.folders.removeFolder(address, current, now))) return;
    if (!options.moveContents) throw new FolderNotEmptyError();
    const page = await deps.store.listFolder(address, id, FOLDER_LIMITS.movedPerRound);
    const ids = page.items.map((m) => m.id);
    await deps.messages.changeMessages(
      address,
      ids,
      (message) => (message.folder === id ? movedTo(message, 'deleted', now) : 'unchanged'),
      now,
    );
  }
  throw new Error(`folder ${id} of ${address} still holds messages; delete it again to go on`);
}
