/**
 * Accounts (identity-service): who people are, and what an admin creates, lists, changes and
 * disables. Every request carries the actor the gateway authenticated; the service checks
 * permissions again.
 */
import { z } from 'zod';
import { Actor, Email, HumanText, Id, Role, TextWithoutNul } from '../primitives.js';
import { command } from '../slice-maps.js';
import { InputLimits } from '../limits.js';

export const UserSummary = z.object({ id: Id, email: z.string(), name: z.string(), role: Role });
export type UserSummary = z.infer<typeof UserSummary>;

export const UsersRequest = z.object({ userIds: z.array(Id).max(10_000) }).strict();
export interface UsersReply {
  users: UserSummary[];
}

export const PersonName = HumanText(InputLimits.personName);
/** A password an admin sets: at least 8 characters (argon2id-hashed; never stored or logged as given). */
export const NewPassword = TextWithoutNul(InputLimits.newPassword);

export const CreateUserRequest = z
  .object({ actor: Actor, email: Email, name: PersonName, role: Role, password: NewPassword.optional() })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const ListUsersRequest = z
  .object({
    actor: Actor,
    /** Part of a name or an email, case-insensitive. Teachers must give at least 3 characters. */
    query: HumanText({ min: 0, max: InputLimits.search.max }).optional(),
    role: Role.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type ListUsersRequest = z.infer<typeof ListUsersRequest>;

export const UpdateUserRequest = z
  .object({ actor: Actor, targetUserId: Id, name: PersonName.optional(), role: Role.optional(), password: NewPassword.optional() })
  .strict();
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** An account as an admin sees it (teachers looking up students get the same shape, students only). */
export interface AccountView extends UserSummary {
  disabled: boolean;
  /** False for accounts that sign in with single sign-on or a passkey only. */
  hasPassword: boolean;
  createdAt: string;
  /** Set when the person was erased: `name` is then "Erased student" (teacher, administrator) and `email` is empty. */
  erasedAt?: string;
  /**
   * In an admin's `user:list`: the person's passkeys as verification-service counts them when the
   * list is read (approved ones check in; pending ones wait for a teacher). Absent when that could
   * not be asked (verification-service did not answer in time), and in other replies.
   */
  passkeys?: { approved: number; pending: number };
}
export interface UserListReply {
  users: AccountView[];
  /** How many accounts match, for paging. */
  total: number;
}

export const SetDisabledRequest = z.object({ actor: Actor, targetUserId: Id, disabled: z.boolean() }).strict();
export type SetDisabledRequest = z.infer<typeof SetDisabledRequest>;
export interface SetDisabledReply {
  userId: string;
  disabled: boolean;
  /** false when the account already had this status (nothing changed, nothing published). */
  changed: boolean;
}

export const AccountRpc = {
  identityUsers: command('cc.identity.users.v1', UsersRequest).replies<UsersReply>(),
  identityUserCreate: command('cc.identity.user-create.v1', CreateUserRequest).replies<AccountView>(),
  identityUserList: command('cc.identity.user-list.v1', ListUsersRequest).replies<UserListReply>(),
  identityUserUpdate: command('cc.identity.user-update.v1', UpdateUserRequest).replies<AccountView>(),
  identitySetDisabled: command('cc.identity.set-disabled.v1', SetDisabledRequest).replies<SetDisabledReply>(),
};
