import { Injectable } from '@nestjs/common';
import { Rpc, type AuthenticationResponse, type PasskeyAssertionReply, type PasskeySignInOptionsReply } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/** verification-service holds the passkeys: it issues sign-in challenges and says whose passkey answered one. */
export abstract class PasskeyAuthority {
  abstract options(correlationId?: string): Promise<PasskeySignInOptionsReply>;
  /** The account whose registered passkey signed a sign-in challenge, or a DomainError saying why not. */
  abstract verify(response: AuthenticationResponse, correlationId?: string): Promise<PasskeyAssertionReply>;
}

@Injectable()
export class NatsPasskeyAuthority extends PasskeyAuthority {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  options(correlationId?: string): Promise<PasskeySignInOptionsReply> {
    return this.rpc.request(Rpc.passkeySignInChallenge, {}, correlationId ? { correlationId } : {});
  }

  verify(response: AuthenticationResponse, correlationId?: string): Promise<PasskeyAssertionReply> {
    return this.rpc.request(Rpc.passkeySignInAssertion, { response }, correlationId ? { correlationId } : {});
  }
}
