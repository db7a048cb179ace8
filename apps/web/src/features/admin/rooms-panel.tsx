/**
 * Rooms, for administrators: the list, adding one, changing one, deleting one. A room's place and
 * default radius are the check-in area of sessions started from it.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ErrorBody, RoomView } from '@classconnect/contracts';
import { LocationError, currentPosition } from '../../geo.js';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { Field, SaveCancel, checked } from './form.js';
import './admin-panels.css';
import { InputLimits } from '@classconnect/contracts/limits';

interface Draft {
  name: string;
  building: string;
  latitude: string;
  longitude: string;
  radius: string;
}
const Blank: Draft = { name: '', building: '', latitude: '', longitude: '', radius: '50' };

function draftOf(r: RoomView): Draft {
  return { name: r.name, building: r.building ?? '', latitude: String(r.latitude), longitude: String(r.longitude), radius: String(r.defaultRadiusM) };
}

/** The first thing wrong with the form, said for people; null when it can be sent. */
function problemOf(d: Draft): string | null {
  if (!d.name.trim()) return t('roomBadName');
  const lat = Number(d.latitude.replace(',', '.'));
  if (!d.latitude.trim() || !Number.isFinite(lat) || lat < -90 || lat > 90) return t('roomBadLatitude');
  const lon = Number(d.longitude.replace(',', '.'));
  if (!d.longitude.trim() || !Number.isFinite(lon) || lon < -180 || lon > 180) return t('roomBadLongitude');
  const r = Number(d.radius);
  if (!Number.isInteger(r) || r < 10 || r > 2000) return t('roomBadRadius');
  return null;
}

export function RoomsPanel({ live }: { live: Live }) {
  const ids = useId();
  const [rooms, setRooms] = useState<RoomView[] | null>(null);
  const [editing, setEditing] = useState<RoomView | 'new' | null>(null);
  const [draft, setDraft] = useState<Draft>(Blank);
  const [confirming, setConfirming] = useState<RoomView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | string | null>(null);
  const [notice, setNotice] = useState('');
  const nameInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const res = await live.request('room:list', {});
    if (res.ok) setRooms(res.data.rooms);
    else setError(res.error);
  }, [live]);
  useEffect(() => live.onConnect(() => void load()), [live, load]);
  useEffect(() => {
    if (editing) nameInput.current?.focus();
  }, [editing]);

  function edit(target: RoomView | 'new') {
    setEditing(target);
    setDraft(target === 'new' ? Blank : draftOf(target));
    setConfirming(null);
    setError(null);
    setNotice('');
  }

  async function here() {
    setError(null);
    try {
      const p = await currentPosition();
      setDraft((d) => ({ ...d, latitude: p.latitude.toFixed(6), longitude: p.longitude.toFixed(6) }));
    } catch (err) {
      setError(err instanceof LocationError ? t(err.kind === 'denied' ? 'locationDenied' : 'locationUnavailable') : String(err));
    }
  }

  async function save() {
    const problem = problemOf(draft);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    const fields = {
      name: draft.name.trim(),
      latitude: Number(draft.latitude.replace(',', '.')),
      longitude: Number(draft.longitude.replace(',', '.')),
      defaultRadiusM: Number(draft.radius),
    };
    const building = draft.building.trim();
    const res =
      editing === 'new'
        ? await live.request('room:create', { ...fields, ...(building ? { building } : {}) })
        : await live.request('room:update', { roomId: (editing as RoomView).id, ...fields, building: building || null });
    setBusy(false);
    if (!res.ok) return setError(res.error.code === 'VALIDATION_FAILED' ? res.error.message : res.error);
    setEditing(null);
    setNotice(t('roomSaved', { name: res.data.name }));
    await load();
  }

  async function remove(room: RoomView) {
    setBusy(true);
    const res = await live.request('room:delete', { roomId: room.id });
    setBusy(false);
    setConfirming(null);
    if (!res.ok) return setError(res.error);
    setNotice(t('roomDeleted', { name: room.name }));
    await load();
  }

  // Read now, not in the updater (see useDraft in form.tsx).
  const set = (key: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.target.value;
    setDraft((d) => ({ ...d, [key]: value }));
  };

  return (
    <section className="stack rooms-panel" aria-labelledby={`${ids}-title`}>
      <div className="section-head">
        <div>
          <h2 id={`${ids}-title`}>{t('roomsTitle')}</h2>
          <p className="hint">{t('roomsIntro')}</p>
        </div>
        {editing === null ? (
          <button type="button" className="button button-primary" onClick={() => edit('new')}>
            {t('roomAdd')}
          </button>
        ) : null}
      </div>
      <p role="status" className={notice ? 'alert alert-ok' : 'visually-hidden'}>
        {notice}
      </p>
      {editing !== null ? (
        <form
          className="panel stack"
          aria-labelledby={`${ids}-form`}
          noValidate
          onSubmit={checked(() => void save())}
        >
          <h3 id={`${ids}-form`}>{editing === 'new' ? t('roomAdd') : t('roomEditTitle', { name: editing.name })}</h3>
          <div className="room-form">
            <Field className="field" id={`${ids}-name`} label={t('roomName')}>
              <input id={`${ids}-name`} ref={nameInput} value={draft.name} onChange={set('name')} maxLength={InputLimits.roomName.max} autoComplete="off" />
            </Field>
            <Field className="field" id={`${ids}-building`} label={t('roomBuilding')}>
              <input id={`${ids}-building`} value={draft.building} onChange={set('building')} maxLength={InputLimits.building.max} autoComplete="off" />
            </Field>
            <Field className="field" id={`${ids}-lat`} label={t('roomLatitude')}>
              <input id={`${ids}-lat`} value={draft.latitude} onChange={set('latitude')} inputMode="decimal" autoComplete="off" />
            </Field>
            <Field className="field" id={`${ids}-lon`} label={t('roomLongitude')}>
              <input id={`${ids}-lon`} value={draft.longitude} onChange={set('longitude')} inputMode="decimal" autoComplete="off" />
            </Field>
            <Field className="field" id={`${ids}-radius`} label={t('roomRadius')}>
              <input id={`${ids}-radius`} type="number" min={InputLimits.radiusM.min} max={InputLimits.radiusM.max} step={1} value={draft.radius} onChange={set('radius')} />
            </Field>
            <div className="field">
              <button type="button" className="button button-secondary" onClick={() => void here()}>
                {t('roomHere')}
              </button>
            </div>
          </div>
          <SaveCancel
            error={error}
            busy={busy}
            onCancel={() => setEditing(null)}
            small={false}
            saveLabel={t('roomSave')}
            busyLabel={t('roomSaving')}
            cancelLabel={t('roomCancel')}
          />
        </form>
      ) : (
        <ErrorAlert error={error} />
      )}
      {rooms === null ? (
        <p className="muted">{t('loading')}</p>
      ) : rooms.length === 0 ? (
        <p className="muted">{t('roomsNone')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby={`${ids}-title`} tabIndex={0}>
          <table className="rooms-table stack-table" aria-labelledby={`${ids}-title`}>
            <thead>
              <tr>
                <th scope="col">{t('roomName')}</th>
                <th scope="col">{t('roomBuildingCol')}</th>
                <th scope="col">{t('roomPlace')}</th>
                <th scope="col">{t('roomRadiusCol')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('roomActions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rooms.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.name}</th>
                  <td data-label={t('roomBuildingCol')}>{r.building ?? '—'}</td>
                  <td className="mono" data-label={t('roomPlace')}>
                    {r.latitude.toFixed(5)}, {r.longitude.toFixed(5)}
                  </td>
                  <td data-label={t('roomRadiusCol')}>{t('metres', { n: r.defaultRadiusM })}</td>
                  <td className="actions">
                    {confirming?.id === r.id ? (
                      <span className="room-confirm" role="group" aria-label={t('roomDeleteOf', { name: r.name })}>
                        <span>{t('roomDeleteConfirm', { name: r.name })}</span>
                        <button type="button" className="button button-small button-stop" onClick={() => void remove(r)} disabled={busy}>
                          {t('roomDeleteYes')}
                        </button>
                        <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(null)}>
                          {t('roomCancel')}
                        </button>
                      </span>
                    ) : (
                      <>
                        <button type="button" className="button button-small button-secondary" onClick={() => edit(r)} aria-label={t('roomEditOf', { name: r.name })}>
                          {t('roomEdit')}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-secondary"
                          onClick={() => setConfirming(r)}
                          aria-label={t('roomDeleteOf', { name: r.name })}
                        >
                          {t('roomDelete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
