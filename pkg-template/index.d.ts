/**
 * Loads the wasm once. `CognitoAuth.create` calls it; call it yourself to host the `.wasm`
 * elsewhere (`cognito_wasm_simd_bg.wasm` needs wasm SIMD, `cognito_wasm_bg.wasm` does not).
 */
export function init(options?: {
  module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
}): Promise<unknown>;

/** Names of the SDK's own errors; any other name is Cognito's `__type`. */
export type SdkErrorName =
  | "AbortError"
  | "NetworkError"
  | "InvalidConfig"
  | "InvalidServerResponse"
  | "ChallengeHandlerMissing"
  | "HandlerError"
  | "SrpError"
  | "UnsupportedBrowser";

/** Every rejection of this SDK. */
export class CognitoAuthError extends Error {
  constructor(
    name: string,
    message: string,
    details?: { retryable?: boolean; requestId?: string; challengeName?: string; cause?: unknown },
  );
  /** Cognito's `__type` (`NotAuthorizedException`, `CodeMismatchException`, …) or an `SdkErrorName`. */
  name: SdkErrorName | (string & {});
  /** Whether trying again later may succeed (network failures, throttling, 5xx). */
  retryable: boolean;
  /** `x-amzn-RequestId` of the failed call, when the service answered. */
  requestId?: string;
  /** For `ChallengeHandlerMissing`: the challenge nobody handles. */
  challengeName?: string;
  /** For `HandlerError`: what the handler threw. */
  cause?: unknown;
}

/** A key-value store; methods may be sync or return promises. */
export interface StorageLike {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export interface CognitoAuthConfig {
  /** `<region>_<name>`; the region and SRP pool name come from it. */
  userPoolId: string;
  clientId: string;
  /** Only for trusted contexts: SECRET_HASH is then sent on every call that takes it. */
  clientSecret?: string;
  /** Default `https://cognito-idp.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** ClientMetadata for every call, merged under per-call values. */
  clientMetadata?: Record<string, string>;
  /** Where tokens (and remembered devices) are kept. Default `"memory"`. */
  storage?: "memory" | "localStorage" | "sessionStorage" | StorageLike;
  /** Storage key; default `cognito-wasm.<clientId>`. */
  storageKey?: string;
  /** ConfirmDevice after sign-in, then device SRP (skipping MFA) next time. */
  rememberDevices?: boolean;
  /** DeviceName for ConfirmDevice; default `navigator.userAgent`. */
  deviceName?: string;
  /** Refresh shortly before expiry on a timer (besides the lazy refresh in getTokens). */
  autoRefresh?: boolean;
  /** Issuer in the `otpauth://` URI offered during TOTP setup; default the pool name. */
  totpIssuer?: string;
  /** Transport seam (proxies, tests). */
  fetch?: typeof fetch;
}

export type AuthFlow = "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" | "CUSTOM_WITH_SRP" | "CUSTOM_WITHOUT_SRP";

export type MfaType = "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP";

/** What every handler receives. */
export interface ChallengeContext {
  challengeName: string;
  /** ChallengeParameters as Cognito sent them. */
  parameters: Record<string, string>;
  /** The service's username for this user (may differ from what was typed). */
  username: string;
  /** 1 the first time, then 2, 3, … after a refused answer or another round. */
  attempt: number;
  /** Why the previous answer was refused (e.g. `CodeMismatchException`). */
  error?: CognitoAuthError;
  /** Aborts with the sign-in; a handler waiting on the user can listen to it. */
  signal?: AbortSignal;
}

export interface CodeChallengeContext extends ChallengeContext {
  /** Masked destination, e.g. `+*******1234` (SMS and email). */
  destination?: string;
  /** `SMS` or `EMAIL`. */
  deliveryMedium?: string;
}

export interface SelectMfaTypeContext extends ChallengeContext {
  /** The MFA types the user can choose from. */
  mfaTypes?: MfaType[];
}

export interface MfaSetupContext extends ChallengeContext {
  /** The TOTP secret (Base32) to enter into an authenticator app. */
  secretCode: string;
  /** `otpauth://totp/…` for a QR code. */
  otpauthUri: string;
}

export interface NewPasswordContext extends ChallengeContext {
  /** Attributes that must be given, without the `userAttributes.` prefix. */
  requiredAttributes: string[];
  /** The user's current attributes. */
  userAttributes?: Record<string, string>;
}

type Awaitable<T> = T | Promise<T>;

export interface ChallengeHandlers {
  smsMfa?(c: CodeChallengeContext): Awaitable<string>;
  softwareTokenMfa?(c: ChallengeContext): Awaitable<string>;
  emailOtp?(c: CodeChallengeContext): Awaitable<string>;
  selectMfaType?(c: SelectMfaTypeContext): Awaitable<MfaType>;
  /** TOTP enrolment inside sign-in: return a current code from the authenticator. */
  mfaSetup?(c: MfaSetupContext): Awaitable<string>;
  newPasswordRequired?(
    c: NewPasswordContext,
  ): Awaitable<{ newPassword: string; attributes?: Record<string, string> }>;
  /** The answer, or the answer with ClientMetadata for this step only. */
  customChallenge?(
    c: ChallengeContext,
  ): Awaitable<string | { answer: string; clientMetadata?: Record<string, string> }>;
  /** Any other challenge: return its ChallengeResponses (USERNAME and SECRET_HASH are added). */
  challenge?(c: ChallengeContext): Awaitable<Record<string, string>>;
}

export interface SignInOptions {
  username: string;
  /** Not needed for CUSTOM_WITHOUT_SRP. */
  password?: string;
  /** Default `USER_SRP_AUTH`. */
  authFlow?: AuthFlow;
  /** Merged over the config's clientMetadata; sent on InitiateAuth and every RespondToAuthChallenge. */
  clientMetadata?: Record<string, string>;
  signal?: AbortSignal;
  handlers?: ChallengeHandlers;
}

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Local-clock epoch milliseconds at which the access token expires. */
  expiresAt: number;
  tokenType: string;
  /** The service's username (the access token's `username` claim). */
  username: string;
  idTokenPayload: Record<string, unknown>;
  accessTokenPayload: Record<string, unknown>;
  /** The remembered device, when device tracking is on. */
  deviceKey?: string;
}

export interface SignInResult extends Tokens {
  /** Set when the sign-in succeeded but remembering the new device failed. */
  rememberDeviceError?: CognitoAuthError;
}

export interface CodeDeliveryDetails {
  destination?: string;
  deliveryMedium?: string;
  attributeName?: string;
}

export interface AuthEvents {
  signedIn: Tokens;
  signedOut: undefined;
  tokenRefreshed: Tokens;
  tokenRefreshFailed: CognitoAuthError;
}

export class CognitoAuth {
  private constructor();
  static create(config: CognitoAuthConfig): Promise<CognitoAuth>;
  signIn(options: SignInOptions): Promise<SignInResult>;
  /** The tokens (refreshed first when within 60 s of expiry, or when forced), or null when signed out. */
  getTokens(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<Tokens | null>;
  /** RevokeToken (or GlobalSignOut with `global`), then clears the session. */
  signOut(options?: { global?: boolean }): Promise<void>;
  forgotPassword(options: {
    username: string;
    clientMetadata?: Record<string, string>;
  }): Promise<CodeDeliveryDetails>;
  confirmForgotPassword(options: {
    username: string;
    code: string;
    newPassword: string;
    clientMetadata?: Record<string, string>;
  }): Promise<void>;
  on<E extends keyof AuthEvents>(event: E, listener: (detail: AuthEvents[E]) => void): () => void;
}
