-- bench/overlaps: a feature's life dates in SQL, read from the same fields
-- as the server's loader (geo/loader.cpp parse_contract_dates and
-- parse_life_dates, geo/dates.cpp), so that PostGIS answers as_of and the
-- timeline with the same rule as geo::in_force. A line-by-line port, not
-- a reinterpretation: where the C++ rejects a text, these return NULL.

-- A calendar date, or NULL (years 1800-2200, as valid_ymd).
CREATE FUNCTION bench_ymd(y int, m int, d int) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF y IS NULL OR y < 1800 OR y > 2200 OR m < 1 OR m > 12 OR d < 1 THEN RETURN NULL; END IF;
    IF d > extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN RETURN NULL; END IF;
    RETURN make_date(y, m, d);
END $$;

-- from_chars on a run of digits: 0 when it does not fit an int.
CREATE FUNCTION bench_int(s text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN length(s) <= 9 THEN s::int ELSE 0 END
$$;

-- geo::parse_date: three tokens split on / - . or space, each all digits
-- or all letters; y/m/d, d/m/y (day first), or d/Mon/y; a two-digit year
-- is 19xx from 70, 20xx below.
CREATE FUNCTION bench_parse_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    p text[];
    y int;
    m int;
BEGIN
    IF t IS NULL THEN RETURN NULL; END IF;
    p := array_remove(regexp_split_to_array(t, '[-/. ]+'), '');
    IF coalesce(array_length(p, 1), 0) <> 3 THEN RETURN NULL; END IF;
    FOR i IN 1..3 LOOP
        IF p[i] !~ '^([0-9]+|[A-Za-z]+)$' THEN RETURN NULL; END IF;
    END LOOP;
    y := CASE length(p[3]) WHEN 2 THEN bench_int(p[3]) + CASE WHEN bench_int(p[3]) < 70 THEN 2000 ELSE 1900 END
                           WHEN 4 THEN bench_int(p[3]) END;
    IF p[1] ~ '^[0-9]' AND p[2] ~ '^[0-9]' AND p[3] ~ '^[0-9]' THEN
        IF length(p[1]) = 4 THEN RETURN bench_ymd(bench_int(p[1]), bench_int(p[2]), bench_int(p[3])); END IF;
        IF length(p[1]) <= 2 AND length(p[2]) <= 2 THEN RETURN bench_ymd(y, bench_int(p[2]), bench_int(p[1])); END IF;
        RETURN NULL;
    END IF;
    IF p[1] ~ '^[0-9]' AND p[2] ~ '^[A-Za-z]' AND p[3] ~ '^[0-9]' AND length(p[1]) <= 2 THEN
        m := array_position(ARRAY['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
                            lower(left(p[2], 3)));
        IF length(p[2]) < 3 OR m IS NULL THEN RETURN NULL; END IF;
        RETURN bench_ymd(y, m, bench_int(p[1]));
    END IF;
    RETURN NULL;
END $$;

-- geo::earliest_date_in: the earliest yyyy-mm-dd or d.m.yyyy (any of . / -
-- _ between) starting where a run of digits starts, not running on into
-- more digits: Sub_Decree_No_124__16.08.2012.pdf -> 2012-08-16.
CREATE FUNCTION bench_earliest_date_in(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    best date;
    found date;
    s text;
    g text[];
BEGIN
    IF t IS NULL THEN RETURN NULL; END IF;
    FOR i IN 1..length(t) LOOP
        CONTINUE WHEN substr(t, i, 1) !~ '[0-9]' OR (i > 1 AND substr(t, i - 1, 1) ~ '[0-9]');
        s := substr(t, i);
        found := NULL;
        g := regexp_match(s, '^([0-9]{4})[-._/]([0-9]{1,2})[-._/]([0-9]{1,2})(?![0-9])');
        IF g IS NOT NULL THEN
            found := bench_ymd(g[1]::int, g[2]::int, g[3]::int);
        ELSE
            g := regexp_match(s, '^([0-9]{1,2})[-._/]([0-9]{1,2})[-._/]([0-9]{4})(?![0-9])');
            IF g IS NOT NULL THEN found := bench_ymd(g[3]::int, g[2]::int, g[1]::int); END IF;
        END IF;
        IF found IS NOT NULL AND (best IS NULL OR found < best) THEN best := found; END IF;
    END LOOP;
    RETURN best;
END $$;

-- geo::parse_term on a text: "70", "2 years", "2 months", "1 year 6
-- months" (a bare number is years and ends the term) as an interval; NULL
-- for 0, empty, the sources' words for none, and anything unreadable.
CREATE FUNCTION bench_parse_term(t text) RETURNS interval LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    rest text := t;
    g text[];
    unit text;
    years int := 0;
    months int := 0;
    any_part boolean := false;
BEGIN
    IF t IS NULL OR lower(t) IN ('not found', 'unknown', 'n/a', 'na', '-') THEN RETURN NULL; END IF;
    LOOP
        rest := regexp_replace(rest, '^\s+', '');
        EXIT WHEN rest = '';
        g := regexp_match(rest, '^(([0-9]+)\s*([A-Za-z]*))');
        IF g IS NULL OR length(g[2]) > 4 THEN RETURN NULL; END IF;
        unit := lower(g[3]);
        rest := substr(rest, length(g[1]) + 1);
        IF unit IN ('', 'year', 'years', 'yr', 'yrs') THEN
            years := years + g[2]::int;
        ELSIF unit IN ('month', 'months') THEN
            months := months + g[2]::int;
        ELSE
            RETURN NULL;
        END IF;
        any_part := true;
        EXIT WHEN unit = '';
    END LOOP;
    IF regexp_replace(rest, '^\s+', '') <> '' OR NOT any_part OR (years = 0 AND months = 0) THEN RETURN NULL; END IF;
    RETURN make_interval(years => years, months => months);
END $$;

-- parse_life_dates' term of a duration field of any type: a whole number
-- 1-999 of years (integer, or a real with no fraction), or a text term.
CREATE FUNCTION bench_term(v anyelement) RETURNS interval LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF v IS NULL THEN RETURN NULL; END IF;
    IF pg_typeof(v) IN ('integer'::regtype, 'bigint'::regtype, 'smallint'::regtype, 'numeric'::regtype,
                        'double precision'::regtype, 'real'::regtype) THEN
        IF v::float8 >= 1 AND v::float8 < 1000 AND v::float8 = floor(v::float8) THEN
            RETURN make_interval(years => v::float8::int);
        END IF;
        RETURN NULL;
    END IF;
    RETURN bench_parse_term(v::text);
END $$;
