// A small world made through the API (fixtures, not the flows under test): `me` with a photo of
// their own and an incoming trade from someone with a public profile.
import { api, person, signIn, uploadApi, type Host, type Person } from './fixtures';

export type World = { meId: number; otherId: number; myPhoto: number; otherPhoto: number; trade: number; token: string };

export async function seedWorld(baseUrl: string, me: Person, host: Host): Promise<World> {
  const mine = await signIn(baseUrl, me, host);
  const other = await signIn(baseUrl, person('Иван', 'Петров', 'ru'), 'max');
  const tag = me.id.toString(36);
  const myPhoto = await uploadApi(baseUrl, mine.access_token, `${me.language_code === 'ru' ? 'Рассвет' : 'Sunrise'} ${tag}`);
  const otherPhoto = await uploadApi(baseUrl, other.access_token, `Закат ${tag}`);
  const trade = await api(baseUrl, '/api/trades', {
    token: other.access_token,
    body: { offered_photo_ids: [otherPhoto], requested_photo_ids: [myPhoto], recipient_id: mine.user.id, message: '' },
  });
  return { meId: mine.user.id, otherId: other.user.id, myPhoto, otherPhoto, trade: trade.id, token: mine.access_token };
}

/** Every screen of the signed-in app, by name and path. */
export function screens(w: World): [string, string][] {
  return [
    ['gallery', '/'],
    ['collection', '/me'],
    ['trades', '/trades'],
    ['requests', '/requests'],
    ['settings', '/settings'],
    ['upload', '/upload'],
    ['photo-detail', `/photos/${w.myPhoto}`],
    ['transfer', `/photos/${w.myPhoto}/transfer`],
    ['create-trade', '/trades/new'],
    ['trade-detail', `/trades/${w.trade}`],
    ['user-profile', `/users/${w.otherId}`],
    ['not-found', '/nope/nothing'],
    ['claim-unknown', '/claim/no-such-code'],
  ];
}
