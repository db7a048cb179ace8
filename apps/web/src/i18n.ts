/**
 * Every visible word of the web client, in English and French. The language follows the browser
 * (navigator.language); anything that is not French is shown in English.
 */
import type { ErrorCode } from '@classconnect/contracts';

export type Lang = 'en' | 'fr';

export function pickLang(languages: readonly string[]): Lang {
  return languages[0]?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export const lang: Lang = pickLang(typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);

const en = {
  appName: 'ClassConnect',
  tagline: 'Attendance in one tap.',
  signInTitle: 'Sign in',
  email: 'University email',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  connOnline: 'Connected',
  connConnecting: 'Connecting…',
  connOffline: 'Offline — reconnecting',
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back to my courses',
  roleTeacher: 'Teacher',
  roleStudent: 'Student',
  roleAdmin: 'Administrator',
  // teacher
  yourCourses: 'Your courses',
  noCourses: 'You have no courses yet.',
  radiusLabel: 'Check-in area (radius)',
  radiusHint: 'Students must be within this distance of where you are now.',
  metres: '{n} m',
  start: 'Start',
  startFor: 'Start attendance for {course}',
  starting: 'Finding your position…',
  liveTitle: 'Attendance is open',
  openedAt: 'Started at {time} · area {radius} m',
  present: 'Present',
  absent: 'Not yet',
  refused: 'Refused',
  stop: 'Stop and get the report',
  stopping: 'Closing…',
  rosterTitle: 'Students ({n})',
  stateAbsent: 'Not checked in',
  statePresent: 'Present · {time}',
  stateRefused: 'Refused: {reason}',
  distance: '{n} m away',
  reportTitle: 'Attendance report',
  reportPreparing: 'Preparing the report…',
  reportSummary: '{present} present, {absent} absent',
  downloadCsv: 'Download CSV',
  colName: 'Student',
  colStatus: 'Status',
  colTime: 'Checked in',
  colDistance: 'Distance',
  colNote: 'Note',
  statusPresent: 'Present',
  statusAbsent: 'Absent',
  lastTry: 'Last try refused: {reason}',
  // student
  setupTitle: 'Set up check-in on this phone',
  setupIntro: 'ClassConnect uses a passkey to confirm that it is really you checking in, on your own phone.',
  setupPoint1: 'Your phone asks for your fingerprint, face or screen-lock PIN.',
  setupPoint2: 'Your fingerprint or face never leaves your phone; ClassConnect never sees it.',
  setupPoint3: 'You do this once. After that, checking in is one tap.',
  setupButton: 'Set up my passkey',
  setupWorking: 'Follow your phone’s prompt…',
  setupDone: 'All set. You can check in from this phone.',
  setupAlready: 'This phone already holds your passkey.',
  setupCancelled: 'The passkey was not created. You can try again whenever you are ready.',
  setupUnsupported: 'This browser cannot create passkeys. Use an up-to-date Chrome, Safari, Edge or Firefox.',
  noActive: 'No class is taking attendance right now. When your teacher starts, the check-in button appears here by itself.',
  sessionOpen: '{course} is taking attendance',
  checkIn: 'Check in',
  checkInFor: 'Check in to {course}',
  stepPasskey: 'Confirm it is you on your phone…',
  stepLocation: 'Getting your position…',
  stepSending: 'Sending…',
  stepChecking: 'Checking…',
  waitingNetwork: 'No connection. Your check-in will be sent as soon as you are back online.',
  acceptedTitle: 'You are checked in',
  acceptedBody: '{course}, at {time}.',
  rejectedTitle: 'Not checked in',
  unconfirmedTitle: 'We could not confirm your check-in',
  unconfirmedBody: 'Check your connection and try again.',
  sessionEnded: 'This session has ended.',
  locationDenied: 'Location is turned off for this site. Allow location in your browser settings, then try again.',
  locationUnavailable: 'Your phone could not find its position. Turn on location (precise), then try again.',
  myCourses: 'My courses',
  installHint: 'Tip: add ClassConnect to your home screen from the browser menu.',
  // statuses, marks by hand, history
  statusLate: 'Late',
  statusExcused: 'Excused',
  changeStatus: 'Change',
  changeStatusFor: 'Change the status of {name}',
  markTitle: 'Change the status of {name}',
  markStatus: 'New status',
  markReason: 'Reason',
  markReasonHint: 'Kept in the report beside what the check-in proved.',
  markSave: 'Save',
  markSaving: 'Saving…',
  markCancel: 'Cancel',
  markReasonNeeded: 'Write a reason for the change.',
  markSaved: '{name}: {status}.',
  changedByHand: 'Set by hand: “{reason}”',
  changedByAt: 'Set by hand at {time}: “{reason}”',
  checkinGave: 'Check-in said: {status}',
  history: 'History',
  historyFor: 'Attendance history of {course}',
  historyTitle: 'Attendance history',
  historySessions: 'Sessions ({n})',
  historyStudents: 'Students ({n})',
  historyNoSessions: 'No session of this course has been closed yet.',
  historyRateNote: 'Attendance = present or late, out of the sessions held while the student was enrolled. Excused counts as not attended.',
  colDate: 'Date',
  colSessions: 'Sessions',
  colRate: 'Attendance',
  openReport: 'Open report',
  openReportOf: 'Open report of {date}',
  formerStudent: 'no longer enrolled',
  noRate: 'no session yet',
  backToHistory: 'Back to the history',
  myHistory: 'My attendance',
  myHistoryOpen: 'See my attendance',
  myHistoryNone: 'No session of this course has been closed yet.',
  myRate: 'Attendance: {rate}',
  myAttended: '{attended} of {n} sessions attended',
  setByTeacher: 'set by your teacher',
  backHome: 'Back',
  qrLabel: 'QR code on your screen',
  qrOff: 'Off',
  qrOffered: 'Offered: extra proof when scanned',
  qrRequired: 'Required: students must scan it',
  qrHint: 'A code that changes every 10 seconds, to show on the projector: proof of being in the room.',
  qrShow: 'Show QR code',
  qrClose: 'Close',
  qrTitle: 'Scan to check in',
  qrTypeCode: 'No camera? Type this code',
  qrChanges: 'Changes every {n} seconds',
  qrAlt: 'QR code to check in to {course}',
  qrLoading: 'Preparing the code…',
  qrModeBadge: 'QR code: {mode}',
  qrNeeded: 'This class needs the code on the teacher’s screen.',
  qrScanned: 'Code from the QR code ready.',
  qrCodeLabel: 'Code on the teacher’s screen',
  qrCodeHint: 'Scan the QR code with your phone’s camera, or type the 6 characters shown beside it.',
  qrScan: 'Scan with the camera',
  qrScanHelp: 'Point the camera at the QR code on the teacher’s screen.',
  qrScanCancel: 'Stop the camera',
  qrScanUnavailable: 'This browser cannot read QR codes itself: use your phone’s camera app, or type the code.',
} as const;

type Key = keyof typeof en;

const fr: Record<Key, string> = {
  appName: 'ClassConnect',
  tagline: 'La présence en un geste.',
  signInTitle: 'Connexion',
  email: 'E-mail universitaire',
  password: 'Mot de passe',
  signIn: 'Se connecter',
  signingIn: 'Connexion…',
  signOut: 'Se déconnecter',
  signedInAs: 'Connecté·e : {name}',
  connOnline: 'Connecté',
  connConnecting: 'Connexion…',
  connOffline: 'Hors ligne — reconnexion',
  loading: 'Chargement…',
  retry: 'Réessayer',
  back: 'Retour à mes cours',
  roleTeacher: 'Enseignant·e',
  roleStudent: 'Étudiant·e',
  roleAdmin: 'Administrateur·rice',
  yourCourses: 'Vos cours',
  noCourses: 'Vous n’avez pas encore de cours.',
  radiusLabel: 'Zone de présence (rayon)',
  radiusHint: 'Les étudiants doivent se trouver à cette distance de votre position actuelle.',
  metres: '{n} m',
  start: 'Démarrer',
  startFor: 'Démarrer l’appel pour {course}',
  starting: 'Recherche de votre position…',
  liveTitle: 'L’appel est ouvert',
  openedAt: 'Ouvert à {time} · zone de {radius} m',
  present: 'Présents',
  absent: 'Pas encore',
  refused: 'Refusés',
  stop: 'Arrêter et voir le rapport',
  stopping: 'Fermeture…',
  rosterTitle: 'Étudiants ({n})',
  stateAbsent: 'Pas encore présent·e',
  statePresent: 'Présent·e · {time}',
  stateRefused: 'Refusé : {reason}',
  distance: 'à {n} m',
  reportTitle: 'Rapport de présence',
  reportPreparing: 'Préparation du rapport…',
  reportSummary: '{present} présents, {absent} absents',
  downloadCsv: 'Télécharger le CSV',
  colName: 'Étudiant·e',
  colStatus: 'Statut',
  colTime: 'Arrivée',
  colDistance: 'Distance',
  colNote: 'Remarque',
  statusPresent: 'Présent·e',
  statusAbsent: 'Absent·e',
  lastTry: 'Dernier essai refusé : {reason}',
  setupTitle: 'Activer la présence sur ce téléphone',
  setupIntro: 'ClassConnect utilise une clé d’accès (passkey) pour vérifier que c’est bien vous qui signalez votre présence, depuis votre téléphone.',
  setupPoint1: 'Votre téléphone vous demande votre empreinte, votre visage ou le code de verrouillage.',
  setupPoint2: 'Votre empreinte ou votre visage ne quittent jamais le téléphone ; ClassConnect ne les voit pas.',
  setupPoint3: 'Une seule fois. Ensuite, signaler sa présence se fait en un geste.',
  setupButton: 'Créer ma clé d’accès',
  setupWorking: 'Suivez les instructions du téléphone…',
  setupDone: 'C’est prêt. Vous pouvez signaler votre présence depuis ce téléphone.',
  setupAlready: 'Ce téléphone contient déjà votre clé d’accès.',
  setupCancelled: 'La clé d’accès n’a pas été créée. Vous pouvez réessayer quand vous voulez.',
  setupUnsupported: 'Ce navigateur ne sait pas créer de clé d’accès. Utilisez un Chrome, Safari, Edge ou Firefox à jour.',
  noActive: 'Aucun cours ne fait l’appel pour le moment. Quand votre enseignant·e démarre, le bouton apparaît ici tout seul.',
  sessionOpen: '{course} fait l’appel',
  checkIn: 'Je suis là',
  checkInFor: 'Signaler ma présence en {course}',
  stepPasskey: 'Confirmez votre identité sur le téléphone…',
  stepLocation: 'Recherche de votre position…',
  stepSending: 'Envoi…',
  stepChecking: 'Vérification…',
  waitingNetwork: 'Pas de connexion. Votre présence sera envoyée dès le retour du réseau.',
  acceptedTitle: 'Présence enregistrée',
  acceptedBody: '{course}, à {time}.',
  rejectedTitle: 'Présence non enregistrée',
  unconfirmedTitle: 'Impossible de confirmer votre présence',
  unconfirmedBody: 'Vérifiez votre connexion et réessayez.',
  sessionEnded: 'Cet appel est terminé.',
  locationDenied: 'La localisation est désactivée pour ce site. Autorisez-la dans les réglages du navigateur, puis réessayez.',
  locationUnavailable: 'Le téléphone ne trouve pas sa position. Activez la localisation précise, puis réessayez.',
  myCourses: 'Mes cours',
  installHint: 'Astuce : ajoutez ClassConnect à l’écran d’accueil depuis le menu du navigateur.',
  statusLate: 'En retard',
  statusExcused: 'Excusé·e',
  changeStatus: 'Modifier',
  changeStatusFor: 'Modifier le statut de {name}',
  markTitle: 'Modifier le statut de {name}',
  markStatus: 'Nouveau statut',
  markReason: 'Motif',
  markReasonHint: 'Conservé dans le rapport, à côté de ce que la présence a prouvé.',
  markSave: 'Enregistrer',
  markSaving: 'Enregistrement…',
  markCancel: 'Annuler',
  markReasonNeeded: 'Indiquez le motif de la modification.',
  markSaved: '{name} : {status}.',
  changedByHand: 'Modifié à la main : « {reason} »',
  changedByAt: 'Modifié à la main à {time} : « {reason} »',
  checkinGave: 'Présence signalée : {status}',
  history: 'Historique',
  historyFor: 'Historique des présences de {course}',
  historyTitle: 'Historique des présences',
  historySessions: 'Séances ({n})',
  historyStudents: 'Étudiants ({n})',
  historyNoSessions: 'Aucune séance de ce cours n’a encore été close.',
  historyRateNote: 'Assiduité = présent·e ou en retard, sur les séances tenues pendant l’inscription. Excusé·e compte comme non présent·e.',
  colDate: 'Date',
  colSessions: 'Séances',
  colRate: 'Assiduité',
  openReport: 'Voir le rapport',
  openReportOf: 'Voir le rapport du {date}',
  formerStudent: 'plus inscrit·e',
  noRate: 'aucune séance',
  backToHistory: 'Retour à l’historique',
  myHistory: 'Mes présences',
  myHistoryOpen: 'Voir mes présences',
  myHistoryNone: 'Aucune séance de ce cours n’a encore été close.',
  myRate: 'Assiduité : {rate}',
  myAttended: 'présent·e à {attended} séance(s) sur {n}',
  setByTeacher: 'indiqué par votre enseignant·e',
  backHome: 'Retour',
  qrLabel: 'QR code à l’écran',
  qrOff: 'Désactivé',
  qrOffered: 'Proposé : preuve de plus s’il est scanné',
  qrRequired: 'Obligatoire : les étudiant·es doivent le scanner',
  qrHint: 'Un code qui change toutes les 10 secondes, à projeter : preuve d’être dans la salle.',
  qrShow: 'Afficher le QR code',
  qrClose: 'Fermer',
  qrTitle: 'Scannez pour l’appel',
  qrTypeCode: 'Pas d’appareil photo ? Saisissez ce code',
  qrChanges: 'Change toutes les {n} secondes',
  qrAlt: 'QR code pour l’appel de {course}',
  qrLoading: 'Préparation du code…',
  qrModeBadge: 'QR code : {mode}',
  qrNeeded: 'Ce cours demande le code affiché sur l’écran de l’enseignant·e.',
  qrScanned: 'Code du QR code prêt.',
  qrCodeLabel: 'Code affiché sur l’écran de l’enseignant·e',
  qrCodeHint: 'Scannez le QR code avec l’appareil photo du téléphone, ou saisissez les 6 caractères affichés à côté.',
  qrScan: 'Scanner avec l’appareil photo',
  qrScanHelp: 'Visez le QR code affiché sur l’écran de l’enseignant·e.',
  qrScanCancel: 'Arrêter l’appareil photo',
  qrScanUnavailable: 'Ce navigateur ne lit pas les QR codes : utilisez l’appareil photo du téléphone, ou saisissez le code.',
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, fr };

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all)) : text;
}

/** The text for `key` in the chosen language, with `{name}` placeholders filled in. */
export function t(key: Key, vars?: Record<string, string | number>, language: Lang = lang): string {
  return fill(dictionaries[language][key], vars);
}

/**
 * What went wrong and what to do, for every error code: the student reads `problem` and `todo`;
 * the teacher's roster shows `short`. `{distance}` and `{radius}` are filled when known.
 */
interface ErrorText {
  problem: string;
  todo: string;
  short: string;
}

/** Every code in the contracts must be here (the compiler checks); codes added later on the server read as INTERNAL until then. */
type ErrorDictionary = Record<ErrorCode, ErrorText> & Record<string, ErrorText>;

const errorsEn: ErrorDictionary = {
  VALIDATION_FAILED: { problem: 'The app sent something the server did not understand.', todo: 'Reload the page and try again.', short: 'app error' },
  UNAUTHENTICATED: { problem: 'Your sign-in has expired.', todo: 'Sign in again.', short: 'signed out' },
  INVALID_CREDENTIALS: { problem: 'The email or password is not correct.', todo: 'Check them and try again.', short: 'wrong password' },
  FORBIDDEN: { problem: 'Your account is not allowed to do this.', todo: 'Ask your department if you think this is a mistake.', short: 'not allowed' },
  IDENTITY_MISMATCH: { problem: 'The app sent a request for someone else.', todo: 'Reload the page and try again.', short: 'app error' },
  RATE_LIMITED: { problem: 'Too many tries in a short time.', todo: 'Wait a few seconds, then try again.', short: 'too many tries' },
  COURSE_NOT_FOUND: { problem: 'This course no longer exists.', todo: 'Reload the page to see your current courses.', short: 'unknown course' },
  NOT_COURSE_TEACHER: { problem: 'You do not teach this course.', todo: 'Ask your department to add you as a teacher of it.', short: 'not the teacher' },
  SESSION_NOT_FOUND: { problem: 'This attendance session no longer exists.', todo: 'Reload the page.', short: 'unknown session' },
  SESSION_ALREADY_OPEN: { problem: 'Attendance is already open for this course.', todo: 'Reload the page to see it, or stop it first.', short: 'already open' },
  SESSION_NOT_OPEN: { problem: 'This session has already ended.', todo: 'Ask your teacher if you still need to be marked present.', short: 'session ended' },
  NOT_ENROLLED: { problem: 'You are not on this course’s list.', todo: 'Ask your teacher or department to enrol you.', short: 'not enrolled' },
  ALREADY_CHECKED_IN: { problem: 'You are already checked in.', todo: 'Nothing else to do.', short: 'already present' },
  REPORT_NOT_READY: { problem: 'The report is not ready yet.', todo: 'Wait a moment; it appears by itself.', short: 'report not ready' },
  CHECKIN_WINDOW_CLOSED: { problem: 'Check-in for this class has closed.', todo: 'Ask your teacher if you still need to be marked present.', short: 'too late' },
  NO_PASSKEY: { problem: 'This account has no passkey yet.', todo: 'Set up your passkey, then check in.', short: 'no passkey' },
  PASSKEY_REGISTRATION_FAILED: { problem: 'Your passkey could not be set up.', todo: 'Try again; make sure your phone has a screen lock.', short: 'passkey set-up failed' },
  UNKNOWN_CREDENTIAL: { problem: 'The passkey on this phone is not linked to your account.', todo: 'Set up a passkey on this phone, then check in again.', short: 'unknown passkey' },
  CHALLENGE_NOT_FOUND: { problem: 'The check-in took too long.', todo: 'Tap “Try again” and confirm within two minutes.', short: 'took too long' },
  CHALLENGE_MISMATCH: { problem: 'The check-in did not match this session.', todo: 'Tap “Try again”.', short: 'mismatched attempt' },
  CHALLENGE_ALREADY_USED: { problem: 'This check-in attempt was already used.', todo: 'Tap “Try again” for a fresh attempt.', short: 'reused attempt' },
  ASSERTION_INVALID: { problem: 'Your passkey could not be verified.', todo: 'Tap “Try again”. If it keeps failing, set up your passkey again.', short: 'passkey not valid' },
  USER_NOT_VERIFIED: {
    problem: 'Your phone did not confirm it is you.',
    todo: 'Your phone must verify you with your fingerprint, face or PIN. If it has no screen lock, turn one on. Then tap “Try again”.',
    short: 'phone did not verify the student (no fingerprint, face or PIN)',
  },
  COUNTER_REPLAY: { problem: 'Your passkey looks copied or replayed.', todo: 'Try once more; if it repeats, set up your passkey again.', short: 'passkey replayed' },
  OUTSIDE_GEOFENCE: { problem: 'You are not in the classroom: about {distance} m away, outside the {radius} m check-in area.', todo: 'Move closer to the classroom and try again.', short: 'too far away' },
  QR_REQUIRED: { problem: 'This class needs the code from the teacher’s screen.', todo: 'Scan the QR code, or type the 6-character code beside it, then check in again.', short: 'no QR code' },
  QR_EXPIRED: { problem: 'That code has already changed on the teacher’s screen.', todo: 'Scan the QR code again, or type the code shown now.', short: 'QR code too old' },
  QR_WRONG_SESSION: { problem: 'That QR code belongs to another class.', todo: 'Scan the code shown in your room.', short: 'QR code of another class' },
  QR_INVALID: { problem: 'That code is not the one on the teacher’s screen.', todo: 'Check the code and try again.', short: 'wrong QR code' },
  QR_NOT_ENABLED: { problem: 'This session does not use QR codes.', todo: 'Start a session with a QR code to show one.', short: 'no QR code in this session' },
  POSITION_TOO_INACCURATE: { problem: 'Your phone’s position is too imprecise.', todo: 'Turn on precise location, step near a window, and try again.', short: 'position too imprecise' },
  NOT_FOUND: { problem: 'The app asked for something that does not exist.', todo: 'Reload the page.', short: 'not found' },
  SERVICE_UNAVAILABLE: { problem: 'ClassConnect is busy or briefly unreachable.', todo: 'Wait a few seconds and try again.', short: 'service busy' },
  INTERNAL: { problem: 'Something went wrong on our side.', todo: 'Try again in a moment.', short: 'server error' },
  // sign-in security
  SIGN_IN_THROTTLED: { problem: 'Too many failed sign-in attempts.', todo: 'Wait {minutes} min before trying again, or sign in with a passkey.', short: 'too many attempts' },
  REFRESH_TOKEN_INVALID: { problem: 'Your sign-in has ended.', todo: 'Sign in again.', short: 'signed out' },
  REFRESH_TOKEN_REUSED: { problem: 'Your sign-in was ended for your safety: an old sign-in token was used again.', todo: 'Sign in again. If this repeats, tell your IT service.', short: 'signed out' },
  SIGN_IN_REVOKED: { problem: 'Your sign-in has ended.', todo: 'Sign in again.', short: 'signed out' },
  ACCOUNT_DISABLED: { problem: 'This account is disabled.', todo: 'Ask your university’s ClassConnect administrator.', short: 'account disabled' },
  SSO_NOT_CONFIGURED: { problem: 'University sign-in is not set up on this server.', todo: 'Sign in with your email and password.', short: 'no university sign-in' },
  SSO_FAILED: { problem: 'The university sign-in did not work.', todo: 'Try again, or sign in with your email and password.', short: 'university sign-in failed' },
};

const errorsFr: ErrorDictionary = {
  VALIDATION_FAILED: { problem: 'L’application a envoyé une demande incomprise du serveur.', todo: 'Rechargez la page et réessayez.', short: 'erreur de l’application' },
  UNAUTHENTICATED: { problem: 'Votre connexion a expiré.', todo: 'Reconnectez-vous.', short: 'déconnecté·e' },
  INVALID_CREDENTIALS: { problem: 'L’e-mail ou le mot de passe est incorrect.', todo: 'Vérifiez-les et réessayez.', short: 'mot de passe incorrect' },
  FORBIDDEN: { problem: 'Votre compte n’a pas le droit de faire cela.', todo: 'Contactez votre département si c’est une erreur.', short: 'non autorisé' },
  IDENTITY_MISMATCH: { problem: 'L’application a envoyé une demande au nom de quelqu’un d’autre.', todo: 'Rechargez la page et réessayez.', short: 'erreur de l’application' },
  RATE_LIMITED: { problem: 'Trop d’essais en peu de temps.', todo: 'Patientez quelques secondes, puis réessayez.', short: 'trop d’essais' },
  COURSE_NOT_FOUND: { problem: 'Ce cours n’existe plus.', todo: 'Rechargez la page pour voir vos cours.', short: 'cours inconnu' },
  NOT_COURSE_TEACHER: { problem: 'Vous n’enseignez pas ce cours.', todo: 'Demandez à votre département de vous y ajouter.', short: 'pas l’enseignant·e' },
  SESSION_NOT_FOUND: { problem: 'Cet appel n’existe plus.', todo: 'Rechargez la page.', short: 'appel inconnu' },
  SESSION_ALREADY_OPEN: { problem: 'L’appel est déjà ouvert pour ce cours.', todo: 'Rechargez la page pour le voir, ou arrêtez-le d’abord.', short: 'déjà ouvert' },
  SESSION_NOT_OPEN: { problem: 'Cet appel est déjà terminé.', todo: 'Voyez avec votre enseignant·e si vous devez être noté·e présent·e.', short: 'appel terminé' },
  NOT_ENROLLED: { problem: 'Vous n’êtes pas sur la liste de ce cours.', todo: 'Demandez votre inscription à l’enseignant·e ou au département.', short: 'non inscrit·e' },
  ALREADY_CHECKED_IN: { problem: 'Votre présence est déjà enregistrée.', todo: 'Rien d’autre à faire.', short: 'déjà présent·e' },
  REPORT_NOT_READY: { problem: 'Le rapport n’est pas encore prêt.', todo: 'Patientez ; il s’affiche tout seul.', short: 'rapport pas prêt' },
  CHECKIN_WINDOW_CLOSED: { problem: 'L’appel de ce cours est clos.', todo: 'Voyez avec votre enseignant·e si vous devez être noté·e présent·e.', short: 'trop tard' },
  NO_PASSKEY: { problem: 'Ce compte n’a pas encore de clé d’accès.', todo: 'Créez votre clé d’accès, puis signalez votre présence.', short: 'pas de clé d’accès' },
  PASSKEY_REGISTRATION_FAILED: { problem: 'La clé d’accès n’a pas pu être créée.', todo: 'Réessayez ; le téléphone doit avoir un verrouillage d’écran.', short: 'échec de la clé d’accès' },
  UNKNOWN_CREDENTIAL: { problem: 'La clé d’accès de ce téléphone n’est pas liée à votre compte.', todo: 'Créez une clé d’accès sur ce téléphone, puis réessayez.', short: 'clé d’accès inconnue' },
  CHALLENGE_NOT_FOUND: { problem: 'La vérification a pris trop de temps.', todo: 'Touchez « Réessayer » et confirmez en moins de deux minutes.', short: 'trop lent' },
  CHALLENGE_MISMATCH: { problem: 'La vérification ne correspond pas à cet appel.', todo: 'Touchez « Réessayer ».', short: 'essai non conforme' },
  CHALLENGE_ALREADY_USED: { problem: 'Cet essai a déjà été utilisé.', todo: 'Touchez « Réessayer » pour un nouvel essai.', short: 'essai réutilisé' },
  ASSERTION_INVALID: { problem: 'Votre clé d’accès n’a pas pu être vérifiée.', todo: 'Réessayez. Si cela se répète, recréez votre clé d’accès.', short: 'clé d’accès non valide' },
  USER_NOT_VERIFIED: {
    problem: 'Votre téléphone n’a pas confirmé que c’est vous.',
    todo: 'Le téléphone doit vous reconnaître par empreinte, visage ou code. S’il n’a pas de verrouillage d’écran, activez-en un. Puis touchez « Réessayer ».',
    short: 'le téléphone n’a pas vérifié l’étudiant·e (ni empreinte, ni visage, ni code)',
  },
  COUNTER_REPLAY: { problem: 'Votre clé d’accès semble copiée ou rejouée.', todo: 'Réessayez une fois ; si cela se répète, recréez votre clé d’accès.', short: 'clé d’accès rejouée' },
  OUTSIDE_GEOFENCE: { problem: 'Vous n’êtes pas dans la salle : à environ {distance} m, hors de la zone de {radius} m.', todo: 'Rapprochez-vous de la salle et réessayez.', short: 'trop loin' },
  QR_REQUIRED: { problem: 'Ce cours demande le code affiché sur l’écran de l’enseignant·e.', todo: 'Scannez le QR code, ou saisissez le code de 6 caractères affiché à côté, puis réessayez.', short: 'pas de QR code' },
  QR_EXPIRED: { problem: 'Ce code a déjà changé sur l’écran de l’enseignant·e.', todo: 'Scannez de nouveau le QR code, ou saisissez le code affiché maintenant.', short: 'QR code trop ancien' },
  QR_WRONG_SESSION: { problem: 'Ce QR code appartient à un autre cours.', todo: 'Scannez le code affiché dans votre salle.', short: 'QR code d’un autre cours' },
  QR_INVALID: { problem: 'Ce code n’est pas celui de l’écran de l’enseignant·e.', todo: 'Vérifiez le code et réessayez.', short: 'mauvais QR code' },
  QR_NOT_ENABLED: { problem: 'Cette séance n’utilise pas de QR code.', todo: 'Démarrez une séance avec QR code pour en afficher un.', short: 'pas de QR code dans cette séance' },
  POSITION_TOO_INACCURATE: { problem: 'La position du téléphone est trop imprécise.', todo: 'Activez la localisation précise, approchez-vous d’une fenêtre et réessayez.', short: 'position imprécise' },
  NOT_FOUND: { problem: 'L’application a demandé quelque chose qui n’existe pas.', todo: 'Rechargez la page.', short: 'introuvable' },
  SERVICE_UNAVAILABLE: { problem: 'ClassConnect est occupé ou brièvement injoignable.', todo: 'Patientez quelques secondes et réessayez.', short: 'service occupé' },
  INTERNAL: { problem: 'Un problème est survenu de notre côté.', todo: 'Réessayez dans un instant.', short: 'erreur du serveur' },
  // sign-in security
  SIGN_IN_THROTTLED: { problem: 'Trop de tentatives de connexion échouées.', todo: 'Patientez {minutes} min avant de réessayer, ou connectez-vous avec une clé d’accès.', short: 'trop de tentatives' },
  REFRESH_TOKEN_INVALID: { problem: 'Votre connexion a pris fin.', todo: 'Reconnectez-vous.', short: 'déconnecté·e' },
  REFRESH_TOKEN_REUSED: { problem: 'Votre connexion a été fermée par sécurité : un ancien jeton de connexion a été réutilisé.', todo: 'Reconnectez-vous. Si cela se répète, prévenez votre service informatique.', short: 'déconnecté·e' },
  SIGN_IN_REVOKED: { problem: 'Votre connexion a pris fin.', todo: 'Reconnectez-vous.', short: 'déconnecté·e' },
  ACCOUNT_DISABLED: { problem: 'Ce compte est désactivé.', todo: 'Contactez l’administrateur ClassConnect de votre université.', short: 'compte désactivé' },
  SSO_NOT_CONFIGURED: { problem: 'La connexion universitaire n’est pas configurée sur ce serveur.', todo: 'Connectez-vous avec votre e-mail et votre mot de passe.', short: 'pas de connexion universitaire' },
  SSO_FAILED: { problem: 'La connexion universitaire n’a pas abouti.', todo: 'Réessayez, ou connectez-vous avec votre e-mail et votre mot de passe.', short: 'échec de la connexion universitaire' },
};

const errorDictionaries: Record<Lang, ErrorDictionary> = { en: errorsEn, fr: errorsFr };

/** The words for an error code; an unknown code (a newer server) reads like INTERNAL. */
export function errorText(code: string, vars: { distance?: number; radius?: number } = {}, language: Lang = lang): ErrorText {
  const dict = errorDictionaries[language];
  const entry = dict[code] ?? dict.INTERNAL;
  const v = {
    distance: vars.distance === undefined ? '?' : Math.round(vars.distance),
    radius: vars.radius === undefined ? '?' : vars.radius,
  };
  return { problem: fill(entry.problem, v), todo: fill(entry.todo, v), short: fill(entry.short, v) };
}

export function formatTime(iso: string | undefined, language: Lang = lang): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString(language === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function formatDate(iso: string | undefined, language: Lang = lang): string {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(language === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** An attendance rate (0 … 1) as a whole percentage; '' when there is none. */
export function formatRate(rate: number | null, language: Lang = lang): string {
  if (rate === null) return '';
  return new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(rate);
}

const statusKeys = { present: 'statusPresent', late: 'statusLate', excused: 'statusExcused', absent: 'statusAbsent' } as const;

/** The word for an attendance status. */
export function statusText(status: 'present' | 'late' | 'excused' | 'absent', language: Lang = lang): string {
  return t(statusKeys[status], undefined, language);
}
