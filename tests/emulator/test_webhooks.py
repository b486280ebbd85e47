"""Webhook triggers: the emulator POSTs the Lambda event to a local URL and uses the returned
event's `response`. A small Python server here plays the user's trigger code."""

import json
import socket
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpers import CLIENT, PASSWORD, POOL_ID, SpawnedEmulator, jwt_claims, pool_with


def define(request):
    session = request["session"]
    if not session:
        return {"challengeName": "CUSTOM_CHALLENGE", "issueTokens": False, "failAuthentication": False}
    last = session[-1]
    if last["challengeName"] == "CUSTOM_CHALLENGE" and last["challengeResult"]:
        return {"challengeName": None, "issueTokens": True, "failAuthentication": False}
    return {"challengeName": None, "issueTokens": False, "failAuthentication": True}


def create(request):
    return {
        "publicChallengeParameters": {"hint": "the magic words"},
        "privateChallengeParameters": {"answer": "open sesame"},
        "challengeMetadata": "MAGIC",
    }


def verify(request):
    return {"answerCorrect": request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]}


def pre_token(request):
    return {"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": "gold"}, "claimsToSuppress": ["email"]}}


def migrate(request):
    return {"userAttributes": {"email": "lee@example.com", "email_verified": "true"}, "finalUserStatus": "CONFIRMED"}


def pre_sign_up(request):
    auto = request["userAttributes"].get("email", "").startswith("auto")
    return {"autoConfirmUser": auto, "autoVerifyEmail": auto, "autoVerifyPhone": False}


def custom_message(request):
    return {"emailMessage": "Your code is {####}.", "emailSubject": "Your code", "smsMessage": "Code {####}"}


HANDLERS = {
    "/presignup": pre_sign_up,
    "/custommessage": custom_message,
    "/postconfirm": lambda request: {},
    "/define": define,
    "/create": create,
    "/verify": verify,
    "/pretoken": pre_token,
    "/migrate": migrate,
    "/postauth": lambda request: {},
}


class TriggerServer(ThreadingHTTPServer):
    """Answers trigger events and keeps every event it received."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), TriggerHandler)
        self.events = []


class TriggerHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.events.append(event)
        if self.path == "/preauth":
            blocked = event["userName"] == "bob"
            status, body = (400, {"errorMessage": "bob is blocked"}) if blocked else (200, event)
        else:
            event["response"] = HANDLERS[self.path](event["request"])
            status, body = 200, event
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webhooks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TriggerServer()
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        port = cls.server.server_address[1]
        hook = lambda path: {"webhook": f"http://127.0.0.1:{port}{path}"}
        triggers = {
            "PreAuthentication": hook("/preauth"),
            "DefineAuthChallenge": hook("/define"),
            "CreateAuthChallenge": hook("/create"),
            "VerifyAuthChallengeResponse": hook("/verify"),
            "PostAuthentication": hook("/postauth"),
            "PreTokenGeneration": hook("/pretoken"),
            "UserMigration": hook("/migrate"),
            "PreSignUp": hook("/presignup"),
            "CustomMessage": hook("/custommessage"),
            "PostConfirmation": hook("/postconfirm"),
        }
        cls.emulator = SpawnedEmulator(pool_with(triggers=triggers))

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.emulator.reset()
        self.server.events.clear()

    def sign_in(self, username):
        body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}, "ClientMetadata": {"k": "v"}}
        return self.emulator.call("InitiateAuth", body)

    def test_events_have_the_lambda_shape_and_responses_are_used(self):
        status, _, result = self.sign_in("alice")
        self.assertEqual(status, 200, result)
        sources = [e["triggerSource"] for e in self.server.events]
        self.assertEqual(sources, ["PreAuthentication_Authentication", "TokenGeneration_Authentication", "PostAuthentication_Authentication"])
        for event in self.server.events:
            self.assertEqual(event["version"], "1")
            self.assertEqual(event["region"], "us-east-1")
            self.assertEqual(event["userPoolId"], POOL_ID)
            self.assertEqual(event["userName"], "alice")
            self.assertEqual(event["callerContext"]["clientId"], CLIENT)
            self.assertIn("awsSdkVersion", event["callerContext"])
            self.assertEqual(event["request"]["userAttributes"]["email"], "alice@example.com")
            self.assertIn("sub", event["request"]["userAttributes"])
        pre_auth, pre_token, post_auth = self.server.events
        self.assertEqual(pre_auth["request"]["validationData"], {"k": "v"})
        self.assertIsNone(pre_token["request"]["clientMetadata"])
        self.assertIs(post_auth["request"]["newDeviceUsed"], True)
        claims = jwt_claims(result["AuthenticationResult"]["IdToken"])
        self.assertEqual(claims["tier"], "gold")
        self.assertNotIn("email", claims)

    def test_a_failing_trigger_fails_the_call(self):
        status, _, data = self.sign_in("bob")
        self.assertEqual((status, data["__type"]), (400, "UserLambdaValidationException"))
        self.assertEqual(data["message"], "PreAuthentication failed with error bob is blocked.")

    def test_custom_challenge_by_webhook(self):
        start = {"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice"}}
        challenge = self.emulator.ok("InitiateAuth", start)
        self.assertEqual(challenge["ChallengeParameters"]["hint"], "the magic words")
        answer = {"ClientId": CLIENT, "ChallengeName": "CUSTOM_CHALLENGE", "Session": challenge["Session"], "ChallengeResponses": {"USERNAME": "alice", "ANSWER": "open sesame"}, "ClientMetadata": {"step": "answer"}}
        result = self.emulator.ok("RespondToAuthChallenge", answer)
        self.assertIn("AuthenticationResult", result)
        define_events = [e for e in self.server.events if e["triggerSource"] == "DefineAuthChallenge_Authentication"]
        self.assertEqual(define_events[0]["request"]["session"], [])
        self.assertIsNone(define_events[0]["request"]["clientMetadata"])
        self.assertEqual(define_events[1]["request"]["session"], [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "MAGIC"}])
        self.assertEqual(define_events[1]["request"]["clientMetadata"], {"step": "answer"})
        verify_event = next(e for e in self.server.events if e["triggerSource"] == "VerifyAuthChallengeResponse_Authentication")
        self.assertEqual(verify_event["request"]["privateChallengeParameters"], {"answer": "open sesame"})

    def test_migration_by_webhook(self):
        status, _, result = self.sign_in("lee")
        self.assertEqual(status, 200, result)
        migration = self.server.events[0]
        self.assertEqual(migration["triggerSource"], "UserMigration_Authentication")
        self.assertEqual(migration["request"]["password"], PASSWORD)
        self.assertEqual(jwt_claims(result["AuthenticationResult"]["AccessToken"])["username"], "lee")

    def test_sign_up_triggers_by_webhook(self):
        attributes = lambda email: [{"Name": "email", "Value": email}]
        body = {"ClientId": CLIENT, "Username": "zed", "UserAttributes": attributes("zed@example.com"), "ClientMetadata": {"call": "signup"}, "ValidationData": [{"Name": "v", "Value": "1"}]}
        created = self.emulator.ok("SignUp", body)
        self.assertFalse(created["UserConfirmed"])
        delivery = self.emulator.deliveries()[-1]
        self.assertEqual(delivery["message"], f"Your code is {delivery['code']}.")
        pre_sign_up_event, message_event = self.server.events
        self.assertEqual(pre_sign_up_event["triggerSource"], "PreSignUp_SignUp")
        self.assertEqual((pre_sign_up_event["request"]["clientMetadata"], pre_sign_up_event["request"]["validationData"]), ({"call": "signup"}, {"v": "1"}))
        self.assertEqual((message_event["triggerSource"], message_event["request"]["codeParameter"]), ("CustomMessage_SignUp", "{####}"))
        self.assertEqual(message_event["request"]["clientMetadata"], {"call": "signup"})
        self.emulator.ok("ConfirmSignUp", {"ClientId": CLIENT, "Username": "zed", "ConfirmationCode": delivery["code"], "ClientMetadata": {"call": "confirm"}})
        confirmation = self.server.events[-1]
        self.assertEqual((confirmation["triggerSource"], confirmation["request"]["clientMetadata"]), ("PostConfirmation_ConfirmSignUp", {"call": "confirm"}))

        auto = self.emulator.ok("SignUp", dict(body, Username="auto", UserAttributes=attributes("auto@example.com")))
        self.assertTrue(auto["UserConfirmed"])
        self.assertNotIn("CodeDeliveryDetails", auto)
        step = self.emulator.ok("InitiateAuth", {"AuthFlow": "USER_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "auto"}})
        self.assertEqual(step["AvailableChallenges"], ["EMAIL_OTP"], "autoVerifyEmail verified the address")

    def test_an_unreachable_webhook_is_an_unexpected_lambda_error(self):
        triggers = {"PreAuthentication": {"webhook": f"http://127.0.0.1:{free_port()}/gone"}}
        with SpawnedEmulator(pool_with(triggers=triggers)) as emulator:
            status, _, data = emulator.call("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}})
            self.assertEqual((status, data["__type"]), (400, "UnexpectedLambdaException"))

    def test_webhooks_must_be_local(self):
        with self.assertRaises(RuntimeError) as caught:
            SpawnedEmulator(pool_with(triggers={"PreAuthentication": {"webhook": "http://192.0.2.1:80/x"}}))
        self.assertIn("127.0.0.1", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
