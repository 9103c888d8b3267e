// The `persona serve` page: upload a photo, follow the job live (server-sent events), view and download the avatar.
// Plain browser JavaScript, no build step; it only uses the JSON API documented in docs/serve.md.
const $ = (id) => document.getElementById(id);
const QUALITY_HINTS = {
  test: 'seconds; a rough check that everything works',
  fast: 'a few minutes on a laptop',
  standard: 'tens of minutes; the recommended result',
  high: 'an hour or more',
};
const STATE_TEXT = { queued: 'Waiting in the queue…', running: 'Making the avatar…', done: 'Done — your avatar is ready.', failed: 'Failed.', cancelled: 'Cancelled.' };
const PICTURES = [
  ['perception.png', 'What the computer sees'],
  ['fit.png', 'Body model fitted'],
  ['training.png', 'Training preview'],
  ['turntable.png', 'Turntable'],
];
/** State readable by the browser test. */
const view = { info: null, file: null, jobId: null, job: null, events: 0, message: '' };
window.__serve = view;
let source = null;

async function api(path, init) {
  const r = await fetch(path, init);
  const body = r.headers.get('content-type')?.includes('json') ? await r.json() : {};
  if (!r.ok) throw Object.assign(new Error(body.error ?? `HTTP ${r.status}`), { hint: body.hint });
  return body;
}

function showMessage(text) {
  view.message = text;
  $('message').textContent = text;
}

function fmtSeconds(s) {
  if (s == null || !Number.isFinite(s)) return '';
  if (s < 60) return `${Math.max(0, Math.round(s))} s left`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s left`;
}

async function init() {
  view.info = await api('api/info');
  const q = $('quality');
  for (const name of view.info.qualities) q.add(new Option(name, name, false, name === view.info.defaultQuality));
  const hint = () => { $('quality-hint').textContent = QUALITY_HINTS[q.value] ?? ''; };
  q.onchange = hint;
  hint();
  for (const m of view.info.motions) {
    const label = document.createElement('label');
    label.title = m.description;
    label.innerHTML = `<input type="checkbox" value="${m.name}"> ${m.name}`;
    label.querySelector('input').checked = view.info.defaultMotions.includes(m.name);
    $('motions').append(label);
  }
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) choose(e.dataTransfer.files[0]); });
  $('file').onchange = () => { if ($('file').files[0]) choose($('file').files[0]); };
  $('start').onclick = start;
  $('cancel').onclick = () => act('cancel', 'POST');
  $('retry').onclick = () => act('retry', 'POST');
  $('delete').onclick = async () => {
    if (!confirm('Delete this avatar and its files?')) return;
    await act('', 'DELETE');
    closeJob();
  };
  await refreshGallery();
  const fromHash = location.hash.match(/^#job=([0-9a-f]{32})$/);
  if (fromHash) openJob(fromHash[1]);
}

function choose(file) {
  view.file = file;
  showMessage('');
  if (file.size > view.info.maxUploadBytes) {
    showMessage(`This file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${Math.round(view.info.maxUploadBytes / 1048576)} MB.`);
    $('start').disabled = true;
    return;
  }
  const img = document.createElement('img');
  img.src = URL.createObjectURL(file);
  img.onerror = () => img.remove(); // the server says why (corrupt, wrong type)
  $('drop-text').replaceChildren(img, document.createTextNode(file.name));
  $('start').disabled = false;
}

async function start() {
  if (!view.file) return;
  const form = new FormData();
  form.append('photo', view.file, view.file.name);
  form.append('quality', $('quality').value);
  form.append('motions', [...$('motions').querySelectorAll('input:checked')].map((i) => i.value).join(','));
  form.append('seed', $('seed').value || '0');
  if ($('person').value !== '') form.append('person', $('person').value);
  $('start').disabled = true;
  showMessage('Checking the photo (is there one person, whole body?)…');
  try {
    const { id } = await api('api/jobs', { method: 'POST', body: form });
    showMessage('');
    openJob(id);
    refreshGallery();
  } catch (err) {
    showMessage(`${err.message}${err.hint ? `\n${err.hint}` : ''}`);
  } finally {
    $('start').disabled = false;
  }
}

async function act(what, method) {
  if (!view.jobId) return;
  try {
    await api(`api/jobs/${view.jobId}${what ? `/${what}` : ''}`, { method });
  } catch (err) {
    alert(err.message);
  }
  refreshGallery();
}

function closeJob() {
  source?.close();
  source = null;
  view.jobId = null;
  view.job = null;
  $('job').hidden = true;
  history.replaceState(null, '', location.pathname + location.search);
  refreshGallery();
}

function openJob(id) {
  source?.close();
  view.jobId = id;
  view.job = null;
  view.events = 0;
  history.replaceState(null, '', `#job=${id}`);
  $('job').hidden = false;
  $('pictures').replaceChildren();
  $('result').hidden = true;
  $('viewer').removeAttribute('src');
  source = new EventSource(`api/jobs/${id}/events`);
  source.addEventListener('job', (e) => {
    view.events++;
    const job = JSON.parse(e.data);
    if (job.id !== view.jobId) return;
    const was = view.job?.state;
    view.job = job;
    render(job);
    if (was && was !== job.state) refreshGallery();
  });
  source.onerror = () => {
    // The stream reconnects by itself; a deleted job has nothing to reconnect to.
    if (view.job && ['done', 'failed', 'cancelled'].includes(view.job.state)) return;
  };
  document.querySelectorAll('.gallery .item').forEach((el) => el.classList.toggle('current', el.dataset.id === id));
}

function render(job) {
  $('job-title').textContent = `Avatar from ${job.photoName}`;
  const pct = Math.round(job.progress * 100);
  $('job-state').textContent = `${STATE_TEXT[job.state]}${job.state === 'running' ? ` ${pct} %${job.stage ? ` — ${job.stage}` : ''}` : ''}`;
  $('overall-bar').style.width = `${job.state === 'done' ? 100 : pct}%`;
  $('stages').replaceChildren(...job.stages.map((s) => {
    const li = document.createElement('li');
    li.className = s.state;
    const frac = s.state === 'done' || s.state === 'skipped' ? 1 : s.total ? (s.done ?? 0) / s.total : 0;
    const detail = s.state === 'running'
      ? `${s.total ? `${s.done ?? 0}/${s.total}` : 'working…'} ${fmtSeconds(s.etaSeconds)}`
      : s.state === 'done' ? (s.seconds != null ? `${s.seconds} s` : 'done') : s.state === 'skipped' ? 'already done' : '';
    li.innerHTML = `<span>${s.name}</span><div class="bar"><div style="width:${Math.round(frac * 100)}%"></div></div><span class="eta">${detail}</span>`;
    return li;
  }));
  $('job-error').hidden = !job.error;
  $('job-error').textContent = job.error ? `${job.error.message}${job.error.hint ? `\n${job.error.hint}` : ''}` : '';
  $('job-warnings').textContent = job.warnings.length ? `Note: ${job.warnings.join('; ')}` : '';
  $('cancel').hidden = !(job.state === 'queued' || job.state === 'running');
  $('retry').hidden = !(job.state === 'failed' || job.state === 'cancelled');
  $('delete').hidden = job.state === 'queued' || job.state === 'running';
  // Pictures as they appear; the training preview is reloaded on every update while training.
  for (const [name, caption] of PICTURES) {
    if (!job.files.includes(name)) continue;
    let fig = $('pictures').querySelector(`figure[data-name="${name}"]`);
    if (!fig) {
      fig = document.createElement('figure');
      fig.dataset.name = name;
      fig.innerHTML = `<img alt="${caption}"><figcaption>${caption}</figcaption>`;
      $('pictures').append(fig);
    }
    const img = fig.querySelector('img');
    const stamp = name === 'training.png' ? job.updatedAt : '';
    if (img.dataset.stamp !== stamp || !img.src) {
      img.dataset.stamp = stamp;
      img.src = `api/jobs/${job.id}/files/${name}?t=${encodeURIComponent(stamp)}`;
    }
  }
  if (job.state === 'done' && $('result').hidden) {
    $('result').hidden = false;
    $('viewer').src = `jobs/${job.id}/view/?motion=dance`;
    $('downloads').replaceChildren(...view.info.formats.map((f) => {
      const a = document.createElement('a');
      a.className = 'button';
      a.href = `api/jobs/${job.id}/export?format=${f}`;
      a.textContent = `Download ${f.toUpperCase()}`;
      a.dataset.format = f;
      return a;
    }));
  }
}

async function refreshGallery() {
  const { jobs } = await api('api/jobs');
  const g = $('gallery');
  if (!jobs.length) return void g.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'None yet.' }));
  g.replaceChildren(...jobs.map((j) => {
    const el = document.createElement('div');
    el.className = `item${j.id === view.jobId ? ' current' : ''}`;
    el.dataset.id = j.id;
    const thumb = j.files.includes('turntable.png') ? 'turntable.png' : j.files.includes('photo.png') ? 'photo.png' : null;
    el.innerHTML = `${thumb ? `<img src="api/jobs/${j.id}/files/${thumb}" alt="">` : '<img alt="">'}<div>${j.photoName.replace(/[<>&]/g, '')}</div><span class="badge ${j.state}">${j.state}</span>`;
    el.onclick = () => openJob(j.id);
    return el;
  }));
}

init().catch((err) => showMessage(`The page could not start: ${err.message}`));
