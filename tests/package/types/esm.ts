// A TypeScript app of the npm package: it must type-check against pkg/*.d.ts, and each
// `@ts-expect-error` line must really be an error (tests/package/types.test.mjs).
import {
  CognitoAuth,
  CognitoAuthError,
  init,
  type AuthSnapshot,
  type ChallengeHandlers,
  type SignInOptions,
  type SignInStep,
  type Tokens,
} from "cognito-wasm";
import { CognitoLoginElement, defineCognitoLogin, describeError } from "cognito-wasm/element";

export async function app(): Promise<string> {
  await init();
  const auth = await CognitoAuth.create({
    userPoolId: "us-east-1_Example",
    clientId: "client",
    storage: "localStorage",
    clientMetadata: { app: "types" },
  });
  const handlers: ChallengeHandlers = {
    smsMfa: (c) => `${c.destination ?? ""}${c.attempt}`,
    selectMfaType: (c) => c.mfaTypes[0] ?? "SOFTWARE_TOKEN_MFA",
    mfaSetup: async (c) => c.otpauthUri + c.secretCode,
    newPasswordRequired: (c) => ({
      newPassword: "New-passw0rd",
      attributes: Object.fromEntries(c.requiredAttributes.map((name) => [name, "x"])),
    }),
    customChallenge: (c) => ({ answer: c.parameters.question ?? "", clientMetadata: { step: "2" } }),
    challenge: () => ({ ANSWER: "yes" }),
  };
  const result = await auth.signIn({ username: "alice", password: "pw", authFlow: "CUSTOM_WITH_SRP", handlers });
  const stop = auth.on("tokenRefreshFailed", (error) => void error.retryable);
  stop();
  let tokens: Tokens | null = null;
  try {
    tokens = await auth.getTokens({ forceRefresh: true, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    if (error instanceof CognitoAuthError && error.name === "NotAuthorizedException") return describeError(error);
  }
  const delivery = await auth.forgotPassword({ username: "alice" });
  const verified: boolean | undefined = tokens?.idTokenPayload.email_verified;
  const groups: string[] | undefined = tokens?.accessTokenPayload["cognito:groups"];
  const custom: unknown = tokens?.idTokenPayload["custom:team"];
  void [verified, groups, custom];
  const element: CognitoLoginElement = document.createElement("cognito-login");
  element.addEventListener("signed-in", (event) => void event.detail.accessToken);
  defineCognitoLogin();
  return [result.rememberDeviceError?.name, tokens?.username, delivery.destination].join();
}

/** A form's sign-in, one step at a time, switching on `step.handler`. */
export async function steps(auth: CognitoAuth, ask: (prompt: string) => Promise<string>): Promise<Tokens> {
  let step: SignInStep = await auth.startSignIn({ username: "bob", password: "pw" });
  while (!step.done) {
    switch (step.handler) {
      case "smsMfa":
      case "emailOtp":
        step = await step.answer(await ask(`Code sent to ${step.destination ?? "you"}`), {
          clientMetadata: { attempt: String(step.attempt) },
        });
        break;
      case "selectMfaType":
        step = await step.answer(step.mfaTypes[0] ?? "SMS_MFA");
        break;
      case "mfaSetup":
        step = await step.answer(await ask(step.otpauthUri));
        break;
      case "newPasswordRequired":
        step = await step.answer({ newPassword: await ask("New password"), attributes: step.userAttributes });
        break;
      case "customChallenge":
        step = await step.answer({ answer: await ask(step.parameters.question ?? "?") });
        break;
      default:
        step.cancel();
        throw step.error ?? new CognitoAuthError("ChallengeHandlerMissing", step.challengeName);
    }
  }
  return step.tokens;
}

/** What `useSyncExternalStore` needs. */
export function store(auth: CognitoAuth): [(listener: () => void) => () => void, () => AuthSnapshot] {
  const snapshot = auth.getSnapshot();
  if (snapshot.status === "signedIn") void snapshot.tokens.accessTokenPayload.username;
  auth.dispose();
  return [(listener) => auth.subscribe(listener), () => auth.getSnapshot()];
}

// @ts-expect-error authFlow is one of the four flow names
export const badFlow: SignInOptions = { username: "alice", authFlow: "SRP" };
// @ts-expect-error a code handler returns a string
export const badHandler: ChallengeHandlers = { smsMfa: () => 123456 };
// @ts-expect-error userPoolId is required
export const badConfig = () => CognitoAuth.create({ clientId: "client" });
// @ts-expect-error a select-MFA step is answered with an MFA type
export const badAnswer = (step: Extract<SignInStep, { handler: "selectMfaType" }>) => step.answer("SMS");
// @ts-expect-error a signed-out snapshot has no tokens
export const noTokens = (snapshot: AuthSnapshot) => snapshot.status === "signedOut" && snapshot.tokens;
