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
  }
  if (name === "ChallengeHandlerMissing") {
    return `This account needs a sign-in step this form doesn't support (${error.challengeName}).`;
  }
  return MESSAGES[name] ?? (message || GENERIC_ERROR);
}
