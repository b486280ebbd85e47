// A page script using cognito-wasm.iife.js through the `window.CognitoWasm` global.
/// <reference types="cognito-wasm/global" />

async function signInFromScript(): Promise<string> {
  const { CognitoAuth, CognitoAuthError } = window.CognitoWasm;
  const auth = await CognitoAuth.create({ userPoolId: "us-east-1_Example", clientId: "client" });
  const element = document.querySelector("cognito-login");
  if (element instanceof CognitoWasm.CognitoLoginElement) await element.ready;
  try {
    return (await auth.signIn({ username: "alice", password: "pw" })).username;
  } catch (error) {
    return error instanceof CognitoAuthError ? error.name : "unknown";
  }
}

// @ts-expect-error the global has no such member
void CognitoWasm.signIn;
void signInFromScript;
