/**
 * Check-in flags: signs a teacher should look at on an accepted check-in. They never refuse anyone;
 * each badge opens (keyboard and screen reader too: a native <details>) to say what it means.
 */
import { useEffect, useState } from 'react';
import type { CheckinFlag, CheckinFlagCode } from '@classconnect/contracts';
import { lang, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import './flags.css';

const labels: Record<CheckinFlagCode, { label: Parameters<typeof t>[0]; help: Parameters<typeof t>[0] }> = {
  ACCURACY_ZERO: { label: 'flagAccuracyZero', help: 'flagAccuracyZeroHelp' },
  IDENTICAL_POSITION: { label: 'flagIdenticalPosition', help: 'flagIdenticalPositionHelp' },
  IMPOSSIBLE_TRAVEL: { label: 'flagImpossibleTravel', help: 'flagImpossibleTravelHelp' },
  SHARED_DEVICE: { label: 'flagSharedDevice', help: 'flagSharedDeviceHelp' },
  CONCURRENT_USE: { label: 'flagConcurrentUse', help: 'flagConcurrentUseHelp' },
};

/** One badge per flag; nothing when there are none. */
export function FlagBadges({ flags }: { flags: CheckinFlag[] | undefined }) {
  if (!flags?.length) return null;
  return (
    <div className="flags" data-testid="flags">
      {flags.map((f) => {
        const known = labels[f.code];
        return (
          <details key={f.code} className="flag" data-flag={f.code}>
            <summary className="flag-badge" title={known ? t(known.help) : f.detail}>
              <span aria-hidden="true">⚑ </span>
              {known ? t(known.label) : f.code}
              <span className="visually-hidden"> ({t('flagWhat')})</span>
            </summary>
            <span className="flag-help">
              {/* The server's sentence is the most precise (how many students, how far), but in English only. */}
              {lang === 'en' || !known ? f.detail : t(known.help)} {t('flagDecide')}
            </span>
          </details>
        );
      })}
    </div>
  );
}

/**
 * A session's flags by student, for the live roster: those found so far (flags:get, read again
 * after every reconnect), then each checkin:flagged push. One entry per code, the first sentence kept.
 */
export function useSessionFlags(live: Live, sessionId: string): Map<string, CheckinFlag[]> {
  const [flags, setFlags] = useState<Map<string, CheckinFlag[]>>(() => new Map());
  useEffect(() => {
    const merge = (studentId: string, found: CheckinFlag[]) =>
      setFlags((current) => {
        const mine = [...(current.get(studentId) ?? [])];
        for (const f of found) if (!mine.some((m) => m.code === f.code)) mine.push(f);
        return new Map(current).set(studentId, mine);
      });
    const offPush = live.on('checkin:flagged', (e) => {
      if (e.sessionId === sessionId) merge(e.studentId, e.flags);
    });
    const offConnect = live.onConnect(() => {
      void live.request('flags:get', { sessionId }).then((res) => {
        // Not there yet (the session's first events not projected): the pushes still come.
        if (res.ok) for (const s of res.data.students) merge(s.studentId, s.flags);
      });
    });
    return () => {
      offPush();
      offConnect();
    };
  }, [live, sessionId]);
  return flags;
}
