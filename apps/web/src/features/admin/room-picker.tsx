/**
 * Where a session takes place, on the teacher's Start form: this device's position, or one of the
 * university's rooms (its stored place and default radius; no position needed). Shows nothing when
 * there are no rooms.
 */
import { useEffect, useState } from 'react';
import type { RoomView } from '@classconnect/contracts';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import './admin-panels.css';

export function RoomPicker({ live, value, onChange }: { live: Live; value: RoomView | null; onChange: (room: RoomView | null) => void }) {
  const [rooms, setRooms] = useState<RoomView[]>([]);
  useEffect(
    () =>
      live.onConnect(async () => {
        const res = await live.request('room:list', {});
        if (res.ok) setRooms(res.data.rooms);
      }),
    [live],
  );
  if (rooms.length === 0) return null;
  return (
    <div className="field where">
      <label htmlFor="where">{t('wherePlace')}</label>
      <select id="where" value={value?.id ?? ''} onChange={(e) => onChange(rooms.find((r) => r.id === e.target.value) ?? null)} aria-describedby="where-hint">
        <option value="">{t('whereDevice')}</option>
        {rooms.map((r) => (
          <option key={r.id} value={r.id}>
            {t('whereRoomOption', { name: r.building ? `${r.name} (${r.building})` : r.name, radius: r.defaultRadiusM })}
          </option>
        ))}
      </select>
      <p id="where-hint" className="hint">
        {t('whereHint')}
      </p>
    </div>
  );
}
