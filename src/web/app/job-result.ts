import type { VideoMetadata } from '../../server/api-types.js';
import { describeError, getBlobUrl, type Session } from './api.js';
import { h, replace } from './dom.js';
import { formatBytes, formatSeconds, formatTime } from './format.js';

const base = (jobId: string): string => `/api/video/${encodeURIComponent(jobId)}`;

/** A resource URL an element can load: direct without keys, an object URL fetched with the key otherwise. */
async function loadable(session: Session, path: string): Promise<string> {
  return session.authRequired ? getBlobUrl(session, path) : path;
}

function metadataList(m: VideoMetadata): HTMLElement {
  const rows: Array<[string, string]> = [
    ['Duration', formatSeconds(m.durationSeconds)],
    ['Size', m.width && m.height ? `${m.width} × ${m.height}` : '—'],
    ['Video', `${m.codec ?? '—'}${m.fps ? ` at ${m.fps} fps` : ''}`],
    ['Audio', m.audioCodec ?? 'none'],
    ['File', `${formatBytes(m.sizeBytes)} (${m.formatName})`],
    ['Finished', formatTime(m.finishedAt)],
    ['Artifacts', m.artifacts.join(', ') || '—'],
  ];
  return h(
    'dl',
    { class: 'facts metadata' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** The finished video: a player, download links, the thumbnail and the file's metadata. */
export function renderJobResult(el: HTMLElement, session: Session, jobId: string): void {
  const video = h('video', { controls: true, preload: 'metadata', playsinline: true, class: 'player' });
  video.setAttribute('aria-label', `Video of job ${jobId}`);
  const thumb = h('img', { class: 'thumb', alt: `Thumbnail of the video of job ${jobId}`, width: 240 });
  const download = h('a', { class: 'button primary', download: `video-${jobId}.mp4` }, 'Download video');
  const thumbLink = h('a', { class: 'button', download: `thumbnail-${jobId}.jpg` }, 'Download thumbnail');
  const meta = h('div', {}, h('p', { class: 'hint' }, 'Reading the file’s metadata…'));
  const problem = h('p', { class: 'field-error', role: 'alert' });
  replace(
    el,
    h('h2', {}, 'Your video'),
    video,
    h('div', { class: 'actions' }, download, thumbLink),
    problem,
    h('div', { class: 'result-details' }, h('figure', {}, thumb, h('figcaption', {}, 'Thumbnail')), meta),
  );
  loadable(session, `${base(jobId)}/download`).then(
    (url) => {
      video.src = url;
      download.href = url;
    },
    (error: unknown) => {
      problem.textContent = `The video could not be loaded: ${describeError(error)}`;
    },
  );
  loadable(session, `${base(jobId)}/thumbnail`).then(
    (url) => {
      thumb.src = url;
      thumbLink.href = url;
      if (!video.poster) video.poster = url;
    },
    () => {
      thumb.alt = 'No thumbnail available';
    },
  );
  session.client.getMetadata(jobId).then(
    (m) => replace(meta, metadataList(m)),
    (error: unknown) => replace(meta, h('p', { class: 'hint' }, `No metadata: ${describeError(error)}`)),
  );
}
