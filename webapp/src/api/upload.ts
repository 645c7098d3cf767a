import { ApiError, clientHeaders, retryAfterSeconds } from './client';
import type { TokenStore } from './tokens';
import type { Photo } from './types';

export interface UploadInput {
  file: Blob;
  fileName: string;
  title: string;
  description?: string;
}

/** XHR because fetch has no upload progress. Resolves with the new Photo. */
function sendOnce(
  url: string,
  input: UploadInput,
  token: string | null,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown; retryAfter: number | null }> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', input.file, input.fileName);
    form.append('title', input.title);
    if (input.description) form.append('description', input.description);

    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(clientHeaders)) xhr.setRequestHeader(k, v);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = xhr.responseText;
      }
      resolve({ status: xhr.status, body, retryAfter: retryAfterSeconds(xhr.getResponseHeader('Retry-After')) });
    };
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

export async function uploadPhoto(
  base: string,
  tokens: TokenStore,
  input: UploadInput,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Photo> {
  const url = `${base}/photos/upload`;
  let token = await tokens.validAccess();
  let res = await sendOnce(url, input, token, onProgress, signal);
  if (res.status === 401 && token) {
    token = await tokens.afterUnauthorized(token);
    if (token) {
      onProgress(0);
      res = await sendOnce(url, input, token, onProgress, signal);
    }
  }
  if (res.status >= 200 && res.status < 300) return res.body as Photo;
  const detail =
    res.body && typeof res.body === 'object' && 'detail' in res.body ? res.body.detail : res.body;
  throw new ApiError(res.status, detail, res.retryAfter);
}

/**
 * The catalogue key for an upload failure (SPEC: 409 duplicate, 413, 415, 422), or null when
 * the generic error translation (by the backend's code) should be used.
 */
export function uploadErrorKey(err: unknown): string | null {
  if (!(err instanceof ApiError)) return 'upload.error.generic';
  switch (err.status) {
    case 409:
      return 'upload.error.duplicate';
    case 413:
      return 'upload.error.tooLarge';
    case 415:
      return 'upload.error.unsupported';
    case 422:
      return 'upload.error.invalid';
    case 429:
      return 'upload.error.rateLimited';
    default:
      return null;
  }
}

/** The id of the existing object named by a 409 duplicate response. */
export function duplicatePhotoId(err: unknown): number | null {
  if (err instanceof ApiError && err.status === 409 && err.detail && typeof err.detail === 'object') {
    const id = (err.detail as { photo_id?: unknown }).photo_id;
    return typeof id === 'number' ? id : null;
  }
  return null;
}
