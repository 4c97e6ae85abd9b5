-- Indexes of the geocoder: exact and prefix matches on folded street names and house
-- numbers, and the plain house numbers of a street by value for interpolation.

-- +goose Up
-- Named streets only: alleys are named after their street ("Hẻm 12 Sông Đà"), so in an
-- index of all names every alley of a street matches the street's name. text_pattern_ops
-- lets LIKE 'prefix%' use the index whatever the database's collation.
CREATE INDEX streets_name_norm ON streets (name_norm text_pattern_ops) WHERE kind = 'street';
CREATE INDEX streets_street_name_trgm ON streets USING gin (name_norm gin_trgm_ops) WHERE kind = 'street';
CREATE INDEX addresses_street_house_prefix ON addresses (street_id, house_number text_pattern_ops);
-- A plain number ("123", "123A") is a house on the street itself; a number with an alley
-- path is off the street and takes no part in interpolating along it.
CREATE INDEX addresses_street_number ON addresses (street_id, (substring(house_number FROM '^[0-9]+')::int))
	WHERE house_number ~ '^[0-9]+[A-Z]?$';

-- +goose Down
DROP INDEX addresses_street_number;
DROP INDEX addresses_street_house_prefix;
DROP INDEX streets_street_name_trgm;
DROP INDEX streets_name_norm;
