import { Button } from '@maxhub/max-ui';
import { useEffect, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { useTranslation } from '../i18n';
import { Link } from 'wouter';
import { ApiError, photosApi } from '../api';
import { duplicatePhotoId, uploadErrorKey } from '../api/upload';
import { Icon } from '../components/Icon';
import { PrimaryAction, useClosingConfirmation } from '../components/PrimaryAction';
import { ScreenTitle } from '../components/Screen';
import { Notice, errorText } from '../components/States';
import { navigate } from '../routing/navigation';
import { useSession } from '../state/session';

// HEIC/HEIF: iPhone photos as they come off the camera (the backend renders them like any other).
const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,image/heic,image/heif,image/avif,.heic,.heif,.avif';
/** The backend's upload limit (MAX_UPLOAD_BYTES, 10 MiB): refused here before sending. */
const MAX_BYTES = 10 * 1024 * 1024;
/** A camera button only where there is one to open (phones, tablets), not on a desktop. */
const hasCamera = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

function titleFromName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim().slice(0, 120);
}

/** Pick, drop or take a photo, preview it, name it, upload with a progress bar. */
export default function UploadScreen() {
  const { t } = useTranslation();
  const { host } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  // Whether the title was typed by the user (kept for the next file) or derived from the name.
  const [titleTyped, setTitleTyped] = useState(false);
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<{ text: string; duplicateOf: number | null } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const uploading = progress !== null;
  // An upload running, or a form with a photo in it: ask before the messenger closes.
  useClosingConfirmation(uploading || file !== null);

  useEffect(() => () => abort.current?.abort(), []);
  // A file dropped beside the drop zone must not make the browser leave the app to show it.
  useEffect(() => {
    const keep = (e: globalThis.DragEvent) => e.preventDefault();
    window.addEventListener('dragover', keep);
    window.addEventListener('drop', keep);
    return () => {
      window.removeEventListener('dragover', keep);
      window.removeEventListener('drop', keep);
    };
  }, []);
  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const take = (f: File | undefined | null) => {
    if (!f) return;
    // Checked before a byte is sent: a 13 MB file or a PDF used to fail only after the upload.
    const wrong = !ACCEPT.split(',').includes(f.type) ? 'upload.error.unsupported' : f.size > MAX_BYTES ? 'upload.error.tooLarge' : null;
    if (wrong) {
      host.haptic.notify('error');
      setError({ text: t(wrong), duplicateOf: null });
      return;
    }
    host.haptic.selection();
    setFile(f);
    setError(null);
    if (!titleTyped) setTitle(titleFromName(f.name));
  };

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    take(f);
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!uploading) take(e.dataTransfer.files?.[0]);
  };

  const submit = async () => {
    if (!file || !title.trim() || uploading) return;
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
      host.haptic.notify('success');
      setProgress(null);
      setFile(null);
      navigate(`/photos/${photo.id}`, { replace: true, state: { photo } });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') {
        host.haptic.notify('error');
        const key = uploadErrorKey(err);
        setError({ text: key ? t(key) : errorText(err), duplicateOf: duplicatePhotoId(err) });
        // A rejected file goes, and its title with it: it must not stick to the next file.
        if (err instanceof ApiError && [409, 413, 415].includes(err.status)) {
          setTitle('');
          setTitleTyped(false);
          setFile(null);
          setPreview(null);
        }
      }
      setProgress(null);
    }
  };

  const percent = Math.round((progress ?? 0) * 100);
  const reason = !file ? t('upload.needFile') : !title.trim() ? t('upload.needTitle') : null;

  return (
    <>
      <ScreenTitle>{t('upload.title')}</ScreenTitle>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        className="row g-3"
      >
        <div className="col-12 col-md-6">
          {/* The whole area is the picker's label: a tap opens it, a dropped file is taken. */}
          <label
            className={`upload-drop${dragging ? ' dragging' : ''}${preview ? ' has-preview' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={drop}
            data-testid="drop-zone"
          >
            <input
              ref={picker}
              type="file"
              accept={ACCEPT}
              className="visually-hidden-file"
              onChange={pick}
              disabled={uploading}
              data-testid="file-pick"
            />
            {preview ? (
              <img src={preview} alt={t('common.photoPreview')} className="upload-preview" />
            ) : (
              <>
                <Icon name="image" size={40} />
                <span>{dragging ? t('upload.dropHere') : t('upload.drop')}</span>
              </>
            )}
          </label>
          <div className="d-flex gap-2 mt-2">
            <Button type="button" mode="secondary" stretched disabled={uploading} onClick={() => picker.current?.click()}>
              {file ? t('upload.chooseAnother') : t('upload.choose')}
            </Button>
            {hasCamera && (
              <label className="btn btn-outline-primary flex-fill d-inline-flex align-items-center justify-content-center gap-1 tap-min" aria-disabled={uploading}>
                <input type="file" accept="image/*" capture="environment" className="visually-hidden-file" onChange={pick} disabled={uploading} />
                <Icon name="camera" size={18} /> {t('upload.takePhoto')}
              </label>
            )}
          </div>
        </div>
        <div className="col-12 col-md-6">
          <div className="card-surface">
            <div className="mb-3">
              <label htmlFor="upload-title" className="form-label">{t('upload.titleLabel')}</label>
              <input
                id="upload-title"
                className="form-control"
                value={title}
                onChange={(e) => {
                  setTitle(e.target.value);
                  setTitleTyped(e.target.value.trim() !== '');
                }}
                maxLength={200}
                required
                disabled={uploading}
                placeholder={t('upload.titlePlaceholder')}
              />
            </div>
            <div className="mb-3">
              <label htmlFor="upload-desc" className="form-label">
                {t('upload.descriptionLabel')} <span className="text-secondary">{t('common.optional')}</span>
              </label>
              <textarea id="upload-desc" className="form-control" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} disabled={uploading} />
            </div>
            {error && (
              <Notice kind="danger" onClose={() => setError(null)}>
                {error.text}
                {error.duplicateOf && (
                  <>
                    {' '}
                    <Link href={`/photos/${error.duplicateOf}`}>{t('upload.seeExisting')}</Link>
                  </>
                )}
              </Notice>
            )}
            {uploading && (
              <div className="mb-3" ref={(el) => el?.scrollIntoView({ block: 'nearest' })}>
                <div className="progress" role="progressbar" aria-label={t('upload.progress')} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
                  <div className="progress-bar progress-bar-striped progress-bar-animated" style={{ width: `${percent}%` }} />
                </div>
                <div className="small text-secondary mt-1 d-flex">
                  <span className="flex-grow-1">{percent < 100 ? t('upload.uploading') : t('upload.processing')}</span>
                  <span>{percent}%</span>
                </div>
              </div>
            )}
            <PrimaryAction text={t('upload.submit')} onClick={() => void submit()} disabled={Boolean(reason) || uploading} loading={uploading} reason={reason} />
            {uploading && (
              <Button className="mt-2" type="button" mode="secondary" stretched onClick={() => abort.current?.abort()}>
                {t('common.cancel')}
              </Button>
            )}
          </div>
        </div>
      </form>
    </>
  );
}
