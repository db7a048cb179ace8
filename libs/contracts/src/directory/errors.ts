/** Error codes of accounts, courses, enrollments and rooms (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const DirectoryErrorCodes = {
  // courses
  COURSE_NOT_FOUND: 'COURSE_NOT_FOUND',
  NOT_COURSE_TEACHER: 'NOT_COURSE_TEACHER',
  // people and courses administration
  /** user:create with an email another account already has. */
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  /** course:create with a code another course already has. */
  COURSE_CODE_TAKEN: 'COURSE_CODE_TAKEN',
  /** user:update for an account that does not exist. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** course:teachers:set naming an account that is not a teacher (or does not exist). */
  NOT_A_TEACHER: 'NOT_A_TEACHER',
  // rooms and enrollments
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** Another room already has this name. */
  ROOM_NAME_TAKEN: 'ROOM_NAME_TAKEN',
  /** No account has this email. */
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  /** The account is a teacher's or an admin's: only students are enrolled. */
  NOT_A_STUDENT: 'NOT_A_STUDENT',
  // erasure
  /** user:erase whose confirmEmail is not the account's email. */
  CONFIRMATION_MISMATCH: 'CONFIRMATION_MISMATCH',
} as const;
