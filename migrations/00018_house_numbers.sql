-- House numbers as people write them ("120 bis", "25b", "176-181", "K448 H20/2", "số 5 ngõ 12
-- ngách 3", "Ngõ 100", "Lô B2", "Km 7+500"): kept verbatim in house_number, and matched by
-- their canonical form in number_norm.

-- +goose Up
-- house_number_norm is the canonical form of a house number, NULL when the text is not one.
-- It is the twin of Go's address.NormHouseNumber (address/housenumber_read.go, whose comments
-- explain each step): the two must agree on every input, and store's tests run the shared
-- cases of internal/housenumbers/cases.json and thousands of random ones through both.
-- Canonical forms: "12A", "120BIS", "176-181", "12/3/5" (the alley path, outermost first, then
-- the house), "ALLEY:100", "LOT:B2", "KM:7+500".
-- +goose StatementBegin
CREATE FUNCTION house_number_norm(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	s text;
	toks text[];
	n int;
	i int := 1;
	tk text;
	has_house bool := false;
	house text[];
	-- the alleys by depth: ngõ and kiệt, then ngách, then hẻm; kept in the order read
	alley0 text[] := '{}';
	alley1 text[] := '{}';
	alley2 text[] := '{}';
	rank int;
	abbr bool;
	path text[];
	prefixed bool[];
	pre bool;
	k int;
	num text;
	suf text;
	low text;
	high text;
	lown int;
	highn int;
	start int;
	v text;
BEGIN
	IF char_length(t) > 64 OR t ~ '[\u0001-\u001f\u007f-\u009f]' THEN
		RETURN NULL;
	END IF;
	-- the common case, already canonical: 12, 12A, 123/45/6A
	IF t ~ '^[1-9][0-9]{0,5}[A-Z]?(/[1-9][0-9]{0,5}[A-Z]?)*$' THEN
		RETURN t;
	END IF;
	s := translate(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'),
		E'đðĐÐ\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u2010\u2011\u2012\u2013\u2014\u2015\u2212',
		'DDDD                -------');
	IF s ~ '[^A-Za-z0-9 ,;./+:-]' THEN
		RETURN NULL;
	END IF;
	s := translate(s, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
	toks := ARRAY(SELECT m[1] FROM regexp_matches(s, '([A-Z]+|[0-9]+|[^A-Z0-9 ])', 'g') WITH ORDINALITY AS x(m, o) ORDER BY o);
	n := cardinality(toks);
	WHILE i <= n LOOP
		tk := toks[i];
		IF tk IN (',', ';', '.') THEN
			i := i + 1;
			CONTINUE;
		ELSIF tk IN ('SO', 'SN', 'NO', 'NHA') THEN
			WHILE i <= n AND toks[i] IN ('SO', 'SN', 'NO', 'NHA') LOOP
				i := i + 1;
			END LOOP;
			rank := -1;
			abbr := false;
		ELSIF tk IN ('NGO', 'KIET', 'K', 'ALLEY', 'NGACH', 'H', 'HEM') THEN
			rank := CASE WHEN tk IN ('NGACH', 'H') THEN 1 WHEN tk = 'HEM' THEN 2 ELSE 0 END;
			abbr := length(tk) = 1;
			i := i + 1;
		ELSIF tk IN ('LO', 'LOT', 'KM') THEN
			-- a lot or a kilometre mark: the only item
			IF has_house OR cardinality(alley0 || alley1 || alley2) > 0 THEN
				RETURN NULL;
			END IF;
			i := i + 1;
			WHILE i <= n AND toks[i] IN ('.', ':') LOOP
				i := i + 1;
			END LOOP;
			start := i;
			IF tk = 'KM' THEN
				IF i > n OR toks[i] !~ '^[0-9]' OR length(toks[i]) > 6 THEN
					RETURN NULL;
				END IF;
				v := toks[i]::int::text;
				i := i + 1;
				IF i + 1 <= n AND toks[i] IN ('+', '.') AND toks[i + 1] ~ '^[0-9]' AND length(toks[i + 1]) <= 6 THEN
					v := v || toks[i] || toks[i + 1];
					i := i + 2;
				END IF;
				v := 'KM:' || v;
			ELSE
				WHILE i <= n AND (toks[i] ~ '^[0-9]'
						OR toks[i] ~ '^[A-Z]' AND length(toks[i]) <= 2 AND NOT (i > start AND toks[i - 1] ~ '^[A-Z]')
						OR i > start AND toks[i] IN ('-', '/', '.')) LOOP
					i := i + 1;
				END LOOP;
				WHILE i > start AND toks[i - 1] !~ '^[A-Z0-9]' LOOP
					i := i - 1;
				END LOOP;
				v := array_to_string(toks[start:i - 1], '');
				IF v !~ '[0-9]' THEN
					RETURN NULL;
				END IF;
				v := 'LOT:' || v;
			END IF;
			WHILE i <= n LOOP
				IF toks[i] NOT IN (',', ';', '.') THEN
					RETURN NULL;
				END IF;
				i := i + 1;
			END LOOP;
			RETURN CASE WHEN char_length(v) <= 64 THEN v END;
		ELSIF tk ~ '^[0-9]' THEN
			rank := -1;
			abbr := false;
		ELSE
			RETURN NULL;
		END IF;
		WHILE i <= n AND toks[i] IN ('.', ':') AND tk !~ '^[0-9]' LOOP
			i := i + 1;
		END LOOP;
		-- a path: numbers joined by "/", each after the first maybe with a glued K or H
		path := '{}';
		prefixed := '{}';
		LOOP
			pre := false;
			IF cardinality(path) > 0 AND i + 1 <= n AND toks[i] IN ('K', 'H') AND toks[i + 1] ~ '^[0-9]' THEN
				pre := true;
				i := i + 1;
			END IF;
			IF i > n OR toks[i] !~ '^[0-9]' THEN
				RETURN NULL;
			END IF;
			-- an element: a number with its suffix, or a range of two
			k := 0;
			LOOP
				num := toks[i];
				IF length(num) > 6 THEN
					RETURN NULL;
				END IF;
				i := i + 1;
				suf := '';
				WHILE i <= n AND toks[i] ~ '^[A-Z]'
						AND NOT (toks[i] IN ('K', 'H') AND i + 1 <= n AND toks[i + 1] ~ '^[0-9]')
						AND toks[i] NOT IN ('SO', 'SN', 'NO', 'NHA', 'NGO', 'KIET', 'ALLEY', 'NGACH', 'HEM', 'LO', 'LOT', 'KM') LOOP
					suf := suf || toks[i];
					i := i + 1;
				END LOOP;
				IF suf !~ '^[A-Z]?((BIS|TER)[A-Z]?)?$' THEN
					RETURN NULL;
				END IF;
				IF k = 0 THEN
					lown := num::int;
					low := lown::text || suf;
				ELSE
					highn := num::int;
					high := highn::text || suf;
				END IF;
				k := k + 1;
				EXIT WHEN k = 2 OR i + 1 > n OR toks[i] <> '-' OR toks[i + 1] !~ '^[0-9]';
				i := i + 1;
			END LOOP;
			IF k = 2 THEN
				IF lown > highn OR lown = highn AND low COLLATE "C" > high COLLATE "C" THEN
					v := low;
					low := high;
					high := v;
				END IF;
				IF low <> high THEN
					low := low || '-' || high;
				END IF;
			END IF;
			path := path || low;
			prefixed := prefixed || pre;
			EXIT WHEN i > n OR toks[i] <> '/';
			i := i + 1;
		END LOOP;
		-- K448/H20/2: after a glued K or H, a last number without a letter is the house
		IF abbr AND cardinality(path) > 1 AND NOT prefixed[cardinality(path)] THEN
			IF has_house THEN
				RETURN NULL;
			END IF;
			has_house := true;
			house := path[cardinality(path):];
			path := path[:cardinality(path) - 1];
		END IF;
		IF rank < 0 THEN
			IF has_house THEN
				RETURN NULL;
			END IF;
			has_house := true;
			house := path;
		ELSIF rank = 0 THEN
			alley0 := alley0 || path;
		ELSIF rank = 1 THEN
			alley1 := alley1 || path;
		ELSE
			alley2 := alley2 || path;
		END IF;
	END LOOP;
	IF has_house THEN
		v := array_to_string(alley0 || alley1 || alley2 || house, '/');
	ELSIF cardinality(alley0 || alley1 || alley2) > 0 THEN
		v := 'ALLEY:' || array_to_string(alley0 || alley1 || alley2, '/');
	ELSE
		RETURN NULL;
	END IF;
	-- the canonical form is no longer than the text may be, so that it reads as itself
	RETURN CASE WHEN char_length(v) <= 64 THEN v END;
END $$;
-- +goose StatementEnd

-- house_number is kept as written; the rule is only that it be text a person could read and
-- a house number house_number_norm understands. The constraint keeps the name PostgreSQL gave
-- the one it replaces (00004).
ALTER TABLE addresses DROP CONSTRAINT addresses_house_number_check;
ALTER TABLE addresses ADD CONSTRAINT addresses_house_number_check CHECK (
	btrim(house_number) <> '' AND house_number !~ '[\u0001-\u001f\u007f-\u009f]'
	AND char_length(house_number) <= 64 AND house_number_norm(house_number) IS NOT NULL);

-- number_norm is derived, so addresses_history does not keep it (as with geom_3857, 00008):
-- record_changes copies the columns both tables share by name, and as-of reads select only
-- those; a past version's canonical number is house_number_norm(house_number). In the "C"
-- collation one b-tree serves equality, prefix LIKE and ORDER BY in the canonical form's order.
ALTER TABLE addresses ADD COLUMN number_norm text COLLATE "C"
	GENERATED ALWAYS AS (house_number_norm(house_number)) STORED;

-- One house per canonical number on a street: "25B" and "25b" are the same house. The
-- constraint keeps its name.
ALTER TABLE addresses DROP CONSTRAINT addresses_number_key;
ALTER TABLE addresses ADD CONSTRAINT addresses_number_key UNIQUE (street_id, number_norm);

-- Interpolation (store/geocode.go sqlInterpolate) along a street by its plain numbers, now read
-- from the canonical form, so that "25b" takes part as 25B does.
DROP INDEX addresses_street_number;
CREATE INDEX addresses_street_number ON addresses (street_id, (substring(number_norm FROM '^[0-9]+')::int))
	WHERE number_norm ~ '^[0-9]+[A-Z]?$';

-- +goose Down
DROP INDEX addresses_street_number;
CREATE INDEX addresses_street_number ON addresses (street_id, (substring(house_number FROM '^[0-9]+')::int))
	WHERE house_number ~ '^[0-9]+[A-Z]?$';
ALTER TABLE addresses DROP CONSTRAINT addresses_number_key;
ALTER TABLE addresses ADD CONSTRAINT addresses_number_key UNIQUE (street_id, house_number);
ALTER TABLE addresses DROP COLUMN number_norm;
ALTER TABLE addresses DROP CONSTRAINT addresses_house_number_check;
ALTER TABLE addresses ADD CONSTRAINT addresses_house_number_check CHECK (house_number ~ '^[0-9]+[A-Z]?(/[0-9]+[A-Z]?)*$');
DROP FUNCTION house_number_norm(text);
