/** The parts of a mail message that parsing yields and a stored message keeps. */
export interface Address {
  name?: string;
  address: string;
}

export interface AttachmentMeta {
  filename: string;
  contentType: string;
  size: number;
  contentId?: string;
  disposition?: 'attachment' | 'inline';
  /** 1-based, the `{n}` of the attachment route. */
  index?: number;
  sha256?: string;
  /** Where the bytes are, in the attachments bucket: chosen by code, never the sender's name. */
  key?: string;
}
