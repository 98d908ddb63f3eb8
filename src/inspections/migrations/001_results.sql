-- 001 results: an inspection's result per checklist item (督查結果). The
-- inspections and checklist_items registers are created by the records
-- engine from their declarations (src/inspections/types.c); this table is
-- the module's own: one row per (inspection, item), written by the record
-- page (/inspections/{id}/record). passed 0 marks a failed item, from which
-- the rectification module raises an item. photos: ids of files attached to
-- the inspection (field 'result_photos'), as text "12,15" like an F_FILES
-- column.
CREATE TABLE inspection_results (
	id @ID,
	inspection_id @BIGINT NOT NULL,
	item_id @BIGINT NOT NULL,
	passed INTEGER NOT NULL DEFAULT 1,
	points DOUBLE PRECISION,
	note TEXT,
	photos TEXT,
	updated_at @BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX inspection_results_item ON inspection_results (inspection_id, item_id);
CREATE INDEX inspection_results_failed ON inspection_results (item_id, passed);
