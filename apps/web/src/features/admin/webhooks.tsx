/**
 * Webhooks, for administrators: the endpoints other systems receive events at, registering one (its
 * secret shown once), sending a test event, reading the delivery log, rotating the secret, turning
 * an endpoint off or on, removing it. The words are kept here, in English and French, so this tab is
 * one file (docs/webhooks.md is the guide it points to).
 */
import { useCallback, useEffect, useId, useState } from 'react';
import '../../zod-jitless.js'; // first: the contracts below build zod schemas as they load
import { EventSubjects, type CourseView, type ErrorBody, type WebhookDeliveryView, type WebhookEndpointView } from '@classconnect/contracts';
import { formatDate, formatTime, lang } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { Field, SaveCancel, checked } from './form.js';
import './admin-panels.css';
import './webhooks.css';
import { InputLimits } from '@classconnect/contracts/limits';

const Words = {
  en: {
    tab: 'Webhooks',
    title: 'Webhooks',
    intro: 'Other systems (LMS, student records) receive attendance events at these addresses, signed with their secret. See docs/webhooks.md for how a receiver verifies them.',
    add: 'Add an endpoint',
    none: 'No endpoint yet.',
    loading: 'Loading…',
    url: 'Address (https://…)',
    description: 'Description (optional)',
    events: 'Events to send',
    courses: 'Only these courses (none ticked: every course)',
    save: 'Register',
    saving: 'Registering…',
    cancel: 'Cancel',
    noEvents: 'Tick at least one event.',
    badUrl: 'Enter the full address, starting with https://',
    secretTitle: 'The signing secret — copy it now, it is shown only once',
    secretHint: 'Give it to the receiving system. Deliveries carry a webhook-signature made with it.',
    close: 'Done',
    enabled: 'On',
    disabled: 'Off',
    test: 'Send a test event',
    testing: 'Sending…',
    testOk: 'The test event was accepted ({status}, {ms} ms).',
    testFailed: 'The test event was not accepted: {why}.',
    log: 'Delivery log',
    hideLog: 'Hide the log',
    rotate: 'Rotate the secret',
    rotateHint: 'The old secret keeps signing for a day as well, so the receiver can switch.',
    turnOff: 'Turn off',
    turnOn: 'Turn on',
    remove: 'Remove',
    removeConfirm: 'Remove {url}? Its deliveries stop.',
    removeYes: 'Remove it',
    removed: 'Endpoint removed.',
    logNone: 'Nothing delivered yet.',
    colEvent: 'Event',
    colStatus: 'Status',
    colAttempts: 'Attempts',
    colLast: 'Last answer',
    colWhen: 'Last attempt',
    pending: 'retrying',
    succeeded: 'delivered',
    failed: 'failed',
    next: 'next at {time}',
    overlap: 'previous secret also signs until {time}',
    allCourses: 'every course',
    nCourses: '{n} course(s)',
  },
  fr: {
    tab: 'Webhooks',
    title: 'Webhooks',
    intro: 'D’autres systèmes (LMS, scolarité) reçoivent les événements de présence à ces adresses, signés avec leur secret. Voir docs/webhooks.md pour la vérification côté récepteur.',
    add: 'Ajouter un point de réception',
    none: 'Aucun point de réception.',
    loading: 'Chargement…',
    url: 'Adresse (https://…)',
    description: 'Description (facultative)',
    events: 'Événements à envoyer',
    courses: 'Seulement ces cours (aucun coché : tous)',
    save: 'Enregistrer',
    saving: 'Enregistrement…',
    cancel: 'Annuler',
    noEvents: 'Cochez au moins un événement.',
    badUrl: 'Saisissez l’adresse complète, commençant par https://',
    secretTitle: 'Le secret de signature — copiez-le maintenant, il n’est montré qu’une fois',
    secretHint: 'Donnez-le au système récepteur. Chaque envoi porte une webhook-signature faite avec lui.',
    close: 'Terminé',
    enabled: 'Actif',
    disabled: 'Arrêté',
    test: 'Envoyer un événement de test',
    testing: 'Envoi…',
    testOk: 'L’événement de test a été accepté ({status}, {ms} ms).',
    testFailed: 'L’événement de test n’a pas été accepté : {why}.',
    log: 'Journal des envois',
    hideLog: 'Masquer le journal',
    rotate: 'Changer le secret',
    rotateHint: 'L’ancien secret signe aussi pendant un jour, le temps que le récepteur change.',
    turnOff: 'Arrêter',
    turnOn: 'Réactiver',
    remove: 'Supprimer',
    removeConfirm: 'Supprimer {url} ? Ses envois s’arrêtent.',
    removeYes: 'Le supprimer',
    removed: 'Point de réception supprimé.',
    logNone: 'Rien d’envoyé pour l’instant.',
    colEvent: 'Événement',
    colStatus: 'État',
    colAttempts: 'Essais',
    colLast: 'Dernière réponse',
    colWhen: 'Dernier essai',
    pending: 'nouvel essai prévu',
    succeeded: 'livré',
    failed: 'échec',
    next: 'prochain à {time}',
    overlap: 'l’ancien secret signe aussi jusqu’à {time}',
    allCourses: 'tous les cours',
    nCourses: '{n} cours',
  },
} as const;
type Word = keyof (typeof Words)['en'];

function w(key: Word, vars: Record<string, string | number> = {}): string {
  return Words[lang][key].replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

/** The tab's label in the console's tab list. */
export function webhooksTabLabel(): string {
  return w('tab');
}

/** The events an endpoint may ask for, newest versions first within each name. */
const EventTypes = Object.values(EventSubjects)
  .filter((s) => s.startsWith('attendance.') || s.startsWith('directory.'))
  .sort();

export function WebhooksPanel({ live }: { live: Live }) {
  const ids = useId();
  const [endpoints, setEndpoints] = useState<WebhookEndpointView[] | null>(null);
  const [courses, setCourses] = useState<CourseView[]>([]);
  const [adding, setAdding] = useState(false);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(['attendance.mark.recorded.v2', 'attendance.mark.changed.v1', 'attendance.session.closed.v2']);
  const [courseIds, setCourseIds] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | string | null>(null);
  const [notice, setNotice] = useState('');
  const [logOf, setLogOf] = useState<{ id: string; deliveries: WebhookDeliveryView[] } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await live.request('webhook:list', {});
    if (res.ok) setEndpoints(res.data.endpoints);
    else setError(res.error);
    const c = await live.request('course:list', {});
    if (c.ok) setCourses(c.data.courses);
  }, [live]);
  useEffect(() => live.onConnect(() => void load()), [live, load]);

  async function create() {
    if (!/^https?:\/\/\S+$/i.test(url.trim())) return setError(w('badUrl'));
    if (types.length === 0) return setError(w('noEvents'));
    setBusy('create');
    setError(null);
    const res = await live.request('webhook:create', {
      url: url.trim(),
      eventTypes: types,
      ...(courseIds.length ? { courseIds } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    setBusy(null);
    if (!res.ok) return setError(res.error.code === 'VALIDATION_FAILED' ? res.error.message : res.error);
    setAdding(false);
    setSecret(res.data.secret);
    setUrl('');
    setDescription('');
    await load();
  }

  async function act(id: string, what: 'test' | 'rotate' | 'toggle' | 'remove' | 'log', endpoint: WebhookEndpointView) {
    setBusy(`${what}:${id}`);
    setError(null);
    setNotice('');
    if (what === 'test') {
      const res = await live.request('webhook:test', { endpointId: id }, 25_000);
      if (!res.ok) setError(res.error);
      else if (res.data.ok) setNotice(w('testOk', { status: res.data.statusCode ?? '', ms: res.data.durationMs }));
      else setError(w('testFailed', { why: res.data.statusCode ? `HTTP ${res.data.statusCode}` : (res.data.error ?? '') }));
    } else if (what === 'rotate') {
      const res = await live.request('webhook:rotate-secret', { endpointId: id });
      if (res.ok) setSecret(res.data.secret);
      else setError(res.error);
    } else if (what === 'toggle') {
      const res = await live.request('webhook:update', { endpointId: id, enabled: !endpoint.enabled });
      if (!res.ok) setError(res.error);
    } else if (what === 'remove') {
      const res = await live.request('webhook:delete', { endpointId: id });
      setConfirming(null);
      if (res.ok) setNotice(w('removed'));
      else setError(res.error);
    }
    if (what === 'log' || (what === 'test' && logOf?.id === id)) {
      const res = await live.request('webhook:deliveries', { endpointId: id, limit: 50 });
      if (res.ok) setLogOf({ id, deliveries: res.data.deliveries });
      else setError(res.error);
    }
    setBusy(null);
    await load();
  }

  const toggle = (list: string[], set: (l: string[]) => void, value: string) => set(list.includes(value) ? list.filter((x) => x !== value) : [...list, value]);

  return (
    <section className="stack webhooks-panel" aria-labelledby={`${ids}-title`}>
      <div className="section-head">
        <div>
          <h2 id={`${ids}-title`}>{w('title')}</h2>
          <p className="hint">{w('intro')}</p>
        </div>
        {!adding ? (
          <button type="button" className="button button-primary" onClick={() => (setAdding(true), setError(null), setSecret(null))}>
            {w('add')}
          </button>
        ) : null}
      </div>
      <p role="status" className={notice ? 'alert alert-ok' : 'visually-hidden'}>
        {notice}
      </p>
      {secret ? (
        <div className="panel stack" role="alert" aria-labelledby={`${ids}-secret`}>
          <h3 id={`${ids}-secret`}>{w('secretTitle')}</h3>
          <p className="mono secret" data-testid="webhook-secret">
            {secret}
          </p>
          <p className="hint">{w('secretHint')}</p>
          <div>
            <button type="button" className="button button-secondary button-small" onClick={() => setSecret(null)}>
              {w('close')}
            </button>
          </div>
        </div>
      ) : null}
      {adding ? (
        <form
          className="panel stack"
          aria-labelledby={`${ids}-form`}
          noValidate
          onSubmit={checked(() => void create())}
        >
          <h3 id={`${ids}-form`}>{w('add')}</h3>
          <Field className="field" id={`${ids}-url`} label={w('url')}>
            <input id={`${ids}-url`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} maxLength={InputLimits.webhookUrl.max} autoComplete="off" required />
          </Field>
          <Field className="field" id={`${ids}-desc`} label={w('description')}>
            <input id={`${ids}-desc`} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={InputLimits.webhookDescription.max} autoComplete="off" />
          </Field>
          <fieldset className="field choices">
            <legend>{w('events')}</legend>
            {EventTypes.map((type) => (
              <label key={type} className="choice">
                <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(types, setTypes, type)} /> <span className="mono">{type}</span>
              </label>
            ))}
          </fieldset>
          {courses.length > 0 ? (
            <fieldset className="field choices">
              <legend>{w('courses')}</legend>
              {courses.map((c) => (
                <label key={c.id} className="choice">
                  <input type="checkbox" checked={courseIds.includes(c.id)} onChange={() => toggle(courseIds, setCourseIds, c.id)} /> {c.code} — {c.title}
                </label>
              ))}
            </fieldset>
          ) : null}
          <SaveCancel error={error} busy={busy === 'create'} onCancel={() => setAdding(false)} small={false} saveLabel={w('save')} busyLabel={w('saving')} cancelLabel={w('cancel')} />
        </form>
      ) : (
        <ErrorAlert error={error} />
      )}
      {endpoints === null ? (
        <p className="muted">{w('loading')}</p>
      ) : endpoints.length === 0 ? (
        <p className="muted">{w('none')}</p>
      ) : (
        <ul className="stack endpoints" aria-labelledby={`${ids}-title`}>
          {endpoints.map((e) => (
            <li key={e.id} className="panel stack">
              <div>
                <strong className="mono endpoint-url">
                  {e.url}
                </strong>{' '}
                <span className={e.enabled ? 'badge badge-present' : 'badge badge-absent'}>{e.enabled ? w('enabled') : w('disabled')}</span>
                {e.description ? <p>{e.description}</p> : null}
                <p className="hint">
                  {e.eventTypes.join(', ')} · {e.courseIds ? w('nCourses', { n: e.courseIds.length }) : w('allCourses')}
                  {e.disabledReason ? ` · ${e.disabledReason}` : ''}
                  {e.previousSecretExpiresAt ? ` · ${w('overlap', { time: `${formatDate(e.previousSecretExpiresAt)} ${formatTime(e.previousSecretExpiresAt)}` })}` : ''}
                </p>
              </div>
              {confirming === e.id ? (
                <div role="group" aria-label={w('remove')} className="mark-actions">
                  <span>{w('removeConfirm', { url: e.url })}</span>
                  <button type="button" className="button button-small button-stop" onClick={() => void act(e.id, 'remove', e)} disabled={busy !== null}>
                    {w('removeYes')}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(null)}>
                    {w('cancel')}
                  </button>
                </div>
              ) : (
                <div className="mark-actions">
                  <button type="button" className="button button-small button-primary" onClick={() => void act(e.id, 'test', e)} disabled={busy !== null}>
                    {busy === `test:${e.id}` ? w('testing') : w('test')}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => (logOf?.id === e.id ? setLogOf(null) : void act(e.id, 'log', e))} aria-expanded={logOf?.id === e.id}>
                    {logOf?.id === e.id ? w('hideLog') : w('log')}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => void act(e.id, 'rotate', e)} title={w('rotateHint')} disabled={busy !== null}>
                    {w('rotate')}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => void act(e.id, 'toggle', e)} disabled={busy !== null}>
                    {e.enabled ? w('turnOff') : w('turnOn')}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(e.id)}>
                    {w('remove')}
                  </button>
                </div>
              )}
              {logOf?.id === e.id ? <DeliveryLog deliveries={logOf.deliveries} label={`${w('log')}: ${e.url}`} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DeliveryLog({ deliveries, label }: { deliveries: WebhookDeliveryView[]; label: string }) {
  if (deliveries.length === 0) return <p className="muted">{w('logNone')}</p>;
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="delivery-log" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{w('colEvent')}</th>
            <th scope="col">{w('colStatus')}</th>
            <th scope="col">{w('colAttempts')}</th>
            <th scope="col">{w('colLast')}</th>
            <th scope="col">{w('colWhen')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.eventId}>
              <th scope="row" className="mono">
                {d.eventType.replace(/^edu\.classconnect\./, '')}
              </th>
              <td>
                {w(d.status)}
                {d.nextAttemptAt ? ` (${w('next', { time: formatTime(d.nextAttemptAt) })})` : ''}
              </td>
              <td>{d.attempts}</td>
              <td>{d.lastStatusCode !== undefined ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
              <td>{d.lastAttemptAt ? `${formatDate(d.lastAttemptAt)} ${formatTime(d.lastAttemptAt)}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
