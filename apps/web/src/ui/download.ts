/** Decodes standard base64 into bytes. */
export function bytesFromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Saves `bytes` (or its parts, in order: a streamed download) as file `fileName` through the browser (a Blob
 * URL on a temporary link).
 */
export function saveBytes(
  fileName: string,
  bytes: Uint8Array<ArrayBuffer> | readonly Uint8Array<ArrayBuffer>[],
  type = 'application/octet-stream',
): void {
  const url = URL.createObjectURL(new Blob(Array.isArray(bytes) ? bytes : [bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL may go once the event loop turns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
