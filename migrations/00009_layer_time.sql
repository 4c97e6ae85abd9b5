-- +goose Up
-- The columns that say when a layer's rows are valid, for OGC API – Features' datetime
-- parameter: a row is valid from time_start (inclusive) until time_end (exclusive; NULL means
-- still valid). A layer with time_start only has instants, such as a plan's decision date.
ALTER TABLE layers
	ADD COLUMN time_start text,
	ADD COLUMN time_end text,
	ADD CHECK (time_end IS NULL OR time_start IS NOT NULL);
UPDATE layers SET time_start = 'valid_from', time_end = 'valid_to' WHERE name IN ('wards', 'wards_2024');
UPDATE layers SET time_start = 'decision_date' WHERE name = 'plans';

-- +goose Down
ALTER TABLE layers DROP COLUMN time_end, DROP COLUMN time_start;
