// The public names, once: both entry modules re-export this list.
export {
  ExternalSigner,
  IshareJwtError,
  OAuthError,
  Profile,
  Signer,
  VerifiedJwt,
  Verifier,
  checkParty,
  errorResponse,
  parseTokenRequest,
  tokenResponse,
  trustedListAnchors,
} from './api.js';
