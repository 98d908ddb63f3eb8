-- 002 imports: an uploaded file waiting between the preview and the import.
-- Rows older than an hour are deleted when the next upload arrives.
CREATE TABLE imports (
	id @ID,
	user_id @BIGINT NOT NULL REFERENCES users(id),
	type TEXT NOT NULL,
	filename TEXT NOT NULL,
	data TEXT NOT NULL, -- base64 of the file as uploaded
	created_at @BIGINT NOT NULL
);
