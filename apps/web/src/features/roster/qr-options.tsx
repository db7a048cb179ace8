/** The teacher's choice of QR code for a session they start. */
import type { QrMode } from '@classconnect/contracts';
import { t } from '../../i18n.js';

export function QrOptionsField({ value, onChange }: { value: QrMode; onChange: (mode: QrMode) => void }) {
  return (
    <div className="qr-options">
      <label htmlFor="qr-mode">{t('qrLabel')}</label>
      <select id="qr-mode" value={value} onChange={(e) => onChange(e.target.value as QrMode)} aria-describedby="qr-hint" data-testid="qr-mode">
        <option value="off">{t('qrOff')}</option>
        <option value="offered">{t('qrOffered')}</option>
        <option value="required">{t('qrRequired')}</option>
      </select>
      <p id="qr-hint" className="hint">
        {t('qrHint')}
      </p>
    </div>
  );
}
