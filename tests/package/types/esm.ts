// A TypeScript app of the npm package: it must type-check against pkg/*.d.ts, and each
// `@ts-expect-error` line must really be an error (tests/package/types.test.mjs).
import {
  CognitoAuth,
  CognitoAuthError,
  init,
  type ChallengeHandlers,
  type SignInOptions,
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
    selectMfaType: (c) => c.mfaTypes?.[0] ?? "SOFTWARE_TOKEN_MFA",
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
  const element: CognitoLoginElement = document.createElement("cognito-login");
  element.addEventListener("signed-in", (event) => void event.detail.accessToken);
  defineCognitoLogin();
  return [result.rememberDeviceError?.name, tokens?.username, delivery.destination].join();
}

// @ts-expect-error authFlow is one of the four flow names
export const badFlow: SignInOptions = { username: "alice", authFlow: "SRP" };
// @ts-expect-error a code handler returns a string
export const badHandler: ChallengeHandlers = { smsMfa: () => 123456 };
// @ts-expect-error userPoolId is required
export const badConfig = () => CognitoAuth.create({ clientId: "client" });
