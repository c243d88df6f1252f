/**
 * "Seed a file / Seed a folder" (issue 6): pick the content (native dialog in Electron, the
 * host file browser in a browser; or files dropped and uploaded to the host), choose trackers
 * (the embedded tracker's URLs preselected while it runs), private and comment, then create
 * with live hashing progress (speed, ETA, cancellable), and finish with the magnet link, the
 * announce URLs (copy buttons) and "Save .torrent…".
 */
import { useEffect, useRef, useState } from 'react';
import type { CreatedTorrent, JobProgress } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { errorText, type ErrorText } from '../../lib/error-text';
import { ErrorNotice } from '../../components/ErrorDetails';
import { formatBytes, formatEta, formatRate } from '../../lib/format';
import type { SeedRequest } from '../../store/add-seed-slice';
import { useStore } from '../../store/store';
import { usePathPicker } from '../file-browser/use-path-picker';
import type { PickedFile } from './add-torrents';
import { uploadFile } from './upload-file';
import { CopyField } from './CopyField';
import { Modal } from './Modal';
import { baseName, defaultSeedOptions, seedRequests, type SeedOptionsForm } from './seed-options';
import { saveTorrentFile, showInFolder } from './torrent-files';

type Step =
  | { name: 'offer'; files: PickedFile[] }
  | { name: 'uploading'; index: number; total: number; fileName: string; percent: number }
  | { name: 'picking' }
  | { name: 'options'; paths: string[] }
  | { name: 'working'; jobIds: string[]; paths: string[] }
  | { name: 'done'; jobIds: string[]; paths: string[] };

function firstStep(req: SeedRequest): Step {
  if (req.kind === 'upload') return { name: 'offer', files: req.files };
  if (req.kind === 'paths') return { name: 'options', paths: req.paths };
  return { name: 'picking' };
}

function JobBar({ job }: { job: JobProgress | undefined }) {
  const fraction = job && job.totalBytes > 0 ? job.doneBytes / job.totalBytes : 0;
  const state = job?.state ?? 'running';
  return (
    <div className="job" data-state={state} data-testid="seed-job">
      <div className="job-head">
        <span className="job-label">{job?.label ?? 'Starting…'}</span>
        <span className="job-pct">{Math.floor(fraction * 100)}%</span>
      </div>
      <div
        className="job-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.floor(fraction * 100)}
        aria-label={`Hashing ${job?.label ?? ''}`}
      >
        <div className="job-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="job-meta">
        {job ? (
          <>
            <span>
              {formatBytes(job.doneBytes)} of {formatBytes(job.totalBytes)}
            </span>
            {state === 'running' && (
              <>
                <span>{formatRate(job.rateBps)}</span>
                <span>ETA {formatEta(job.etaSec)}</span>
              </>
            )}
            {state === 'failed' && <span className="job-error">{job.error}</span>}
            {state === 'cancelled' && <span>Cancelled</span>}
          </>
        ) : (
          <span>Waiting for the host…</span>
        )}
      </div>
    </div>
  );
}

function Result({ result }: { result: CreatedTorrent }) {
  const pushToast = useStore((s) => s.pushToast);
  const torrent = useStore((s) => s.torrents.get(result.id));
  const electron = getClient().transport === 'electron';
  const fail = (title: string) => (err: unknown) =>
    pushToast({ level: 'error', title, ...errorText(err) });
  return (
    <section className="seed-result" data-testid="seed-result">
      <h3>
        <span className="state-dot" data-state={torrent?.state ?? 'seeding'} aria-hidden="true" />
        {result.name}
        <span className="result-state">{torrent ? torrent.state : 'seeding'}</span>
      </h3>
      <CopyField label="Magnet link" value={result.magnet} testId="magnet-link" />
      {result.announceUrls.length > 0 ? (
        <div className="field">
          <div className="field-label">Announce URLs</div>
          {result.announceUrls.map((url) => (
            <CopyField key={url} label={`Announce URL ${url}`} value={url} />
          ))}
        </div>
      ) : (
        <p className="hint">
          No trackers: peers find it through the magnet link&apos;s peers or by address.
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => void saveTorrentFile(result.id).catch(fail('Could not save the .torrent'))}
        >
          Save .torrent…
        </button>
        {electron && torrent && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void showInFolder(torrent.savePath, torrent.name).catch(
                fail('Could not show the file'),
              )
            }
          >
            Show in folder
          </button>
        )}
      </div>
    </section>
  );
}

function SeedFlow({ request }: { request: SeedRequest }) {
  const closeSeed = useStore((s) => s.closeSeed);
  const pushToast = useStore((s) => s.pushToast);
  const tracker = useStore((s) => s.tracker);
  const jobs = useStore((s) => s.jobs);
  const [step, setStep] = useState<Step>(() => firstStep(request));
  const [form, setForm] = useState<SeedOptionsForm>(() => defaultSeedOptions(tracker));
  const [invalid, setInvalid] = useState<string[]>([]);
  const [error, setError] = useState<ErrorText | null>(null);
  const { pick, browser } = usePathPicker();
  const picking = useRef(false);
  const folder = request.kind === 'folder';

  const choose = async (kind: 'file' | 'folder', keep: string[] | null) => {
    if (picking.current) return;
    picking.current = true;
    try {
      const path = await pick(kind);
      if (path) setStep({ name: 'options', paths: [path] });
      else if (keep === null) closeSeed();
    } catch (err) {
      setError(errorText(err));
      if (keep === null) setStep({ name: 'options', paths: [] });
    } finally {
      picking.current = false;
    }
  };

  useEffect(() => {
    if (step.name === 'picking') void choose(folder ? 'folder' : 'file', null);
    // Only on opening: later picks come from the Change… button.
  }, []);

  // Done once every job has finished one way or another.
  useEffect(() => {
    if (step.name !== 'working') return;
    const all = step.jobIds.map((id) => jobs.get(id));
    if (all.every((j) => j && j.state !== 'running'))
      setStep({ name: 'done', jobIds: step.jobIds, paths: step.paths });
  }, [jobs, step]);

  const upload = async (files: PickedFile[]) => {
    const paths: string[] = [];
    const client = getClient();
    for (const [i, file] of files.entries()) {
      const at = { name: 'uploading', index: i + 1, total: files.length, fileName: file.name };
      setStep({ ...at, name: 'uploading', percent: 0 });
      try {
        paths.push(
          await uploadFile(client, file, (sent) =>
            setStep({
              ...at,
              name: 'uploading',
              percent: file.size > 0 ? Math.floor((sent / file.size) * 100) : 100,
            }),
          ),
        );
      } catch (err) {
        pushToast({
          level: 'error',
          title: `Could not upload ${file.name}`,
          ...errorText(err),
        });
      }
    }
    if (paths.length === 0) closeSeed();
    else setStep({ name: 'options', paths });
  };

  const create = async (paths: string[]) => {
    const { requests, invalid: bad } = seedRequests(paths, form);
    setInvalid(bad);
    if (bad.length > 0 || requests.length === 0) return;
    setError(null);
    const jobIds: string[] = [];
    for (const req of requests) {
      try {
        jobIds.push((await getClient().invoke('seed.create', req)).jobId);
      } catch (err) {
        const text = errorText(err);
        setError({ ...text, message: `${baseName(req.path)}: ${text.message}` });
      }
    }
    if (jobIds.length > 0) setStep({ name: 'working', jobIds, paths });
  };

  const cancelJobs = (jobIds: string[]) => {
    for (const jobId of jobIds) {
      if (jobs.get(jobId)?.state !== 'running' && jobs.has(jobId)) continue;
      getClient()
        .invoke('job.cancel', { jobId })
        .catch(() => undefined); // it finished meanwhile: its progress event says how
    }
  };

  if (step.name === 'picking') return <>{browser}</>;

  if (step.name === 'offer' || step.name === 'uploading') {
    const files = step.name === 'offer' ? step.files : [];
    const total = files.reduce((n, f) => n + f.size, 0);
    return (
      <Modal
        title={files.length === 1 ? `Seed ${files[0]!.name}?` : `Seed ${files.length} files?`}
        onClose={closeSeed}
        testId="seed-dialog"
        footer={
          step.name === 'offer' && (
            <>
              <button type="button" className="button" onClick={closeSeed}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-primary"
                onClick={() => void upload(files)}
              >
                Upload and seed
              </button>
            </>
          )
        }
      >
        {step.name === 'offer' ? (
          <>
            <p>
              {files.length === 1
                ? 'This is not a .torrent file.'
                : 'These are not .torrent files.'}{' '}
              Swarmscope can share {files.length === 1 ? 'it' : 'them'}: {formatBytes(total)} is
              uploaded to the host&apos;s data folder, hashed into{' '}
              {files.length === 1 ? 'a torrent' : 'one torrent per file'} and seeded from there.
            </p>
            <ul className="plain-list">
              {files.map((f) => (
                <li key={f.name}>
                  {f.name} <span className="muted">{formatBytes(f.size)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p role="status">
            Uploading {step.fileName} ({step.index} of {step.total}): {step.percent}%…
          </p>
        )}
      </Modal>
    );
  }

  if (step.name === 'options') {
    const paths = step.paths;
    const one = paths.length === 1;
    return (
      <Modal
        title={
          // A desktop drop names what was dropped: files, folders or both (issue 19).
          request.kind === 'paths'
            ? one
              ? `Seed ${baseName(paths[0] ?? '')}`
              : `Seed ${paths.length} items`
            : folder
              ? 'Seed a folder'
              : one
                ? 'Seed a file'
                : `Seed ${paths.length} files`
        }
        subtitle="Swarmscope hashes the content into a torrent and starts seeding it."
        onClose={closeSeed}
        testId="seed-dialog"
        footer={
          <>
            <button type="button" className="button" onClick={closeSeed}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={paths.length === 0}
              onClick={() => void create(paths)}
            >
              Create and seed
            </button>
          </>
        }
      >
        <div className="field">
          <div className="field-label">
            {request.kind === 'paths'
              ? one
                ? 'Location'
                : 'Locations'
              : folder
                ? 'Folder'
                : one
                  ? 'File'
                  : 'Files'}
          </div>
          <div className="field-row">
            <div className="path-box mono" data-testid="seed-path">
              {paths.length === 0 ? (
                <span className="muted">Nothing chosen</span>
              ) : (
                paths.join('\n')
              )}
            </div>
            {request.kind !== 'upload' && (
              <button
                type="button"
                className="button"
                onClick={() => void choose(folder ? 'folder' : 'file', paths)}
              >
                Change…
              </button>
            )}
          </div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="seed-trackers">
            Trackers <span className="muted">one URL a line</span>
          </label>
          <textarea
            id="seed-trackers"
            className="input mono"
            rows={3}
            value={form.trackersText}
            spellCheck={false}
            placeholder="udp://tracker.example.org:6969/announce"
            onChange={(e) => setForm({ ...form, trackersText: e.target.value })}
          />
          {tracker?.running ? (
            <div className="hint">The embedded tracker&apos;s URLs are filled in.</div>
          ) : (
            <div className="hint">
              The embedded tracker is off; turn it on in Settings to use it.
            </div>
          )}
          {invalid.length > 0 && (
            <div className="form-error" role="alert">
              Not tracker URLs (http, https or udp): {invalid.join(', ')}
            </div>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="seed-comment">
            Comment <span className="muted">optional</span>
          </label>
          <input
            id="seed-comment"
            className="input"
            value={form.comment}
            onChange={(e) => setForm({ ...form, comment: e.target.value })}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={form.private}
            onChange={(e) => setForm({ ...form, private: e.target.checked })}
          />
          Private torrent <span className="muted">(trackers only: no DHT or peer exchange)</span>
        </label>
        <ErrorNotice error={error} />
        {browser}
      </Modal>
    );
  }

  const jobIds = step.jobIds;
  const list = jobIds.map((id) => jobs.get(id));
  const running = list.some((j) => !j || j.state === 'running');
  const results = list.flatMap((j) => (j?.result ? [j.result] : []));
  return (
    <Modal
      title={running ? 'Creating torrent…' : results.length > 0 ? 'Seeding' : 'Not created'}
      subtitle={
        running
          ? 'Hashing the content; it starts seeding as soon as the hashing is done.'
          : results.length > 0
            ? 'Share the magnet link, or save the .torrent file and send it.'
            : undefined
      }
      onClose={() => {
        if (running) cancelJobs(jobIds);
        closeSeed();
      }}
      size="wide"
      testId="seed-dialog"
      footer={
        running ? (
          <button type="button" className="button" onClick={() => cancelJobs(jobIds)}>
            Cancel
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={closeSeed}>
            Done
          </button>
        )
      }
    >
      <div className="jobs">
        {jobIds.map((id, i) => {
          const job = jobs.get(id);
          if (job?.state === 'done' && job.result) return <Result key={id} result={job.result} />;
          return <JobBar key={id} job={job ?? placeholderJob(id, baseName(step.paths[i] ?? ''))} />;
        })}
      </div>
    </Modal>
  );
}

/** Shown until the host's first progress event for a job arrives. */
function placeholderJob(jobId: string, label: string): JobProgress {
  return {
    jobId,
    kind: 'create',
    label,
    doneBytes: 0,
    totalBytes: 0,
    rateBps: 0,
    etaSec: null,
    state: 'running',
    error: null,
    result: null,
  };
}

export function SeedDialog() {
  const request = useStore((s) => s.seedRequest);
  if (!request) return null;
  return <SeedFlow request={request} />;
}
