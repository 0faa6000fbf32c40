/**
 * The EICAR anti-virus test file and the GTUBE spam test string. Assembled from halves so this
 * source file itself is not flagged by a scanner on a developer's machine.
 */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*' + 'GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

export function containsEicar(content: Uint8Array): boolean {
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength).includes(EICAR_BYTES);
}

export function containsGtube(text: string): boolean {
  return text.includes(GTUBE);
}
