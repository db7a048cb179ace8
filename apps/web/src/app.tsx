import { Suspense, lazy, useEffect, useState } from 'react';
import { loadTexts, t } from './i18n.js';
import { Live, type ConnectionState } from './live.js';
import { SignIn } from './sign-in.js';
import { StudentHome } from './features/checkin/student.js';
import { useSession } from './use-session.js';

// A student's phone loads sign-in and check-in only: the teacher's and the administrator's screens
// are separate files, fetched the first time someone with that role signs in, with their words.
const TeacherHome = lazy(() => Promise.all([import('./features/roster/teacher.js'), loadTexts(['roster', 'reports', 'courses'])]).then(([m]) => ({ default: m.TeacherHome })));
const AdminHome = lazy(() => Promise.all([import('./features/admin/admin-home.js'), loadTexts(['admin', 'courses'])]).then(([m]) => ({ default: m.AdminHome })));

export function App() {
  const { auth, restoring, notice, signedIn, signOut, ended, token } = useSession();
  const [live, setLive] = useState<Live | null>(null);
  const [conn, setConn] = useState<ConnectionState>('connecting');
  // A refreshed token keeps the connection: it is made again only for another sign-in.
  const connectionKey = auth ? (auth.signInId ?? auth.accessToken) : null;

  useEffect(() => {
    if (!auth) return;
    const l = new Live(token, ended);
    const off = l.onState(setConn);
    setLive(l);
    return () => {
      off();
      l.close();
      setLive(null);
    };
  }, [connectionKey]);

  if (!auth && restoring) {
    // The browser may keep a sign-in (its cookie): find out before offering the sign-in page.
    return (
      <main className="signin" id="main">
        <p className="muted" role="status" data-testid="restoring">
          {t('loading')}
        </p>
      </main>
    );
  }
  if (!auth) return <SignIn onSignedIn={signedIn} notice={notice} />;
  const role = auth.user.role;
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span className="brand-text">{t('appName')}</span>
        </div>
        <ConnectionBadge state={conn} />
        <div className="who">
          <span className="who-name">{auth.user.name}</span>
          <span className="who-first" aria-hidden="true">
            {auth.user.name.split(' ')[0]}
          </span>
          <span className="who-role">{t(role === 'teacher' ? 'roleTeacher' : role === 'student' ? 'roleStudent' : 'roleAdmin')}</span>
        </div>
        <button type="button" className="link-button" onClick={() => signOut()}>
          {t('signOut')}
        </button>
      </header>
      <main id="main">
        {!live ? (
          <p className="muted">{t('loading')}</p>
        ) : role === 'student' ? (
          <StudentHome live={live} auth={auth} />
        ) : (
          <Suspense fallback={<p className="muted">{t('loading')}</p>}>
            {role === 'admin' ? <AdminHome live={live} auth={auth} /> : <TeacherHome live={live} auth={auth} />}
          </Suspense>
        )}
      </main>
    </div>
  );
}

function ConnectionBadge({ state }: { state: ConnectionState }) {
  const label = state === 'online' ? t('connOnline') : state === 'connecting' ? t('connConnecting') : t('connOffline');
  return (
    <span className={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
