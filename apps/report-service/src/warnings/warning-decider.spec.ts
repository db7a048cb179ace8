import { describe, expect, it } from '@jest/globals';
import type { AttendanceStatus, WarningThresholds } from '@classconnect/contracts';
import { decideWarnings } from './warning-decider.js';

const defaults: WarningThresholds = { minRate: 0.7, minSessions: 5, consecutiveAbsences: 3, excusedPolicy: 'exclude' };
const s = (letters: string): AttendanceStatus[] =>
  [...letters].map((c) => ({ P: 'present', L: 'late', E: 'excused', A: 'absent' })[c] as AttendanceStatus);
const kinds = (statuses: string, t: WarningThresholds = defaults) => [...decideWarnings(s(statuses), t).kinds].sort();

describe('decideWarnings (statuses newest first)', () => {
  it('raises LOW_RATE only below the rate and after the minimum number of sessions', () => {
    expect(kinds('AAPP')).toEqual([]); // 50 % but only 4 sessions, and 2 absences in a row
    expect(kinds('APAPP')).toEqual(['LOW_RATE']); // 3/5 = 60 %
    expect(kinds('APPPPPPPPP')).toEqual([]); // 90 %
    expect(kinds('LLLAPPPPPA')).toEqual([]); // late is attended: 80 %
    expect(decideWarnings(s('APAPP'), defaults).figures).toEqual({ rate: 0.6, countedSessions: 5, consecutiveAbsences: 1 });
  });

  it('raises CONSECUTIVE_ABSENCES on the newest run of absences, and clears it with one attended session', () => {
    expect(kinds('AAA')).toEqual(['CONSECUTIVE_ABSENCES']);
    expect(kinds('PAAA')).toEqual([]);
    expect(kinds('AAAPPPPPPPPPPP')).toEqual(['CONSECUTIVE_ABSENCES']);
    expect(kinds('AAA', { ...defaults, consecutiveAbsences: 0 })).toEqual([]);
  });

  it('applies the excused policy: left out, missed or attended', () => {
    // exclude: E neither breaks the run nor counts; 3 absences around two excused sessions.
    expect(decideWarnings(s('AEAEA'), defaults).figures).toEqual({ rate: 0, countedSessions: 3, consecutiveAbsences: 3 });
    expect(kinds('EEEEEPP')).toEqual([]); // 2 counted sessions, 100 %
    expect(kinds('EEEPP', { ...defaults, excusedPolicy: 'absent' })).toEqual(['CONSECUTIVE_ABSENCES', 'LOW_RATE']);
    expect(kinds('EEEPP', { ...defaults, excusedPolicy: 'attended' })).toEqual([]);
    expect(decideWarnings(s('EEE'), defaults).figures).toEqual({ rate: null, countedSessions: 0, consecutiveAbsences: 0 });
  });

  it('follows a course’s own thresholds', () => {
    expect(kinds('APPP', { ...defaults, minRate: 0.8, minSessions: 4 })).toEqual(['LOW_RATE']);
    expect(kinds('AAPPPPPPPP', { ...defaults, consecutiveAbsences: 2 })).toEqual(['CONSECUTIVE_ABSENCES']);
  });
});
