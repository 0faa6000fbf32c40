import * as z from '../validation/zod';

/**
 * Which attachments a tenant lets through. The defaults block what mail-borne malware arrives
 * as; a tenant may override any field (Tenant.attachmentPolicy), e.g. to allow `.zip`-only
 * setups or to let macro-enabled Office files through for a finance team.
 */
export const attachmentPolicySchema = z.object({
  /** Extensions (lower case, no dot) that are never delivered to the user. */
  blockedExtensions: z.array(z.string()),
  /** Media types that are never delivered, whatever the name says. */
  blockedContentTypes: z.array(z.string()),
  /** `invoice.pdf.exe`, `scan.jpg .js`: a document-looking name hiding another type. */
  blockDoubleExtensions: z.boolean(),
  /** .docm, .xlsm, … and the macroEnabled media types. */
  blockMacroEnabled: z.boolean(),
  /** Archives that cannot be opened (encrypted, corrupt, zip bombs) are treated as blocked. */
  blockUnscannableArchives: z.boolean(),
  /**
   * Shared files (issue 9) the scanner could not cover (too big for a check, an encrypted or
   * oversized archive, the scanner down) may still get links. Off by default: not shareable.
   */
  shareUnscannable: z.boolean(),
});
export type AttachmentPolicy = z.infer<typeof attachmentPolicySchema>;
export type AttachmentPolicyOverrides = Partial<AttachmentPolicy>;

export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  blockedExtensions: [
    'exe',
    'scr',
    'com',
    'pif',
    'bat',
    'cmd',
    'msi',
    'msp',
    'msc',
    'dll',
    'cpl',
    'jar',
    'js',
    'jse',
    'vbs',
    'vbe',
    'wsf',
    'wsh',
    'ps1',
    'psm1',
    'hta',
    'lnk',
    'reg',
    'scf',
    'iso',
    'img',
    'vhd',
    'vhdx',
    'appx',
    'msix',
    'application',
    'gadget',
    'sh',
  ],
  blockedContentTypes: [
    'application/x-msdownload',
    'application/x-dosexec',
    'application/x-msdos-program',
    'application/x-ms-shortcut',
    'application/hta',
    'application/x-sh',
    'application/java-archive',
    'application/x-iso9660-image',
  ],
  blockDoubleExtensions: true,
  blockMacroEnabled: true,
  blockUnscannableArchives: true,
  shareUnscannable: false,
};

const MACRO_EXTENSIONS = new Set([
  'docm',
  'dotm',
  'xlsm',
  'xltm',
  'xlam',
  'pptm',
  'potm',
  'ppsm',
  'sldm',
]);
/** Inner extensions that make a name look like a harmless document. */
const DECOY_EXTENSIONS = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'txt',
  'rtf',
  'csv',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'htm',
  'html',
  'zip',
  'mp3',
  'mp4',
  'eml',
]);
/** Outer extensions that are fine after a decoy one (`report.pdf.zip`, `notes.txt.gz`). */
const HARMLESS_OUTER = new Set([
  'zip',
  'gz',
  '7z',
  'pdf',
  'txt',
  'sig',
  'p7m',
  'p7s',
  'asc',
  'bak',
]);

export function resolveAttachmentPolicy(overrides?: AttachmentPolicyOverrides): AttachmentPolicy {
  return attachmentPolicySchema.parse({ ...DEFAULT_ATTACHMENT_POLICY, ...overrides });
}

function extensionsOf(filename: string): string[] {
  return filename
    .toLowerCase()
    .split('.')
    .slice(1)
    .map((part) => part.trim());
}

/** Why a name and type break the policy, or undefined when they do not. */
export function policyViolation(
  policy: AttachmentPolicy,
  filename: string,
  contentType: string,
): { check: string; detail: string } | undefined {
  const extensions = extensionsOf(filename);
  const last = extensions.at(-1) ?? '';
  const type = contentType.toLowerCase();
  if (policy.blockedExtensions.includes(last)) {
    return { check: 'blocked-extension', detail: `${filename}: .${last} files are blocked` };
  }
  if (policy.blockedContentTypes.includes(type)) {
    return { check: 'blocked-type', detail: `${filename}: ${type} is blocked` };
  }
  if (policy.blockMacroEnabled && (MACRO_EXTENSIONS.has(last) || type.includes('macroenabled'))) {
    return { check: 'macro-enabled', detail: `${filename}: macro-enabled Office file` };
  }
  const inner = extensions.at(-2);
  if (
    policy.blockDoubleExtensions &&
    inner !== undefined &&
    DECOY_EXTENSIONS.has(inner) &&
    !HARMLESS_OUTER.has(last) &&
    last !== inner
  ) {
    return { check: 'double-extension', detail: `${filename}: .${inner} name hiding .${last}` };
  }
  return undefined;
}
