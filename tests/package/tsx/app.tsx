// A React 19 + TypeScript app of the npm package (issue 14), type-checked with pinned
// @types/react under tsc --strict (tests/package/tsx.test.mjs): <cognito-login> in TSX, its
// events added and removed with typed listeners, describeError from the main entry, and
// Cognito's claims on the tokens. Each `@ts-expect-error` line must really be an error.
/// <reference types="cognito-wasm/react" />
import { useEffect, useRef, useState } from "react";
import { describeError, type CognitoAuthError, type Tokens } from "cognito-wasm";
import { defineCognitoLogin, type CognitoLoginElement } from "cognito-wasm/element";

export function Login({ onSignedIn }: { onSignedIn: (tokens: Tokens) => void }) {
  const ref = useRef<CognitoLoginElement>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    defineCognitoLogin();
    const element = ref.current;
    if (!element) return;
    const signedIn = (event: CustomEvent<Tokens>) => onSignedIn(event.detail);
    const failed = (event: CustomEvent<CognitoAuthError>) => setProblem(describeError(event.detail));
    const signedOut = () => setProblem("");
    element.addEventListener("signed-in", signedIn);
    element.addEventListener("error", failed);
    element.addEventListener("signed-out", signedOut, { once: true });
    return () => {
      element.removeEventListener("signed-in", signedIn);
      element.removeEventListener("error", failed);
      element.removeEventListener("signed-out", signedOut, { capture: false });
    };
  }, [onSignedIn]);
  return (
    <main className="account">
      <p role="status">{problem}</p>
      <cognito-login
        ref={ref}
        user-pool-id="us-east-1_Example"
        client-id="client"
        endpoint="http://127.0.0.1:9229/"
        auth-flow="CUSTOM_WITH_SRP"
        methods="password passkey email-code"
        sign-up
        storage="sessionStorage"
        client-metadata={JSON.stringify({ app: "react" })}
        autofocus
        className="login"
        id="login"
      />
    </main>
  );
}

/** Cognito's standard claims, typed. */
export function Profile({ tokens }: { tokens: Tokens }) {
  const email: string | undefined = tokens.idTokenPayload.email;
  const verified: boolean | undefined = tokens.idTokenPayload.email_verified;
  const groups: string[] | undefined = tokens.idTokenPayload["cognito:groups"];
  const expires: number = tokens.accessTokenPayload.exp;
  const client: string = tokens.accessTokenPayload.client_id;
  const use: "access" = tokens.accessTokenPayload.token_use;
  const team = tokens.idTokenPayload["custom:team"];
  return (
    <dl>
      <dt>{tokens.idTokenPayload["cognito:username"]}</dt>
      <dd>{email ?? "no email"} {verified ? "(verified)" : ""} {groups?.join(", ")} {expires} {client} {use}</dd>
      <dd>{typeof team === "string" ? team : ""}</dd>
    </dl>
  );
}

/** The only door USER_AUTH's choice; no sign-up. */
export const choiceOnly = <cognito-login user-pool-id="p" client-id="c" methods="choice" sign-up={false} />;

export const wrong = (tokens: Tokens, element: CognitoLoginElement) => [
  // @ts-expect-error an ID token's email may be absent
  ((): string => tokens.idTokenPayload.email)(),
  // @ts-expect-error an access token's token_use is "access"
  ((): "id" => tokens.accessTokenPayload.token_use)(),
  // @ts-expect-error the signed-in event carries tokens, not an error
  element.addEventListener("signed-in", (event: CustomEvent<CognitoAuthError>) => void event),
  // @ts-expect-error auth-flow is one of the four flow names
  <cognito-login user-pool-id="p" client-id="c" auth-flow="SRP" />,
  // @ts-expect-error methods are password, passkey, email-code, sms-code and choice
  <cognito-login user-pool-id="p" client-id="c" methods="passkeys" />,
  // @ts-expect-error storage is memory, localStorage or sessionStorage
  <cognito-login user-pool-id="p" client-id="c" storage="cookies" />,
  // @ts-expect-error client-id is required
  <cognito-login user-pool-id="p" />,
];
