-- Extensions and the text folding that address search and street names rely on.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- norm_text folds Vietnamese text for matching: NFC, diacritics and đ removed, lower case,
-- runs of white space made one. unaccent() is only STABLE (it reads a dictionary found
-- through search_path), so it cannot appear in an index or a generated column. This wrapper
-- names the dictionary with its schema and is declared IMMUTABLE, which holds as long as
-- unaccent.rules is not edited; if it ever is, rebuild the columns and indexes that use it.
-- +goose StatementBegin
CREATE FUNCTION norm_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, normalize(t, NFC))), '\s+', ' ', 'g'));
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION norm_text(text);
