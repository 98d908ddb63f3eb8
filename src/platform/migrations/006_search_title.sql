-- 006 search_title: queries of one or two characters (a surname, a whole
-- two-character name) find the titles that begin with them through this
-- index; the trigram indexes cannot answer them (src/search/search.c).
-- @sqlite
CREATE INDEX search_index_title ON search_index(title_norm);
-- @pg
CREATE INDEX search_index_title ON search_index(title_norm text_pattern_ops);
