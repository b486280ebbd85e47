// describeError: the words a person is shown for a CognitoAuthError. Presentation only: the
// engine decides what failed; this picks the sentence. Exported by the package entry (and the
// element); a bundle that does not import it leaves it out.

const GENERIC_ERROR = "Something went wrong. Please try again.";
const TOO_MANY = "Too many attempts. Wait a little, then try again.";
// Friendly text for the errors people meet; anything else shows the service's own message.
const MESSAGES = {
  NotAuthorizedException: "Incorrect username or password.",
  UserNotFoundException: "Incorrect username or password.",
  CodeMismatchException: "That code isn't right. Check it and try again.",
  EnableSoftwareTokenMFAException: "That code isn't right. Check your authenticator app and try again.",
  ExpiredCodeException: "That code has expired. Ask for a new one.",
  LimitExceededException: TOO_MANY,
  TooManyRequestsException: TOO_MANY,
  TooManyFailedAttemptsException: TOO_MANY,
  PasswordResetRequiredException: "You need to choose a new password: use “Forgot your password?”.",
  UserNotConfirmedException: "This account isn't confirmed yet.",
  UsernameExistsException: "That username is taken. Choose another one, or sign in.",
  AliasExistsException: "An account with that email or phone number already exists. Sign in instead.",
  PasskeyError: "Your passkey didn't work. Please try again, or sign in another way.",
  NetworkError: "Can't reach the sign-in service. Check your connection and try again.",
};

/** The text to show a person for a CognitoAuthError (or anything with its `name` and `message`). */
export function describeError(error) {
  const { name, message = "" } = error ?? {};
  // Cognito answers an app client that has a secret, called without SECRET_HASH, with
  // NotAuthorizedException "… configured with secret but SECRET_HASH was not received" (an engine
  // that reports it as InvalidConfig quotes it): the site is set up wrong, and no password helps.
  if ((name === "NotAuthorizedException" || name === "InvalidConfig") && /SECRET_HASH/.test(message)) {
    return "Sign-in isn't set up correctly on this site: its app client has a client secret, which a sign-in page can't use. Please tell the site's owner.";
  }
  if (name === "NotAuthorizedException") {
    // The third wrong code ends the sign-in's session with exactly this message; an expired
    // or reused session says so after a comma.
    if (/^Invalid session for the user\.?$/.test(message)) return "Too many wrong codes. Please start again.";
    if (/session/i.test(message)) return "This sign-in took too long. Please start again.";
    if (/attempts exceeded/i.test(message)) return TOO_MANY;
    // Cognito refused the passkey's signature (an unknown or deleted credential).
    if (error.challengeName === "WEB_AUTHN") return "Your passkey wasn't accepted. Sign in another way.";
  }
  // A passkey dialog the person closed, or that timed out: the engine's AbortError carries the
  // browser's NotAllowedError (or AbortError) as its cause.
  if (name === "AbortError" && error.reason === "cancelled" && /^(NotAllowed|Abort)Error$/.test(error.cause?.name)) {
    return "The passkey request was cancelled or timed out. You can try again.";
  }
  // Passkeys, the engine's PasskeyError "<the browser's error name>: …".
  if (name === "PasskeyError") {
    if (/^InvalidStateError/.test(message)) return "This device already has a passkey for your account.";
    if (/^SecurityError/.test(message)) return "Passkeys can't be used at this site's address.";
  }
  // Without WebAuthn (the classic script's other UnsupportedBrowser, no wasm SIMD, keeps its message).
  if (name === "UnsupportedBrowser" && /WebAuthn/.test(message)) {
    return "This browser can't use passkeys. Sign in another way, or use a newer browser.";
  }
  // "Password did not conform with policy: Password must have symbol characters" (the
  // service; the emulator says "does not conform to").
  const rule = name === "InvalidPasswordException" && /policy: Password (.+?)\.?$/.exec(message);
  if (rule) return `Choose a stronger password: it ${rule[1].replace(/^not long enough/, "is too short")}.`;
  if (name === "ChallengeHandlerMissing") {
    return `This account needs a sign-in step this form doesn't support (${error.challengeName}).`;
  }
  return MESSAGES[name] ?? (message || GENERIC_ERROR);
}
