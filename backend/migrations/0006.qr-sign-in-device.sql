-- QR sign-in approval shows what is signing in (issue 13.15): the desktop's address and
-- User-Agent, recorded when the request is made.
ALTER TABLE auth_qr_requests
    ADD COLUMN IF NOT EXISTS client_ip text,
    ADD COLUMN IF NOT EXISTS user_agent text NOT NULL DEFAULT '';
