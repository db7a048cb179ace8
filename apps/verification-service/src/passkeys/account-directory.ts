import { Injectable } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

export interface AccountLabel {
  /** What the device's passkey picker shows (the university email). */
  userName: string;
  displayName: string;
}

/** Names for a passkey: asked of identity-service; a passkey still works without them. */
export abstract class AccountDirectory {
  abstract labelFor(userId: string): Promise<AccountLabel | null>;
}

@Injectable()
export class NatsAccountDirectory extends AccountDirectory {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async labelFor(userId: string): Promise<AccountLabel | null> {
    try {
      const { users } = await this.rpc.request(Rpc.identityUsers, { userIds: [userId] }, { timeoutMs: 2_000 });
      const user = users.find((u) => u.id === userId);
      return user ? { userName: user.email, displayName: user.name } : null;
    } catch {
      return null;
    }
  }
}
