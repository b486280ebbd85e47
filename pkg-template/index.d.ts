/**
 * Loads the wasm once. `CognitoAuth.create` calls it; call it yourself to host the `.wasm`
 * elsewhere (`cognito_wasm_simd_bg.wasm` needs wasm SIMD, `cognito_wasm_bg.wasm` does not), or
 * to hand over the file's bytes where there is no URL to fetch (Node, test runners).
 */
export function init(options?: {
  module_or_path?: WasmSource | Promise<WasmSource>;
}): Promise<unknown>;

/**
 * Where the wasm comes from: its URL, a fetch Response, its bytes, or a compiled module. (The
 * DOM's `RequestInfo | URL | Response | BufferSource | WebAssembly.Module`, spelled without
 * DOM-only names so that Node projects without the DOM lib type-check too.)
 */
export type WasmSource = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** Names of the SDK's own errors; any other name is Cognito's `__type`. */
export type SdkErrorName =
  | "AbortError"
  | "ChallengeHandlerMissing"
  | "HandlerError"
  | "InvalidConfig"
  | "InvalidServerResponse"
  | "InvalidState"
  | "NetworkError"
  | "SrpError"
  | "TimeoutError"
  | "UnsupportedBrowser"
  | "WasmLoadError";

/** Why an operation ended with `AbortError`. */
export type AbortReason = "aborted" | "cancelled" | "disposed" | "signedOut" | "superseded";

/** Every rejection of this SDK. */
export class CognitoAuthError extends Error {
  constructor(
    name: string,
    message: string,
    details?: {
      retryable?: boolean;
      requestId?: string;
      challengeName?: string;
      reason?: AbortReason;
      cause?: unknown;
    },
  );
  /** Cognito's `__type` (`NotAuthorizedException`, `CodeMismatchException`, …) or an `SdkErrorName`. */
  name: SdkErrorName | (string & {});
  /** Whether trying again later may succeed (network failures, timeouts, throttling, 5xx). */
  retryable: boolean;
  /** `x-amzn-RequestId` of the failed call, when the service answered. */
  requestId?: string;
  /** For `ChallengeHandlerMissing`: the challenge nobody handles; for a service error: the challenge whose answer it refused. */
  challengeName?: string;
  /** For `AbortError`: the caller's signal (`aborted`), `step.cancel()`, `dispose()`, `signOut()`, or a newer sign-in. */
  reason?: AbortReason;
  /** For `HandlerError`: what the handler threw; for `AbortError` from the caller's signal: its reason. */
  cause?: unknown;
}

/**
 * The sentence to show a person for an error ("Incorrect username or password.", "That code
 * isn't right. …"); what `<cognito-login>` shows. Takes whatever a `catch` gives: a
 * CognitoAuthError, or anything with `name` and `message`; falls back to the error's own message.
 */
export function describeError(error: unknown): string;

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
  /** An absolute http(s) URL; default `https://cognito-idp.<region>.amazonaws.com/`. */
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
  /** Milliseconds a request may go unanswered before it counts as a (retried) network failure. Default 20000. */
  requestTimeoutMs?: number;
  /** Transport seam (proxies, tests). */
  fetch?: typeof fetch;
}

export type AuthFlow = "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" | "CUSTOM_WITH_SRP" | "CUSTOM_WITHOUT_SRP" | "USER_AUTH";

/** USER_AUTH's first factors. */
export type FirstFactor = "PASSWORD" | "PASSWORD_SRP" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN";

export type MfaType = "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP";

/** Per-step options of `answer`. */
export interface AnswerOptions {
  /** ClientMetadata for this step's call only, merged over the sign-in's. */
  clientMetadata?: Record<string, string>;
}

/**
 * One challenge of a sign-in: what a handler receives, and what `startSignIn` resolves to.
 * `handler` names the kind of step (and the handler that answers it in `signIn`).
 */
export interface ChallengeStepBase<Handler extends string, Answer> {
  done: false;
  handler: Handler;
  challengeName: string;
  /** ChallengeParameters as Cognito sent them. */
  parameters: Record<string, string>;
  /** The service's username for this user (may differ from what was typed). */
  username: string;
  /** 1 the first time, then 2, 3, … after a refused answer or another round. */
  attempt: number;
  /** Why the previous answer was refused (e.g. `CodeMismatchException`). */
  error?: CognitoAuthError;
  /** Aborts with the sign-in (the caller's signal, a newer sign-in, signOut, dispose, cancel). */
  signal: AbortSignal;
  /** Answers this step; resolves to the next step (the same challenge again after a refused answer). */
  answer(value: Answer, options?: AnswerOptions): Promise<SignInStep>;
  /** Ends the sign-in (its signal aborts with reason `cancelled`). */
  cancel(): void;
}

export interface CodeStep<Handler extends "smsMfa" | "emailOtp" | "smsOtp"> extends ChallengeStepBase<Handler, string> {
  /** Masked destination, e.g. `+*******1234`. */
  destination?: string;
  /** `SMS` or `EMAIL`. */
  deliveryMedium?: string;
}
export type SmsMfaStep = CodeStep<"smsMfa">;
/** An email code: MFA, or USER_AUTH's first factor. */
export type EmailOtpStep = CodeStep<"emailOtp">;
/** USER_AUTH's SMS code as the first factor. */
export type SmsOtpStep = CodeStep<"smsOtp">;
/** USER_AUTH without a usable preference: the first factor to use. */
export interface SelectChallengeStep extends ChallengeStepBase<"selectChallenge", FirstFactor> {
  availableChallenges: FirstFactor[];
}
/** USER_AUTH: the chosen factor needs a password none was given for. */
export interface PasswordStep extends ChallengeStepBase<"password", string> {
  availableChallenges: FirstFactor[];
}
/** The passkey request (PublicKeyCredentialRequestOptionsJSON: binary fields base64url). */
export interface PasskeyRequestOptions {
  challenge: string;
  rpId?: string;
  timeout?: number;
  userVerification?: string;
  allowCredentials?: { id: string; type: string; transports?: string[] }[];
  [option: string]: unknown;
}
/**
 * A passkey: `answer()` opens the browser's dialog with `requestOptions`; `answer(credential)`
 * sends a credential you got yourself (a PublicKeyCredential, or its JSON form).
 */
export interface WebAuthnStep extends Omit<ChallengeStepBase<"webAuthn", object>, "answer"> {
  requestOptions: PasskeyRequestOptions;
  answer(credential?: object, options?: AnswerOptions): Promise<SignInStep>;
}
export type SoftwareTokenMfaStep = ChallengeStepBase<"softwareTokenMfa", string>;
export interface SelectMfaTypeStep extends ChallengeStepBase<"selectMfaType", MfaType> {
  /** The MFA types the user can choose from. */
  mfaTypes: MfaType[];
}
export interface MfaSetupStep extends ChallengeStepBase<"mfaSetup", string> {
  /** The TOTP secret (Base32) to enter into an authenticator app. */
  secretCode: string;
  /** `otpauth://totp/…` for a QR code. */
  otpauthUri: string;
}
export interface NewPasswordAnswer {
  newPassword: string;
  attributes?: Record<string, string>;
}
export interface NewPasswordStep extends ChallengeStepBase<"newPasswordRequired", NewPasswordAnswer> {
  /** Attributes that must be given, without the `userAttributes.` prefix. */
  requiredAttributes: string[];
  /** The user's current attributes. */
  userAttributes: Record<string, string>;
}
export type CustomChallengeAnswer = string | { answer: string; clientMetadata?: Record<string, string> };
export type CustomChallengeStep = ChallengeStepBase<"customChallenge", CustomChallengeAnswer>;
/** Any other challenge: answered with its ChallengeResponses (USERNAME and SECRET_HASH are added). */
export type OtherChallengeStep = ChallengeStepBase<"challenge", Record<string, string>>;

export type ChallengeStep =
  | SmsMfaStep
  | EmailOtpStep
  | SmsOtpStep
  | SelectChallengeStep
  | PasswordStep
  | WebAuthnStep
  | SoftwareTokenMfaStep
  | SelectMfaTypeStep
  | MfaSetupStep
  | NewPasswordStep
  | CustomChallengeStep
  | OtherChallengeStep;

/** The end of a sign-in. */
export interface SignInDone {
  done: true;
  tokens: Tokens;
  /** Set when the sign-in succeeded but remembering the new device failed. */
  rememberDeviceError?: CognitoAuthError;
}

export type SignInStep = ChallengeStep | SignInDone;

/** What every handler receives (the step it answers). */
export type ChallengeContext = ChallengeStep;
export type CodeChallengeContext = SmsMfaStep | EmailOtpStep | SmsOtpStep;
export type SelectMfaTypeContext = SelectMfaTypeStep;
export type MfaSetupContext = MfaSetupStep;
export type NewPasswordContext = NewPasswordStep;

type Awaitable<T> = T | Promise<T>;

export interface ChallengeHandlers {
  smsMfa?(c: SmsMfaStep): Awaitable<string>;
  softwareTokenMfa?(c: SoftwareTokenMfaStep): Awaitable<string>;
  emailOtp?(c: EmailOtpStep): Awaitable<string>;
  selectMfaType?(c: SelectMfaTypeStep): Awaitable<MfaType>;
  /** TOTP enrolment inside sign-in: return a current code from the authenticator. */
  mfaSetup?(c: MfaSetupStep): Awaitable<string>;
  newPasswordRequired?(c: NewPasswordStep): Awaitable<NewPasswordAnswer>;
  /** The answer, or the answer with ClientMetadata for this step only. */
  customChallenge?(c: CustomChallengeStep): Awaitable<CustomChallengeAnswer>;
  /** Any other challenge: return its ChallengeResponses (USERNAME and SECRET_HASH are added). */
  challenge?(c: OtherChallengeStep): Awaitable<Record<string, string>>;
  /** USER_AUTH: the first factor, one of `c.availableChallenges`. */
  selectChallenge?(c: SelectChallengeStep): Awaitable<FirstFactor>;
  /** USER_AUTH: the password a chosen password factor needs. */
  password?(c: PasswordStep): Awaitable<string>;
  /** USER_AUTH: the code sent by SMS. */
  smsOtp?(c: SmsOtpStep): Awaitable<string>;
  /** Optional: a passkey credential (without it, the browser's own dialog is used). */
  webAuthn?(c: WebAuthnStep): Awaitable<object>;
}

export interface StartSignInOptions {
  username: string;
  /** Not needed for CUSTOM_WITHOUT_SRP. */
  password?: string;
  /** Default `USER_SRP_AUTH`. */
  authFlow?: AuthFlow;
  /** USER_AUTH: the first factor to try; without one (or when not available) the user chooses. */
  preferredChallenge?: FirstFactor;
  /** Merged over the config's clientMetadata; sent on InitiateAuth and every RespondToAuthChallenge. */
  clientMetadata?: Record<string, string>;
  /** Aborts the whole sign-in; the error's `cause` is the signal's reason. */
  signal?: AbortSignal;
}

export interface SignInOptions extends StartSignInOptions {
  handlers?: ChallengeHandlers;
}

/** Claims of a Cognito ID token; custom attributes (`custom:…`) and others through the index. */
export interface IdTokenClaims {
  sub: string;
  "cognito:username": string;
  "cognito:groups"?: string[];
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  name?: string;
  aud: string;
  iss: string;
  token_use: "id";
  auth_time: number;
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

/** Claims of a Cognito access token. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  client_id: string;
  scope: string;
  "cognito:groups"?: string[];
  iss: string;
  token_use: "access";
  auth_time: number;
  exp: number;
  iat: number;
  jti: string;
  /** Present when the refresh token can be revoked. */
  origin_jti?: string;
  /** The remembered device the tokens came through. */
  device_key?: string;
  [claim: string]: unknown;
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
  idTokenPayload: IdTokenClaims;
  accessTokenPayload: AccessTokenClaims;
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

export interface SignUpResult {
  userConfirmed: boolean;
  userSub?: string;
  codeDelivery?: CodeDeliveryDetails;
}

export interface PasskeyInfo {
  credentialId: string;
  name?: string;
  relyingPartyId?: string;
  authenticatorAttachment?: string;
  transports: string[];
  /** Epoch milliseconds. */
  createdAt?: number;
}

export interface DeviceInfo {
  deviceKey: string;
  name?: string;
  lastIp?: string;
  /** Epoch milliseconds of the last sign-in (or change). */
  lastSeen?: number;
  remembered: boolean;
}

export interface UserInfo {
  username: string;
  attributes: Record<string, string>;
  /** `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, or null. */
  preferredMfa: string | null;
  mfaSettings: string[];
}

/** Per attribute: changed, or waiting for the code sent to verify it. */
export type AttributeUpdate = { done: true } | { done: false; codeDelivery: CodeDeliveryDetails };

export type MfaPreference = "preferred" | "enabled" | "disabled";

export interface TotpSetup {
  /** The TOTP secret (Base32) to enter into an authenticator app. */
  secretCode: string;
  /** `otpauth://totp/…` for a QR code. */
  otpauthUri: string;
  /** Checks a code from the app, which turns TOTP on. */
  verify(code: string, options?: { deviceName?: string }): Promise<void>;
}

/** `getSnapshot()`: the same object until the session changes. */
export type AuthSnapshot =
  | { readonly status: "signedOut" }
  | { readonly status: "signedIn"; readonly username: string; readonly tokens: Tokens };

export interface AuthEvents {
  /** Signed in; `restored` when the session came from storage at `create`. */
  signedIn: Tokens & { restored?: true };
  signedOut: null;
  tokenRefreshed: Tokens;
  tokenRefreshFailed: CognitoAuthError;
}

export class CognitoAuth {
  private constructor();
  static create(config: CognitoAuthConfig): Promise<CognitoAuth>;
  /** Signs in, calling the handler for each challenge. A new sign-in supersedes a pending one. */
  signIn(options: SignInOptions): Promise<SignInResult>;
  /** Signs in one challenge at a time (forms, wizards): answer each step with `step.answer(value)`. */
  startSignIn(options: StartSignInOptions): Promise<SignInStep>;
  /** The tokens (refreshed first when within 60 s of expiry, or when forced), or null when signed out. */
  getTokens(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<Tokens | null>;
  /** Ends a pending sign-in, revokes the tokens (or GlobalSignOut with `global`), then clears the session. */
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
  signUp(options: {
    username: string;
    password?: string;
    attributes?: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: Record<string, string>;
  }): Promise<SignUpResult>;
  /** Confirms a sign-up; with `autoSignIn` (and USER_AUTH on the client), signs the new user in. */
  confirmSignUp(options: {
    username: string;
    code: string;
    clientMetadata?: Record<string, string>;
    autoSignIn?: boolean;
  }): Promise<Tokens | null>;
  resendSignUpCode(options: { username: string; clientMetadata?: Record<string, string> }): Promise<CodeDeliveryDetails>;
  /** Signed in: creates a passkey in the browser and registers it. */
  registerPasskey(options?: { signal?: AbortSignal }): Promise<{ credentialId: string }>;
  listPasskeys(): Promise<PasskeyInfo[]>;
  deletePasskey(credentialId: string): Promise<void>;
  changePassword(options: { oldPassword: string; newPassword: string }): Promise<void>;
  getUser(): Promise<UserInfo>;
  updateUserAttributes(
    attributes: Record<string, string>,
    options?: { clientMetadata?: Record<string, string> },
  ): Promise<Record<string, AttributeUpdate>>;
  sendAttributeCode(options: { attribute: string; clientMetadata?: Record<string, string> }): Promise<CodeDeliveryDetails>;
  verifyAttribute(options: { attribute: string; code: string }): Promise<void>;
  setMfaPreference(options: { sms?: MfaPreference; totp?: MfaPreference; email?: MfaPreference }): Promise<void>;
  setUpTotp(): Promise<TotpSetup>;
  listDevices(): Promise<DeviceInfo[]>;
  /** Forgets a device: this browser's (and its stored secret) when no key is given. */
  forgetDevice(deviceKey?: string): Promise<void>;
  setDeviceRemembered(remembered: boolean, deviceKey?: string): Promise<void>;
  /** Deletes the user; the session ends here (and in the other tabs). */
  deleteUser(): Promise<void>;
  on<E extends keyof AuthEvents>(event: E, listener: (detail: AuthEvents[E]) => void): () => void;
  /** For `useSyncExternalStore`: `listener()` after every change of the snapshot. */
  subscribe(listener: () => void): () => void;
  getSnapshot(): AuthSnapshot;
  /** Ends pending work, the refresh timer and the listeners; later calls reject with `InvalidState`. */
  dispose(): void;
}
