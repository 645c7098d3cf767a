// Generated from openapi.json by `npm run gen:types` (openapi-typescript). Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Consistency
         * @description Counts of invariant violations (all zero when sound). Admins only.
         */
        get: operations["consistency_api_admin_consistency_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/max": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign In Max */
        post: operations["sign_in_max_api_auth_max_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/telegram": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign In Telegram */
        post: operations["sign_in_telegram_api_auth_telegram_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register
         * @description `X-Client-Host: web`: the refresh token comes as an HttpOnly cookie, not in the body.
         */
        post: operations["register_api_auth_register_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Login
         * @description `X-Client-Host: web`: the refresh token comes as an HttpOnly cookie, not in the body.
         *     Limited per IP and, with back-off, per username (429 `login_throttled`).
         */
        post: operations["login_api_auth_login_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh
         * @description The token from the body, or else the desktop's cookie (then `X-Requested-With` is
         *     required, 403 without it); a cookie refresh answers with a new cookie.
         */
        post: operations["refresh_api_auth_refresh_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Logout
         * @description Ends the session of the body's token, or else of the desktop's cookie (clearing it).
         *     Clearing the cookie is a cookie-authenticated act: it needs `X-Requested-With` like
         *     refresh (403 `csrf_header_missing` without it), so a cross-site form cannot sign the
         *     desktop out (issue 19, N7).
         */
        post: operations["logout_api_auth_logout_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/qr": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Qr Login
         * @description `qr_payload` takes the X-Client-Host form; `deep_links` has every form, so the desktop
         *     can offer a QR for each messenger. The desktop's address and User-Agent are kept for the
         *     approving phone (`GET /api/auth/qr/{request_id}/details`).
         */
        post: operations["create_qr_login_api_auth_qr_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/qr/{request_id}/details": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Qr Login Details
         * @description For the signed-in phone, before it approves: which browser and OS (from the desktop's
         *     User-Agent), from which address, made when, valid until when.
         */
        get: operations["qr_login_details_api_auth_qr__request_id__details_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/qr/{request_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve Qr Login */
        post: operations["approve_qr_login_api_auth_qr__request_id__approve_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/qr/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Poll Qr Login
         * @description The request's secret goes in the `X-QR-Secret` header (`?secret=` is still read for
         *     older clients, but a URL ends up in access logs). `X-Client-Host: web`: on success the
         *     refresh token comes as an HttpOnly cookie.
         */
        get: operations["poll_qr_login_api_auth_qr__request_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Me */
        get: operations["get_me_api_me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update Me */
        patch: operations["update_me_api_me_patch"];
        trace?: never;
    };
    "/api/me/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Notification Settings
         * @description Which bot notifications you get (all on by default) and whether the bot can reach you.
         */
        get: operations["get_notification_settings_api_me_notifications_get"];
        /**
         * Put Notification Settings
         * @description Switch kinds off (`disabled`); every kind not listed is on.
         */
        put: operations["put_notification_settings_api_me_notifications_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change Password
         * @description Needs the current password (or, for an account without one, a messenger sign-in in the
         *     last 5 minutes); signs out every other session and says how many.
         */
        put: operations["change_password_api_me_password_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/showcase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set Showcase
         * @description Pin, unpin and reorder in one call: the objects to pin, in order (at most 6, 422
         *     `showcase_full`; each your own and shown on your profile, else 422 `showcase_not_yours`).
         *     Viewers of your profile get `showcase.updated`.
         */
        put: operations["set_showcase_api_me_showcase_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search Users
         * @description Find people by the start of any word of their display name or username (case-insensitive).
         *     Empty `q`: the people you recently gave to, received from or traded with, newest first.
         *     Never yourself. Private people can be found (name, avatar); their collections stay private.
         */
        get: operations["search_users_api_users_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get User */
        get: operations["get_user_api_users__user_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{user_id}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Block User
         * @description Refuse direct gifts from this person: `POST /api/transfers` to you answers 403
         *     `gift_refused`. Idempotent.
         */
        put: operations["block_user_api_users__user_id__block_put"];
        post?: never;
        /** Unblock User */
        delete: operations["unblock_user_api_users__user_id__block_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{user_id}/photos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get User Photos
         * @description A user's collection (what they own now); 403 for a private profile unless approved.
         */
        get: operations["get_user_photos_api_users__user_id__photos_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{user_id}/showcase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Showcase
         * @description The objects a person pinned at the top of their profile, in their order (at most 6);
         *     403 for a private profile unless approved, like their collection.
         */
        get: operations["get_showcase_api_users__user_id__showcase_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload Photo */
        post: operations["upload_photo_api_photos_upload_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Photos */
        get: operations["list_photos_api_photos_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos/{photo_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Photo */
        get: operations["get_photo_api_photos__photo_id__get"];
        put?: never;
        post?: never;
        /** Delete Photo */
        delete: operations["delete_photo_api_photos__photo_id__delete"];
        options?: never;
        head?: never;
        /** Update Photo */
        patch: operations["update_photo_api_photos__photo_id__patch"];
        trace?: never;
    };
    "/api/photos/{photo_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Provenance
         * @description Every change of owner, oldest first. A party whose collection the viewer may not see is
         *     `null` with `from_private`/`to_private` ("a private collector"); a gift's note unless its
         *     recipient hid it.
         */
        get: operations["get_provenance_api_photos__photo_id__history_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos/{photo_id}/story": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Story
         * @description Number, author, mint time and provenance in one answer (the detail screen's story).
         */
        get: operations["get_story_api_photos__photo_id__story_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos/{photo_id}/profile-hidden": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set Profile Hidden
         * @description The owner hides the object from their profile and the gallery's "by owner" filter for
         *     everyone else (it stays in the gallery and in provenance), or shows it again.
         */
        put: operations["set_profile_hidden_api_photos__photo_id__profile_hidden_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/photos/{photo_id}/favorite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Add Favorite */
        put: operations["add_favorite_api_photos__photo_id__favorite_put"];
        post?: never;
        /** Remove Favorite */
        delete: operations["remove_favorite_api_photos__photo_id__favorite_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Transfers */
        get: operations["list_transfers_api_transfers_get"];
        put?: never;
        /**
         * Create Transfer
         * @description A direct gift (`to_user_id`) or a claim code. 409 `claim_code_pending` (with
         *     `transfer_id`) when the object already has your live code: show it again
         *     (`GET /pending-code`) or replace it (`POST /{id}/replace`).
         */
        post: operations["create_transfer_api_transfers_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/pending-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Pending Code
         * @description Your live claim code for this object again (link and QR), so reopening "Give" shows it
         *     instead of making another; null when there is none (or it cannot be shown again: replace
         *     it). The code is in the reply's body only, never in a URL.
         */
        get: operations["pending_code_api_transfers_pending_code_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/{transfer_id}/replace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace Code
         * @description A new claim code in place of your live one (same note). The old link then reads as
         *     replaced (`ClaimPreview.cancel_reason`), never as "the giver keeps it".
         */
        post: operations["replace_code_api_transfers__transfer_id__replace_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/claim": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Claim Transfer */
        post: operations["claim_transfer_api_transfers_claim_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/claim/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Preview Claim
         * @description What a claim code gives (photo, giver, expiry, state) without using it. The code travels
         *     in the body, never in the URL. Works signed out too (then `is_giver` is false); limited like
         *     claims (per user, else per address). 404 `claim_not_found` for an unknown code.
         */
        post: operations["preview_claim_api_transfers_claim_preview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/{transfer_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel Transfer */
        post: operations["cancel_transfer_api_transfers__transfer_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/{transfer_id}/return": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Return Gift
         * @description The recipient of a direct gift sends it back (within `GIFT_RETURN_WINDOW`, 7 days, while
         *     still owning it): the object goes back to the sender with a provenance row. Answers the
         *     return transfer.
         */
        post: operations["return_gift_api_transfers__transfer_id__return_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/{transfer_id}/note": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set Note Visibility
         * @description The recipient of a gift hides its note from everyone but the giver and themselves
         *     (provenance, stories), or shows it again. 404 for anyone else.
         */
        put: operations["set_note_visibility_api_transfers__transfer_id__note_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/transfers/{transfer_id}/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Transfer Qr */
        get: operations["transfer_qr_api_transfers__transfer_id__qr_png_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Trades */
        get: operations["list_trades_api_trades_get"];
        put?: never;
        /** Propose Trade */
        post: operations["propose_trade_api_trades_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/by-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trade By Token In Body
         * @description The trade behind a link, for this viewer (`viewer_can_accept`, `cannot_accept_reason`);
         *     signed out too. The token goes in the body: a URL lands in access logs (issue 19, N8), so
         *     there is no GET form.
         */
        post: operations["trade_by_token_in_body_api_trades_by_token_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/{trade_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Trade */
        get: operations["get_trade_api_trades__trade_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/{trade_id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept Trade */
        post: operations["accept_trade_api_trades__trade_id__accept_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/{trade_id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline Trade */
        post: operations["decline_trade_api_trades__trade_id__decline_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/{trade_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel Trade */
        post: operations["cancel_trade_api_trades__trade_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/trades/{trade_id}/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Trade Qr */
        get: operations["trade_qr_api_trades__trade_id__qr_png_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile_requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Requests */
        get: operations["list_requests_api_profile_requests_get"];
        put?: never;
        /**
         * Request Access
         * @description Idempotent per pair (200 with the existing request). The target is notified at most once
         *     per `PROFILE_REQUEST_COOLDOWN` for a pair, however often it is withdrawn and asked again.
         */
        post: operations["request_access_api_profile_requests_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile_requests/{request_id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept Request */
        post: operations["accept_request_api_profile_requests__request_id__accept_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile_requests/{request_id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline Request */
        post: operations["decline_request_api_profile_requests__request_id__decline_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile_requests/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Request */
        delete: operations["delete_request_api_profile_requests__request_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * App Link Qr
         * @description Any of this app's own links, in its Max, Telegram or web form; anything else is a 422.
         */
        get: operations["app_link_qr_api_qr_png_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/qr/{request_id}/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Login Qr Png
         * @description The desktop's sign-in QR; needs the request's secret (`X-QR-Secret`) so only that
         *     desktop can show it. `?host=max` / `?host=telegram` pick the messenger that will scan it.
         */
        get: operations["login_qr_png_api_auth_qr__request_id__qr_png_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/share/prepared": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Prepare Share
         * @description Telegram (Bot API 8.0+): the bot saves a prepared inline message (text, the link, a
         *     button opening it) for `Telegram.WebApp.shareMessage(id)`. Only this app's own links
         *     (422 `foreign_link`); 409 `share_unavailable` for a user not from Telegram or without a
         *     Telegram bot, 503 `share_failed` when Telegram refused: share the plain link then.
         */
        post: operations["prepare_share_api_share_prepared_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Body_upload_photo_api_photos_upload_post */
        Body_upload_photo_api_photos_upload_post: {
            /**
             * File
             * @description JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF; type is sniffed
             */
            file: string;
            /** Title */
            title: string;
            /** Description */
            description?: string | null;
        };
        /**
         * ClaimPreview
         * @description What a claim code gives, before claiming: enough to show the photo, the giver and the
         *     state, so a used, expired or cancelled code or one's own is shown as such.
         */
        ClaimPreview: {
            /** Transfer Id */
            transfer_id: number;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "completed" | "cancelled" | "expired";
            /** @description only while the code is pending (a used code shows nothing of the object) */
            photo: components["schemas"]["PhotoSummary"] | null;
            giver: components["schemas"]["UserSummary"];
            /** Expires At */
            expires_at: string | null;
            /**
             * Is Giver
             * @description the viewer made this code (show it, don't claim it)
             */
            is_giver: boolean;
            /** @description who took it, once completed: shown to the giver and the claimer only */
            claimed_by: components["schemas"]["UserSummary"] | null;
            /**
             * Note
             * @description the giver's note to whoever claims it
             * @default
             */
            note: string;
            /** @description number, author, owners so far */
            story?: components["schemas"]["Story"] | null;
            /**
             * Cancel Reason
             * @description for a cancelled code: a newer code replaced it, the object changed hands, or the giver withdrew it
             */
            cancel_reason?: ("replaced" | "changed_hands" | "withdrawn") | null;
        };
        /**
         * DeepLinks
         * @description The same start parameter in every form: the desktop's sign-in QR offers both messengers.
         */
        DeepLinks: {
            /**
             * Max
             * @description MAX_MINIAPP_LINK?startapp=…; null when not configured
             */
            max: string | null;
            /**
             * Telegram
             * @description TELEGRAM_MINIAPP_LINK?startapp=…; null when not configured
             */
            telegram: string | null;
            /**
             * Web
             * @description PUBLIC_URL/?startapp=…: the web app routes on it
             */
            web: string;
        };
        /**
         * ErrorCode
         * @enum {string}
         */
        ErrorCode: "bad_request" | "validation_error" | "value_out_of_range" | "reference_gone" | "not_found" | "method_not_allowed" | "payload_too_large" | "request_timeout" | "rate_limited" | "service_unavailable" | "password_checks_busy" | "storage_full" | "storage_unavailable" | "internal_error" | "webapp_not_built" | "not_authenticated" | "token_invalid" | "token_expired" | "user_gone" | "init_data_invalid" | "init_data_expired" | "messenger_not_configured" | "invalid_credentials" | "refresh_token_invalid" | "refresh_token_reused" | "refresh_token_missing" | "csrf_header_missing" | "wrong_current_password" | "reauthentication_required" | "login_throttled" | "username_taken" | "username_required" | "password_too_long" | "qr_login_not_found" | "qr_login_expired" | "qr_login_already_approved" | "qr_login_token_mismatch" | "qr_secret_missing" | "admin_only" | "user_not_found" | "collection_private" | "photo_not_found" | "not_owner" | "not_creator" | "photo_has_provenance" | "title_invalid" | "description_too_long" | "unsupported_media_type" | "image_too_large" | "image_corrupt" | "duplicate_image" | "invalid_cursor" | "favorites_need_sign_in" | "foreign_link" | "qr_data_too_long" | "transfer_not_found" | "transfer_not_pending" | "transfer_to_self" | "gift_refused" | "gift_not_returnable" | "gift_return_window_over" | "block_self" | "recipient_not_found" | "claim_not_found" | "claim_used" | "claim_cancelled" | "claim_expired" | "claim_code_pending" | "own_claim" | "note_too_long" | "showcase_full" | "showcase_duplicate" | "showcase_not_yours" | "trade_not_found" | "trade_not_pending" | "trade_expired" | "trade_items_changed" | "trade_duplicate_item" | "trade_item_on_both_sides" | "trade_with_self" | "trade_mixed_owners" | "trade_already_owned" | "trade_recipient_mismatch" | "trade_addressed_to_other" | "own_trade" | "not_owner_of_requested" | "trade_wrong_party" | "profile_request_own" | "profile_request_not_found" | "profile_request_not_pending" | "ws_unknown_message" | "ws_resume_in_progress" | "webhook_secret_invalid" | "share_unavailable" | "share_failed";
        /**
         * ErrorDetail
         * @description `code` is stable (clients branch on it); `message` is English for people. Some codes add
         *     fields: `photo_id` (duplicate_image), `photo_ids` (photo_not_found in a trade), `status`
         *     (*_not_pending), `failure_reason` (trade_items_changed), `fields` (validation_error).
         */
        ErrorDetail: {
            code: components["schemas"]["ErrorCode"];
            /** Message */
            message: string;
        } & {
            [key: string]: unknown;
        };
        /** ErrorOut */
        ErrorOut: {
            detail: components["schemas"]["ErrorDetail"];
        };
        /** FavoriteState */
        FavoriteState: {
            /** Is Favorite */
            is_favorite: boolean;
            /** Favorites Count */
            favorites_count: number;
        };
        /** Me */
        Me: {
            /** Id */
            id: number;
            /** Display Name */
            display_name: string;
            /** Avatar Url */
            avatar_url?: string | null;
            /** Is Private */
            is_private: boolean;
            /**
             * Role
             * @enum {string}
             */
            role: "user" | "admin";
            /** Messenger */
            messenger: ("max" | "telegram") | null;
            /** Username */
            username: string | null;
            /** Has Password */
            has_password: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
        };
        /** MeUpdate */
        MeUpdate: {
            /** Display Name */
            display_name?: string | null;
            /** Is Private */
            is_private?: boolean | null;
        };
        /** MessengerSignIn */
        MessengerSignIn: {
            /** Init Data */
            init_data: string;
        };
        /** NotificationSettings */
        NotificationSettings: {
            /**
             * Disabled
             * @description kinds switched off; the rest are on
             */
            disabled: ("gift_received" | "claim_claimed" | "trade_offered" | "trade_accepted" | "trade_declined" | "trade_failed" | "profile_request" | "profile_request_approved")[];
            /**
             * Kinds
             * @description every kind, in the order to show them
             */
            kinds: ("gift_received" | "claim_claimed" | "trade_offered" | "trade_accepted" | "trade_declined" | "trade_failed" | "profile_request" | "profile_request_approved")[];
            /**
             * Bot Reachable
             * @description the bot can write to you (you started it in your messenger and did not block it); false: nothing is sent until you open the bot
             */
            bot_reachable: boolean;
        };
        /** NotificationSettingsUpdate */
        NotificationSettingsUpdate: {
            /**
             * Disabled
             * @description kinds switched off; the rest are on
             */
            disabled: ("gift_received" | "claim_claimed" | "trade_offered" | "trade_accepted" | "trade_declined" | "trade_failed" | "profile_request" | "profile_request_approved")[];
        };
        /** PasswordChange */
        PasswordChange: {
            /** Password */
            password: string;
            /** Current Password */
            current_password?: string | null;
            /** Username */
            username?: string | null;
        };
        /** PasswordChanged */
        PasswordChanged: {
            /** Revoked Sessions */
            revoked_sessions: number;
        };
        /** PasswordSignIn */
        PasswordSignIn: {
            /** Username */
            username: string;
            /** Password */
            password: string;
        };
        /** Photo */
        Photo: {
            /** Id */
            id: number;
            /** Title */
            title: string;
            /**
             * Mint Number
             * @description permanent number of the original, from 1, never reused: No. 1,234
             */
            mint_number: number;
            /** Description */
            description: string;
            /** Width */
            width: number;
            /** Height */
            height: number;
            /** Mime */
            mime: string;
            /**
             * Placeholder
             * @description blurhash of the image, paint it before the image loads
             */
            placeholder: string;
            /** Dominant Color */
            dominant_color: string;
            /**
             * Thumb Url
             * @description 320 px WebP (fits 320x320)
             */
            thumb_url: string;
            /**
             * Thumb 2X Url
             * @description 640 px WebP for 2x screens (srcset)
             */
            thumb_2x_url: string;
            /** Preview Url */
            preview_url: string;
            owner: components["schemas"]["UserSummary"];
            creator: components["schemas"]["UserSummary"];
            /** Favorites Count */
            favorites_count: number;
            /**
             * Profile Hidden
             * @description its owner hid it from their profile (others' by-owner view omits it)
             */
            profile_hidden: boolean;
            /**
             * Created At
             * Format: date-time
             * @description when it was minted
             */
            created_at: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Is Favorite
             * @description the signed-in viewer's favorite
             */
            is_favorite: boolean;
        };
        /** PhotoPage */
        PhotoPage: {
            /** Items */
            items: components["schemas"]["Photo"][];
            /** Next Cursor */
            next_cursor: string | null;
        };
        /** PhotoSummary */
        PhotoSummary: {
            /** Id */
            id: number;
            /** Title */
            title: string;
            /**
             * Mint Number
             * @description permanent number of the original, from 1, never reused: No. 1,234
             */
            mint_number: number;
            /**
             * Thumb Url
             * @description 320 px WebP (fits 320x320)
             */
            thumb_url: string;
            /**
             * Thumb 2X Url
             * @description 640 px WebP for 2x screens (srcset)
             */
            thumb_2x_url: string;
            /** Placeholder */
            placeholder: string;
            /** Dominant Color */
            dominant_color: string;
            /** Owner Id */
            owner_id: number;
            /** @description the current owner (in trades, so both sides show who holds what) */
            owner?: components["schemas"]["UserSummary"] | null;
        };
        /** PhotoUpdate */
        PhotoUpdate: {
            /** Title */
            title?: string | null;
            /** Description */
            description?: string | null;
        };
        /**
         * PreparedShare
         * @description Telegram: hand `id` to `Telegram.WebApp.shareMessage(id)` (Bot API 8.0+).
         */
        PreparedShare: {
            /** Id */
            id: string;
        };
        /** ProfileHiddenUpdate */
        ProfileHiddenUpdate: {
            /** Hidden */
            hidden: boolean;
        };
        /** ProfileRequest */
        ProfileRequest: {
            /** Id */
            id: number;
            requester: components["schemas"]["UserSummary"];
            target: components["schemas"]["UserSummary"];
            /**
             * Status
             * @description withdrawn: only in the event of a deleted request
             * @enum {string}
             */
            status: "pending" | "accepted" | "declined" | "withdrawn";
            /** Message */
            message: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** ProfileRequestCreate */
        ProfileRequestCreate: {
            /** User Id */
            user_id: number;
            /**
             * Message
             * @default
             */
            message: string;
        };
        /** ProfileRequestList */
        ProfileRequestList: {
            /** Items */
            items: components["schemas"]["ProfileRequest"][];
        };
        /**
         * ProvenanceEntry
         * @description One change of owner. A party whose collection the viewer may not see (a private owner
         *     who has not accepted them) is shown as `null` with `*_private` true: "a private collector",
         *     nothing more (services/photos.get_provenance).
         */
        ProvenanceEntry: {
            /** Id */
            id: number;
            /**
             * Reason
             * @enum {string}
             */
            reason: "mint" | "transfer" | "trade" | "admin";
            /** @description null: a mint, or a private collector */
            from_user: components["schemas"]["UserSummary"] | null;
            /**
             * From Private
             * @description from_user is a private collector
             * @default false
             */
            from_private: boolean;
            /** @description null only for a private collector */
            to_user: components["schemas"]["UserSummary"] | null;
            /**
             * To Private
             * @description to_user is a private collector
             * @default false
             */
            to_private: boolean;
            /** Trade Id */
            trade_id: number | null;
            /** Transfer Id */
            transfer_id: number | null;
            /**
             * Note
             * @description the giver's note of a gift (absent or hidden: null)
             */
            note?: string | null;
            /**
             * Note Hidden
             * @description the recipient hid the note (told only to giver and recipient)
             * @default false
             */
            note_hidden: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
        };
        /** PublicUser */
        PublicUser: {
            /** Id */
            id: number;
            /** Display Name */
            display_name: string;
            /** Avatar Url */
            avatar_url?: string | null;
            /** Is Private */
            is_private: boolean;
            /** Can View Collection */
            can_view_collection: boolean;
            /** Profile Request Status */
            profile_request_status?: ("pending" | "accepted" | "declined") | null;
        };
        /** QrLoginApprove */
        QrLoginApprove: {
            /** Token */
            token?: string | null;
        };
        /** QrLoginCreated */
        QrLoginCreated: {
            /** Request Id */
            request_id: string;
            /** Secret */
            secret: string;
            /**
             * Qr Payload
             * @description the sign-in link in the form of the client's host
             */
            qr_payload: string;
            /** @description the same link for each messenger and the web */
            deep_links: components["schemas"]["DeepLinks"];
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
        };
        /**
         * QrLoginDetails
         * @description What is asking to sign in, for the phone's approval screen.
         */
        QrLoginDetails: {
            /** Request Id */
            request_id: string;
            /**
             * Status
             * @constant
             */
            status: "pending";
            /**
             * Browser
             * @description from the desktop's User-Agent (a heuristic: a hint)
             */
            browser: string;
            /** Os */
            os: string;
            /**
             * Ip
             * @description the desktop's address as this server saw it
             */
            ip: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
        };
        /** QrLoginStatus */
        QrLoginStatus: {
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "approved" | "consumed";
            /** Expires At */
            expires_at?: string | null;
            /** Access Token */
            access_token?: string | null;
            /** Refresh Token */
            refresh_token?: string | null;
            /** Token Type */
            token_type?: "bearer" | null;
            /** Expires In */
            expires_in?: number | null;
            user?: components["schemas"]["Me"] | null;
        };
        /** SessionRefresh */
        SessionRefresh: {
            /**
             * Refresh Token
             * @description omit to use the desktop's HttpOnly cookie (then send X-Requested-With)
             */
            refresh_token?: string | null;
        };
        /** ShareCreate */
        ShareCreate: {
            /**
             * Link
             * @description one of this app's own links
             */
            link: string;
            /**
             * Text
             * @description the card's text, above the link
             */
            text: string;
            /**
             * Language
             * @description of the card's button
             * @default ru
             * @enum {string}
             */
            language: "ru" | "en";
        };
        /** Showcase */
        Showcase: {
            /** User Id */
            user_id: number;
            /** Items */
            items: components["schemas"]["Photo"][];
        };
        /** ShowcaseUpdate */
        ShowcaseUpdate: {
            /**
             * Photo Ids
             * @description the pinned objects in order, at most 6, all the caller's own
             */
            photo_ids: number[];
        };
        /**
         * Story
         * @description An object's story where it is met (claim preview, incoming trade, detail): its number,
         *     author, mint time and the chain of owners — exactly its provenance as this viewer sees it.
         */
        Story: {
            /** Photo Id */
            photo_id: number;
            /**
             * Mint Number
             * @description permanent number of the original, from 1, never reused: No. 1,234
             */
            mint_number: number;
            creator: components["schemas"]["UserSummary"];
            /**
             * Minted At
             * Format: date-time
             */
            minted_at: string;
            /** Provenance */
            provenance: components["schemas"]["ProvenanceEntry"][];
        };
        /** TokenPair */
        TokenPair: {
            /** Access Token */
            access_token: string;
            /**
             * Refresh Token
             * @description null when it was set as the HttpOnly cookie instead (X-Client-Host: web)
             */
            refresh_token: string | null;
            /**
             * Token Type
             * @default bearer
             * @constant
             */
            token_type: "bearer";
            /** Expires In */
            expires_in: number;
            user: components["schemas"]["Me"];
        };
        /** Trade */
        Trade: {
            /** Id */
            id: number;
            proposer: components["schemas"]["UserSummary"];
            recipient: components["schemas"]["UserSummary"] | null;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "accepted" | "declined" | "cancelled" | "expired" | "failed";
            /** Message */
            message: string;
            /** Offered */
            offered: components["schemas"]["PhotoSummary"][];
            /** Requested */
            requested: components["schemas"]["PhotoSummary"][];
            /**
             * Token
             * @description open trades: only in the create reply
             */
            token?: string | null;
            /**
             * Deep Link
             * @description in the form of the client's host
             */
            deep_link?: string | null;
            /** @description the same link in every form */
            deep_links?: components["schemas"]["DeepLinks"] | null;
            /** Failure Reason */
            failure_reason?: string | null;
            /** @description who accepted it */
            accepted_by?: components["schemas"]["UserSummary"] | null;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Stories
             * @description the story of each offered object (number, author, owners) for its parties
             */
            stories?: components["schemas"]["Story"][];
            /**
             * Viewer Can Accept
             * @description the signed-in viewer may accept it now (owns every requested item)
             * @default false
             */
            viewer_can_accept: boolean;
            /**
             * Cannot Accept Reason
             * @description why not, when viewer_can_accept is false
             */
            cannot_accept_reason?: ("not_owner_of_requested" | "own_trade" | "trade_not_pending" | "not_authenticated" | "trade_addressed_to_other") | null;
        };
        /** TradeAccept */
        TradeAccept: {
            /** Token */
            token?: string | null;
        };
        /** TradeCreate */
        TradeCreate: {
            /** Offered Photo Ids */
            offered_photo_ids: number[];
            /** Requested Photo Ids */
            requested_photo_ids: number[];
            /**
             * Recipient Id
             * @description omit for an open trade (QR)
             */
            recipient_id?: number | null;
            /**
             * Message
             * @default
             */
            message: string;
        };
        /** TradeList */
        TradeList: {
            /** Items */
            items: components["schemas"]["Trade"][];
        };
        /** TradeLookup */
        TradeLookup: {
            /** Token */
            token: string;
        };
        /** Transfer */
        Transfer: {
            /** Id */
            id: number;
            /** @description the object as it is now; null when its current owner's collection is private to the viewer (it changed hands since) */
            photo: components["schemas"]["PhotoSummary"] | null;
            from_user: components["schemas"]["UserSummary"];
            to_user: components["schemas"]["UserSummary"] | null;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "completed" | "cancelled" | "expired";
            /**
             * Claim Token
             * @description only in the sender's create reply
             */
            claim_token?: string | null;
            /**
             * Deep Link
             * @description in the form of the client's host
             */
            deep_link?: string | null;
            /** @description the same link in every form */
            deep_links?: components["schemas"]["DeepLinks"] | null;
            /** Expires At */
            expires_at: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Completed At */
            completed_at: string | null;
            /**
             * Returned At
             * @description a direct gift its recipient sent back (POST .../return)
             */
            returned_at?: string | null;
            /**
             * Note
             * @description the giver's note (only its two parties see this)
             * @default
             */
            note: string;
            /**
             * Note Hidden
             * @description the recipient hid the note from others
             * @default false
             */
            note_hidden: boolean;
        };
        /** TransferClaim */
        TransferClaim: {
            /** Token */
            token: string;
        };
        /** TransferCreate */
        TransferCreate: {
            /** Photo Id */
            photo_id: number;
            /**
             * To User Id
             * @description omit for a claim code (QR / link)
             */
            to_user_id?: number | null;
            /**
             * Note
             * @description the giver's note, at most 280 characters (422 `note_too_long`)
             * @default
             */
            note: string;
        };
        /** TransferList */
        TransferList: {
            /** Items */
            items: components["schemas"]["Transfer"][];
        };
        /** TransferNoteUpdate */
        TransferNoteUpdate: {
            /** Hidden */
            hidden: boolean;
        };
        /** UserList */
        UserList: {
            /** Items */
            items: components["schemas"]["UserSummary"][];
        };
        /** UserSummary */
        UserSummary: {
            /** Id */
            id: number;
            /** Display Name */
            display_name: string;
            /** Avatar Url */
            avatar_url?: string | null;
        };
        /**
         * FavoritesChanged
         * @description Someone favourited or unfavourited a photo (never who): its new count.
         */
        FavoritesChanged: {
            /** Photo Id */
            photo_id: number;
            /** Favorites Count */
            favorites_count: number;
        };
        /** FavoritesChangedEvent */
        FavoritesChangedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "photo.favorites_changed";
            data: components["schemas"]["FavoritesChanged"];
        };
        /** OwnershipChanged */
        OwnershipChanged: {
            /** Photo Id */
            photo_id: number;
            /** From User Id */
            from_user_id: number | null;
            /** To User Id */
            to_user_id: number;
            /**
             * Reason
             * @enum {string}
             */
            reason: "mint" | "transfer" | "trade" | "admin";
            /** Trade Id */
            trade_id: number | null;
            /** Transfer Id */
            transfer_id: number | null;
        };
        /** OwnershipChangedEvent */
        OwnershipChangedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ownership.changed";
            data: components["schemas"]["OwnershipChanged"];
        };
        /** PhotoCreatedEvent */
        PhotoCreatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "photo.created";
            data: components["schemas"]["PublicPhoto"];
        };
        /** PhotoDeleted */
        PhotoDeleted: {
            /** Id */
            id: number;
        };
        /** PhotoDeletedEvent */
        PhotoDeletedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "photo.deleted";
            data: components["schemas"]["PhotoDeleted"];
        };
        /** PhotoUpdatedEvent */
        PhotoUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "photo.updated";
            data: components["schemas"]["PublicPhoto"];
        };
        /** ProfileRequestUpdatedEvent */
        ProfileRequestUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "profile_request.updated";
            data: components["schemas"]["ProfileRequest"];
        };
        /**
         * PublicPhoto
         * @description A photo as everyone sees it: the `photo.created`/`photo.updated` event payload.
         */
        PublicPhoto: {
            /** Id */
            id: number;
            /** Title */
            title: string;
            /**
             * Mint Number
             * @description permanent number of the original, from 1, never reused: No. 1,234
             */
            mint_number: number;
            /** Description */
            description: string;
            /** Width */
            width: number;
            /** Height */
            height: number;
            /** Mime */
            mime: string;
            /**
             * Placeholder
             * @description blurhash of the image, paint it before the image loads
             */
            placeholder: string;
            /** Dominant Color */
            dominant_color: string;
            /**
             * Thumb Url
             * @description 320 px WebP (fits 320x320)
             */
            thumb_url: string;
            /**
             * Thumb 2X Url
             * @description 640 px WebP for 2x screens (srcset)
             */
            thumb_2x_url: string;
            /** Preview Url */
            preview_url: string;
            owner: components["schemas"]["UserSummary"];
            creator: components["schemas"]["UserSummary"];
            /** Favorites Count */
            favorites_count: number;
            /**
             * Profile Hidden
             * @description its owner hid it from their profile (others' by-owner view omits it)
             */
            profile_hidden: boolean;
            /**
             * Created At
             * Format: date-time
             * @description when it was minted
             */
            created_at: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** QrApproved */
        QrApproved: {
            /** Request Id */
            request_id: string;
        };
        /** QrApprovedEvent */
        QrApprovedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "auth.qr_approved";
            data: components["schemas"]["QrApproved"];
        };
        /**
         * ShowcaseUpdated
         * @description A profile's pinned objects changed (pinned, unpinned, reordered, or one left its owner
         *     by being hidden): viewers of that profile read its showcase again.
         */
        ShowcaseUpdated: {
            /** User Id */
            user_id: number;
            /**
             * Photo Ids
             * @description the pinned objects in the owner's order
             */
            photo_ids: number[];
        };
        /** ShowcaseUpdatedEvent */
        ShowcaseUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "showcase.updated";
            data: components["schemas"]["ShowcaseUpdated"];
        };
        /** TradeCreatedEvent */
        TradeCreatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "trade.created";
            data: components["schemas"]["TradeInfo"];
        };
        /**
         * TradeInfo
         * @description A trade as its parties share it: the `trade.created`/`trade.updated` event payload.
         */
        TradeInfo: {
            /** Id */
            id: number;
            proposer: components["schemas"]["UserSummary"];
            recipient: components["schemas"]["UserSummary"] | null;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "accepted" | "declined" | "cancelled" | "expired" | "failed";
            /** Message */
            message: string;
            /** Offered */
            offered: components["schemas"]["PhotoSummary"][];
            /** Requested */
            requested: components["schemas"]["PhotoSummary"][];
            /**
             * Token
             * @description open trades: only in the create reply
             * @default null
             */
            token: string | null;
            /**
             * Deep Link
             * @description in the form of the client's host
             * @default null
             */
            deep_link: string | null;
            /**
             * @description the same link in every form
             * @default null
             */
            deep_links: components["schemas"]["DeepLinks"] | null;
            /**
             * Failure Reason
             * @default null
             */
            failure_reason: string | null;
            /**
             * @description who accepted it
             * @default null
             */
            accepted_by: components["schemas"]["UserSummary"] | null;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** TradeUpdatedEvent */
        TradeUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "trade.updated";
            data: components["schemas"]["TradeInfo"];
        };
        /** TransferUpdatedEvent */
        TransferUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "transfer.updated";
            data: components["schemas"]["Transfer"];
        };
        /**
         * UserUpdatedEvent
         * @description A person's name, picture or privacy changed (the payload is what everyone sees).
         */
        UserUpdatedEvent: {
            /**
             * Id
             * @description event id: resume after the last one seen
             */
            id: number;
            /**
             * Ts
             * Format: date-time
             */
            ts: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "user.updated";
            data: components["schemas"]["UserSummary"];
        };
        ServerEvent: components["schemas"]["PhotoCreatedEvent"] | components["schemas"]["PhotoUpdatedEvent"] | components["schemas"]["PhotoDeletedEvent"] | components["schemas"]["OwnershipChangedEvent"] | components["schemas"]["FavoritesChangedEvent"] | components["schemas"]["UserUpdatedEvent"] | components["schemas"]["TradeCreatedEvent"] | components["schemas"]["TradeUpdatedEvent"] | components["schemas"]["TransferUpdatedEvent"] | components["schemas"]["ProfileRequestUpdatedEvent"] | components["schemas"]["QrApprovedEvent"] | components["schemas"]["ShowcaseUpdatedEvent"];
        /** AuthenticatedFrame */
        AuthenticatedFrame: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "authenticated";
            /**
             * User Id
             * @description null: the socket is anonymous
             */
            user_id: number | null;
            /**
             * Expires At
             * @description when the token ends: send a fresh `auth`
             */
            expires_at: string | null;
        };
        /** ErrorFrame */
        ErrorFrame: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "error";
            detail: components["schemas"]["ErrorDetail"];
        };
        /** PingFrame */
        PingFrame: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ping";
        };
        /** ResumedFrame */
        ResumedFrame: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "resumed";
            /**
             * Last Id
             * @description every event up to this id has been sent
             */
            last_id: number;
        };
        ServerMessage: components["schemas"]["PhotoCreatedEvent"] | components["schemas"]["PhotoUpdatedEvent"] | components["schemas"]["PhotoDeletedEvent"] | components["schemas"]["OwnershipChangedEvent"] | components["schemas"]["FavoritesChangedEvent"] | components["schemas"]["UserUpdatedEvent"] | components["schemas"]["TradeCreatedEvent"] | components["schemas"]["TradeUpdatedEvent"] | components["schemas"]["TransferUpdatedEvent"] | components["schemas"]["ProfileRequestUpdatedEvent"] | components["schemas"]["QrApprovedEvent"] | components["schemas"]["ShowcaseUpdatedEvent"] | components["schemas"]["PingFrame"] | components["schemas"]["AuthenticatedFrame"] | components["schemas"]["ResumedFrame"] | components["schemas"]["ErrorFrame"];
        /** AuthMessage */
        AuthMessage: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "auth";
            /**
             * Token
             * @description access token; only as the first message
             */
            token: string | null;
        };
        /** AuthQrMessage */
        AuthQrMessage: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "auth_qr";
            /** Request Id */
            request_id: string;
            /** Secret */
            secret: string;
        };
        /** PongMessage */
        PongMessage: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "pong";
        };
        /** ResumeMessage */
        ResumeMessage: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "resume";
            /**
             * After
             * @description the last event id this client has seen
             */
            after: number;
        };
        ClientMessage: components["schemas"]["AuthMessage"] | components["schemas"]["ResumeMessage"] | components["schemas"]["PongMessage"] | components["schemas"]["AuthQrMessage"];
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
    consistency_api_admin_consistency_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: number;
                    };
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    sign_in_max_api_auth_max_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MessengerSignIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    sign_in_telegram_api_auth_telegram_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MessengerSignIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    register_api_auth_register_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordSignIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    login_api_auth_login_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordSignIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    refresh_api_auth_refresh_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SessionRefresh"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    logout_api_auth_logout_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SessionRefresh"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    create_qr_login_api_auth_qr_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QrLoginCreated"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    qr_login_details_api_auth_qr__request_id__details_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QrLoginDetails"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    approve_qr_login_api_auth_qr__request_id__approve_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["QrLoginApprove"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    poll_qr_login_api_auth_qr__request_id__get: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
                /** @description The desktop sign-in request's secret */
                "x-qr-secret"?: string | null;
            };
            path: {
                request_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QrLoginStatus"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_me_api_me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    update_me_api_me_patch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MeUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_notification_settings_api_me_notifications_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationSettings"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    put_notification_settings_api_me_notifications_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NotificationSettingsUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationSettings"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    change_password_api_me_password_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChange"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasswordChanged"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    set_showcase_api_me_showcase_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShowcaseUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Showcase"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    search_users_api_users_get: {
        parameters: {
            query?: {
                /** @description words of a name or username */
                q?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_user_api_users__user_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicUser"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    block_user_api_users__user_id__block_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    unblock_user_api_users__user_id__block_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_user_photos_api_users__user_id__photos_get: {
        parameters: {
            query?: {
                cursor?: string | null;
                limit?: number;
            };
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhotoPage"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_showcase_api_users__user_id__showcase_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Showcase"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    upload_photo_api_photos_upload_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_upload_photo_api_photos_upload_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Photo"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Unsupported media type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    list_photos_api_photos_get: {
        parameters: {
            query?: {
                cursor?: string | null;
                limit?: number;
                owner_id?: number | null;
                creator_id?: number | null;
                q?: string | null;
                favorites?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhotoPage"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_photo_api_photos__photo_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Photo"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    delete_photo_api_photos__photo_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    update_photo_api_photos__photo_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PhotoUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Photo"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_provenance_api_photos__photo_id__history_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProvenanceEntry"][];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_story_api_photos__photo_id__story_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Story"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    set_profile_hidden_api_photos__photo_id__profile_hidden_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileHiddenUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Photo"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    add_favorite_api_photos__photo_id__favorite_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FavoriteState"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    remove_favorite_api_photos__photo_id__favorite_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                photo_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FavoriteState"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    list_transfers_api_transfers_get: {
        parameters: {
            query?: {
                role?: "sent" | "received";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    create_transfer_api_transfers_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    pending_code_api_transfers_pending_code_get: {
        parameters: {
            query: {
                photo_id: number;
            };
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"] | null;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    replace_code_api_transfers__transfer_id__replace_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path: {
                transfer_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    claim_transfer_api_transfers_claim_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferClaim"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    preview_claim_api_transfers_claim_preview_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferClaim"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClaimPreview"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    cancel_transfer_api_transfers__transfer_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                transfer_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    return_gift_api_transfers__transfer_id__return_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                transfer_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    set_note_visibility_api_transfers__transfer_id__note_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                transfer_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferNoteUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transfer"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    transfer_qr_api_transfers__transfer_id__qr_png_get: {
        parameters: {
            query?: {
                /** @description as the X-Client-Host header, for <img src> (which sends no headers) */
                host?: ("max" | "telegram" | "web") | null;
            };
            header: {
                /** @description The item's secret token (claim code, open-trade token) */
                "x-link-token": string;
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path: {
                transfer_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    list_trades_api_trades_get: {
        parameters: {
            query?: {
                role?: "incoming" | "outgoing";
                status?: ("pending" | "accepted" | "declined" | "cancelled" | "expired" | "failed") | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TradeList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    propose_trade_api_trades_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TradeCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    trade_by_token_in_body_api_trades_by_token_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TradeLookup"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    get_trade_api_trades__trade_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trade_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    accept_trade_api_trades__trade_id__accept_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trade_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TradeAccept"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    decline_trade_api_trades__trade_id__decline_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trade_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    cancel_trade_api_trades__trade_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trade_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trade"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    trade_qr_api_trades__trade_id__qr_png_get: {
        parameters: {
            query?: {
                /** @description as the X-Client-Host header, for <img src> (which sends no headers) */
                host?: ("max" | "telegram" | "web") | null;
            };
            header: {
                /** @description The item's secret token (claim code, open-trade token) */
                "x-link-token": string;
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path: {
                trade_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    list_requests_api_profile_requests_get: {
        parameters: {
            query?: {
                role?: "incoming" | "outgoing";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileRequestList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    request_access_api_profile_requests_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileRequestCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileRequest"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileRequest"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    accept_request_api_profile_requests__request_id__accept_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileRequest"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    decline_request_api_profile_requests__request_id__decline_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileRequest"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    delete_request_api_profile_requests__request_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    app_link_qr_api_qr_png_get: {
        parameters: {
            query: {
                data: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    login_qr_png_api_auth_qr__request_id__qr_png_get: {
        parameters: {
            query?: {
                /** @description as the X-Client-Host header, for <img src> (which sends no headers) */
                host?: ("max" | "telegram" | "web") | null;
            };
            header?: {
                /** @description The desktop sign-in request's secret */
                "x-qr-secret"?: string | null;
                /** @description Where the client runs: deep links in the reply take that host's form (Max, Telegram, or the web app's own URL). Absent: the Max form when configured. `web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie. */
                "x-client-host"?: ("max" | "telegram" | "web") | null;
            };
            path: {
                request_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
    prepare_share_api_share_prepared_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreparedShare"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Not signed in, or the credentials are invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Invalid input (validation_error lists the fields, never their values) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
            /** @description A dependency is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOut"];
                };
            };
        };
    };
}
