// Signs mini-app initData the way Max (and Telegram) do:
//   secret = HMAC-SHA256(key="WebAppData", msg=bot_token)
//   hash   = hex(HMAC-SHA256(key=secret, msg=data_check_string))
// where data_check_string is every other field as key=value, sorted, joined by "\n".
import { createHmac } from 'node:crypto';

export function signInitData(botToken, { user, startParam, authDate = Math.floor(Date.now() / 1000) }) {
  const fields = {
    auth_date: String(authDate),
    query_id: `e2e-${user.id}-${authDate}`,
    user: JSON.stringify(user),
  };
  if (startParam) fields.start_param = startParam;
  const check = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(check).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}
