import { describe, expect, it } from '@jest/globals';
import { AuthenticationResponse } from './webauthn.js';

const valid = {
  id: 'abc',
  rawId: 'abc',
  type: 'public-key',
  response: { clientDataJSON: 'eyJ0', authenticatorData: 'AAAA', signature: 'MEUC' },
  clientExtensionResults: {},
};

describe('AuthenticationResponse', () => {
  it('treats null optional fields as absent, as some browsers send them', () => {
    const parsed = AuthenticationResponse.parse({ ...valid, authenticatorAttachment: null, response: { ...valid.response, userHandle: null } });
    expect(parsed.authenticatorAttachment).toBeUndefined();
    expect(parsed.response.userHandle).toBeUndefined();
  });

  it('still refuses unknown fields, wrong types and non-base64url data', () => {
    expect(AuthenticationResponse.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(AuthenticationResponse.safeParse({ ...valid, type: 'password' }).success).toBe(false);
    expect(AuthenticationResponse.safeParse({ ...valid, response: { ...valid.response, signature: 'a+b/' } }).success).toBe(false);
    expect(AuthenticationResponse.safeParse({ ...valid, response: null }).success).toBe(false);
  });
});
