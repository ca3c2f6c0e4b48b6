// Drives the fake with the AWS SDK for JavaScript (v2), the client cognito-local is built on.
// Step "reset": look alice up, reset her password, and show her sign-in now fails.
// Step "confirm": finish the reset with the code and sign in with the new password.
// Prints one JSON object with what it saw.
const AWS = require("aws-sdk");

const idp = new AWS.CognitoIdentityServiceProvider({
  endpoint: process.env.ENDPOINT,
  region: "eu-west-1",
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "not-a-secret",
  maxRetries: 0,
});
const UserPoolId = process.env.POOL;
const ClientId = process.env.CLIENT;

async function failure(promise) {
  try {
    await promise;
    return "";
  } catch (err) {
    return err.code;
  }
}

async function reset() {
  const pool = await idp.describeUserPool({ UserPoolId }).promise();
  const found = await idp.listUsers({ UserPoolId, Filter: 'email = "alice@example.com"' }).promise();
  const groups = await idp.adminListGroupsForUser({ UserPoolId, Username: "alice" }).promise();
  await idp.adminResetUserPassword({ UserPoolId, Username: "alice" }).promise();
  const user = await idp.adminGetUser({ UserPoolId, Username: "alice" }).promise();
  const signIn = await failure(idp.initiateAuth({
    AuthFlow: "USER_PASSWORD_AUTH", ClientId,
    AuthParameters: { USERNAME: "alice", PASSWORD: "Correct-horse-battery-1" },
  }).promise());
  const missing = await failure(idp.adminGetUser({ UserPoolId, Username: "nobody" }).promise());
  return {
    minimumLength: pool.UserPool.Policies.PasswordPolicy.MinimumLength,
    found: found.Users.map((u) => u.Username),
    groups: groups.Groups.map((g) => g.GroupName),
    status: user.UserStatus,
    signIn,
    missing,
  };
}

async function confirm() {
  const weak = await failure(idp.confirmForgotPassword({
    ClientId, Username: "alice", ConfirmationCode: process.env.CODE, Password: "weak",
  }).promise());
  await idp.confirmForgotPassword({
    ClientId, Username: "alice", ConfirmationCode: process.env.CODE, Password: "Another-horse-battery-2",
  }).promise();
  const auth = await idp.initiateAuth({
    AuthFlow: "USER_PASSWORD_AUTH", ClientId,
    AuthParameters: { USERNAME: "alice", PASSWORD: "Another-horse-battery-2" },
  }).promise();
  const user = await idp.adminGetUser({ UserPoolId, Username: "alice" }).promise();
  return { weak, tokens: Boolean(auth.AuthenticationResult && auth.AuthenticationResult.AccessToken), status: user.UserStatus };
}

const steps = { reset, confirm };
steps[process.argv[2]]().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
