-- Segmento RFM table from UCI-Online-Retail-layout transactions (DuckDB).
--
-- Same definitions and default cleaning rules as the Segmento app:
--   purchase  = one invoice of one customer (its lines summed; its time is
--               the earliest line's),
--   monetary  = total of Quantity × UnitPrice over the customer's purchases,
--   reference = the day after the last purchase date (or params.reference_date,
--               then only purchases dated before it count),
--   recency   = whole days from the last purchase date to the reference date.
-- Rows dropped: unparseable date/number, missing customer id, cancellations
-- (invoice 'C' + digits only), returns (Quantity < 0), UnitPrice <= 0, exact
-- duplicate lines. See sql/README.md.
--
-- Point `source` at your table; set params.reference_date to a DATE to fix it.
-- The CSV path below is replaced by tests/reference/check_sql.sh.

WITH
params AS (
    SELECT CAST(NULL AS DATE) AS reference_date,
           -- Rows dated outside this range are set aside as typos (a 9999
           -- would set everyone's recency), as the app's rule does.
           DATE '1990-01-01' AS earliest_date,
           current_date + 365 AS latest_date
),
source AS (
    -- Every column as text, in file order (line_no keeps "first country seen").
    SELECT *, row_number() OVER () AS line_no
    FROM read_csv('transactions.csv', header = true, all_varchar = true)
),
typed AS (
    SELECT
        line_no,
        -- Exact duplicates are judged on the raw text of the 8 fields.
        InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country,
        NULLIF(trim(InvoiceNo), '') AS invoice,
        TRY_CAST(trim(Quantity) AS DOUBLE) AS qty,
        TRY_CAST(trim(UnitPrice) AS DOUBLE) AS price,
        COALESCE(
            try_strptime(trim(InvoiceDate), '%m/%d/%Y %H:%M'),
            try_strptime(trim(InvoiceDate), '%m/%d/%Y %H:%M:%S'),
            try_strptime(trim(InvoiceDate), '%Y-%m-%d %H:%M:%S'),
            try_strptime(trim(InvoiceDate), '%Y-%m-%d')
        ) AS invoice_at,
        CASE
            WHEN lower(trim(COALESCE(CustomerID, '')))
                 IN ('', 'nan', 'null', 'none', 'n/a', 'na', '-', '#n/a') THEN NULL
            -- Excel-style ids: 17850.0 -> 17850.
            WHEN regexp_matches(trim(CustomerID), '^[0-9]+[.]0+$')
                THEN split_part(trim(CustomerID), '.', 1)
            WHEN contains(trim(CustomerID), '@') THEN lower(trim(CustomerID))
            ELSE trim(CustomerID)
        END AS customer_key,
        NULLIF(trim(Country), '') AS country_name
    FROM source
),
kept_candidates AS (
    -- Rows that pass the cleaning rules, numbered within groups of exact
    -- duplicate lines (window functions run after WHERE).
    SELECT *,
           row_number() OVER (
               PARTITION BY InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
                            CustomerID, Country
               ORDER BY line_no) AS copy_no
    FROM typed
    WHERE invoice_at IS NOT NULL AND qty IS NOT NULL AND price IS NOT NULL
      AND customer_key IS NOT NULL
      AND NOT regexp_matches(COALESCE(invoice, ''), '^[Cc][0-9]+$')
      AND qty >= 0
      AND price > 0
      AND CAST(invoice_at AS DATE) BETWEEN (SELECT earliest_date FROM params) AND (SELECT latest_date FROM params)
),
kept AS (
    -- First occurrence of each exact duplicate line.
    SELECT * FROM kept_candidates WHERE copy_no = 1
),
purchases AS (
    -- A line without an invoice number is a purchase of its own.
    SELECT customer_key AS customer_id,
           min(invoice_at) AS purchase_at,
           sum(qty * price) AS amount
    FROM kept
    GROUP BY customer_key, COALESCE(invoice, 'line ' || line_no)
),
reference AS (
    SELECT COALESCE(
        (SELECT reference_date FROM params),
        CAST(max(purchase_at) AS DATE) + 1
    ) AS reference_date
    FROM purchases
),
countries AS (
    -- Country of the customer's first kept line that has one.
    SELECT customer_key AS customer_id, arg_min(country_name, line_no) AS country
    FROM kept
    WHERE country_name IS NOT NULL
    GROUP BY customer_key
),
first_seen AS (
    -- The customer's first kept line in the whole file, whatever the
    -- reference date: the app's order of customers.
    SELECT customer_key AS customer_id, min(line_no) AS first_line
    FROM kept
    GROUP BY customer_key
)
SELECT
    p.customer_id,
    date_diff('day', max(CAST(p.purchase_at AS DATE)), r.reference_date) AS recency_days,
    count(*) AS frequency,
    round(sum(p.amount), 2) AS monetary,
    c.country,
    r.reference_date
FROM purchases p
CROSS JOIN reference r
LEFT JOIN countries c USING (customer_id)
JOIN first_seen f USING (customer_id)
WHERE CAST(p.purchase_at AS DATE) < r.reference_date
GROUP BY p.customer_id, c.country, r.reference_date, f.first_line
-- Customers in order of first appearance, like the app (k-means seeding
-- depends on row order, so this keeps the clusters identical).
ORDER BY f.first_line;
