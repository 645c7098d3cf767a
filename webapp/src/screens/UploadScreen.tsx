import { Button } from '@maxhub/max-ui';
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'wouter';
import { photosApi } from '../api';
import { duplicatePhotoId, uploadErrorMessage } from '../api/upload';
import { Icon } from '../components/Icon';
import { ScreenTitle } from '../components/Screen';
import { Notice } from '../components/States';
import { navigate } from '../routing/navigation';

function titleFromName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim().slice(0, 120);
}

/** Pick or take a photo, preview it, name it, upload with a progress bar. */
export default function UploadScreen() {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<{ text: string; duplicateOf: number | null } | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    setFile(f);
    setError(null);
    if (!title.trim()) setTitle(titleFromName(f.name));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !title.trim()) return;
    const ctrl = new AbortController();
    abort.current = ctrl;
    setError(null);
    setProgress(0);
    try {
      const photo = await photosApi.upload(
        { file, fileName: file.name, title: title.trim(), description: description.trim() || undefined },
        setProgress,
        ctrl.signal,
      );
      navigate(`/photos/${photo.id}`, { replace: true });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') {
        setError({ text: uploadErrorMessage(err), duplicateOf: duplicatePhotoId(err) });
      }
      setProgress(null);
    }
  };

  const uploading = progress !== null;
  const percent = Math.round((progress ?? 0) * 100);

  return (
    <>
      <ScreenTitle>Upload</ScreenTitle>
      <form onSubmit={submit} className="row g-3">
        <div className="col-12 col-md-6">
          {preview ? (
            <img src={preview} alt="Selected photo preview" className="upload-preview" />
          ) : (
            <div className="upload-drop">
              <Icon name="image" size={40} />
              <div>Choose a JPEG, PNG, GIF or WebP up to 10 MB</div>
            </div>
          )}
          <div className="d-flex gap-2 mt-2">
            <label className="btn btn-outline-primary flex-fill" aria-disabled={uploading}>
              <input type="file" accept="image/jpeg,image/png,image/gif,image/webp" className="visually-hidden-file" onChange={pick} disabled={uploading} data-testid="file-pick" />
              {file ? 'Choose another' : 'Choose a photo'}
            </label>
            <label className="btn btn-outline-primary flex-fill" aria-disabled={uploading}>
              <input type="file" accept="image/*" capture="environment" className="visually-hidden-file" onChange={pick} disabled={uploading} />
              <Icon name="camera" size={18} /> Take a photo
            </label>
          </div>
        </div>
        <div className="col-12 col-md-6">
          <div className="card-surface">
            <div className="mb-3">
              <label htmlFor="upload-title" className="form-label">Title</label>
              <input id="upload-title" className="form-control" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required disabled={uploading} placeholder="Sunset over the bay" />
            </div>
            <div className="mb-3">
              <label htmlFor="upload-desc" className="form-label">Description <span className="text-secondary">(optional)</span></label>
              <textarea id="upload-desc" className="form-control" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} disabled={uploading} />
            </div>
            {error && (
              <Notice kind="danger" onClose={() => setError(null)}>
                {error.text}
                {error.duplicateOf && (
                  <>
                    {' '}
                    <Link href={`/photos/${error.duplicateOf}`}>See the existing one</Link>.
                  </>
                )}
              </Notice>
            )}
            {uploading && (
              <div className="mb-3" ref={(el) => el?.scrollIntoView({ block: 'nearest' })}>
                <div className="progress" role="progressbar" aria-label="Upload progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
                  <div className="progress-bar progress-bar-striped progress-bar-animated" style={{ width: `${percent}%` }} />
                </div>
                <div className="small text-secondary mt-1 d-flex">
                  <span className="flex-grow-1">{percent < 100 ? 'Uploading…' : 'Processing…'}</span>
                  <span>{percent}%</span>
                </div>
              </div>
            )}
            <div className="d-flex gap-2">
              <Button type="submit" stretched disabled={!file || !title.trim() || uploading} loading={uploading}>
                Upload
              </Button>
              {uploading && (
                <Button type="button" mode="secondary" onClick={() => abort.current?.abort()}>
                  Cancel
                </Button>
              )}
            </div>
          </div>
        </div>
      </form>
    </>
  );
}
