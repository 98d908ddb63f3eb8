-- 013 inbox: notifications per user, shown in the application (/inbox) and
-- sent by e-mail when the user has an address and smtp_url is set
-- (src/platform/inbox.c, mail.c). subject_key is a message catalog key,
-- rendered in the reader's language when shown; detail is plain text; link
-- a local path. mail_outbox holds each e-mail, composed in the recipient's
-- language when queued, until the sender thread delivers it.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notifications (
	id @ID,
	user_id @BIGINT NOT NULL REFERENCES users(id),
	created_at @BIGINT NOT NULL,
	kind TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	read_at @BIGINT
);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE mail_outbox (
	id @ID,
	notification_id @BIGINT REFERENCES notifications(id),
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at @BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at @BIGINT NOT NULL,
	sent_at @BIGINT,
	error TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox(sent_at, next_at);
