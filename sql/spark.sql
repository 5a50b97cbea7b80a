-- Segmento RFM table from UCI-Online-Retail-layout transactions (Spark SQL
-- 3.4+ / Databricks). A translation of sql/duckdb.sql, which is the tested
-- one; see sql/README.md for the definitions and the differences.
--
-- Point `source` at your table; set params.reference_date to a DATE to fix it.

WITH
params AS (
    SELECT CAST(NULL AS DATE) AS reference_date,
           -- Rows dated outside this range are set aside as typos (a 9999
           -- would set everyone's recency), as the app's rule does.
           DATE '1990-01-01' AS earliest_date,
           date_add(current_date(), 365) AS latest_date
),
source AS (
    -- Every column as text; line_no follows the table's read order (use a
    -- load-order column instead if yours has one).
    SELECT
        CAST(InvoiceNo AS STRING) AS InvoiceNo,
        CAST(StockCode AS STRING) AS StockCode,
        CAST(Description AS STRING) AS Description,
        CAST(Quantity AS STRING) AS Quantity,
        CAST(InvoiceDate AS STRING) AS InvoiceDate,
        CAST(UnitPrice AS STRING) AS UnitPrice,
        CAST(CustomerID AS STRING) AS CustomerID,
        CAST(Country AS STRING) AS Country,
        monotonically_increasing_id() AS line_no
    FROM transactions
),
typed AS (
    SELECT
        line_no,
        InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country,
        NULLIF(trim(InvoiceNo), '') AS invoice,
        try_cast(trim(Quantity) AS DOUBLE) AS qty,
        try_cast(trim(UnitPrice) AS DOUBLE) AS price,
        coalesce(
            try_to_timestamp(trim(InvoiceDate), 'M/d/yyyy H:mm'),
            try_to_timestamp(trim(InvoiceDate), 'M/d/yyyy H:mm:ss'),
            try_to_timestamp(trim(InvoiceDate), 'yyyy-MM-dd HH:mm:ss'),
            try_to_timestamp(trim(InvoiceDate), 'yyyy-MM-dd')
        ) AS invoice_at,
        CASE
            WHEN lower(trim(coalesce(CustomerID, '')))
                 IN ('', 'nan', 'null', 'none', 'n/a', 'na', '-', '#n/a') THEN NULL
            -- Excel-style ids: 17850.0 -> 17850.
            WHEN trim(CustomerID) RLIKE '^[0-9]+[.]0+$'
                THEN substring_index(trim(CustomerID), '.', 1)
            WHEN instr(trim(CustomerID), '@') > 0 THEN lower(trim(CustomerID))
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
      AND NOT (coalesce(invoice, '') RLIKE '^[Cc][0-9]+$')
      AND qty >= 0
      AND price > 0
      AND to_date(invoice_at) BETWEEN (SELECT earliest_date FROM params) AND (SELECT latest_date FROM params)
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
    GROUP BY customer_key, coalesce(invoice, concat('line ', CAST(line_no AS STRING)))
),
reference AS (
    SELECT coalesce(
        (SELECT reference_date FROM params),
        date_add(to_date(max(purchase_at)), 1)
    ) AS reference_date
    FROM purchases
),
countries AS (
    -- Country of the customer's first kept line that has one.
    SELECT customer_key AS customer_id, min_by(country_name, line_no) AS country
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
    datediff(r.reference_date, max(to_date(p.purchase_at))) AS recency_days,
    count(*) AS frequency,
    round(sum(p.amount), 2) AS monetary,
    c.country,
    r.reference_date
FROM purchases p
CROSS JOIN reference r
LEFT JOIN countries c ON c.customer_id = p.customer_id
JOIN first_seen f ON f.customer_id = p.customer_id
WHERE to_date(p.purchase_at) < r.reference_date
GROUP BY p.customer_id, c.country, r.reference_date, f.first_line
-- Customers in order of first appearance, like the app (k-means seeding
-- depends on row order, so this keeps the clusters identical).
ORDER BY f.first_line;
