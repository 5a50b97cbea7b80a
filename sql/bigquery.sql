-- Segmento RFM table from UCI-Online-Retail-layout transactions (BigQuery
-- GoogleSQL). A translation of sql/duckdb.sql, which is the tested one; see
-- sql/README.md for the definitions and the differences.
--
-- Point `source` at your table; set params.reference_date to a DATE to fix it.

WITH
params AS (
    SELECT CAST(NULL AS DATE) AS reference_date,
           -- Rows dated outside this range are set aside as typos (a 9999
           -- would set everyone's recency), as the app's rule does.
           DATE '1990-01-01' AS earliest_date,
           DATE_ADD(CURRENT_DATE(), INTERVAL 365 DAY) AS latest_date
),
source AS (
    -- Every column as text. A table has no file order: if yours has a
    -- load-order column, order line_no by it instead.
    SELECT
        CAST(InvoiceNo AS STRING) AS InvoiceNo,
        CAST(StockCode AS STRING) AS StockCode,
        CAST(Description AS STRING) AS Description,
        CAST(Quantity AS STRING) AS Quantity,
        CAST(InvoiceDate AS STRING) AS InvoiceDate,
        CAST(UnitPrice AS STRING) AS UnitPrice,
        CAST(CustomerID AS STRING) AS CustomerID,
        CAST(Country AS STRING) AS Country,
        ROW_NUMBER() OVER (ORDER BY InvoiceDate, InvoiceNo, StockCode) AS line_no
    FROM `my_project.my_dataset.transactions`
),
typed AS (
    SELECT
        line_no,
        InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country,
        NULLIF(TRIM(InvoiceNo), '') AS invoice,
        SAFE_CAST(TRIM(Quantity) AS FLOAT64) AS qty,
        SAFE_CAST(TRIM(UnitPrice) AS FLOAT64) AS price,
        COALESCE(
            SAFE.PARSE_DATETIME('%m/%d/%Y %H:%M', TRIM(InvoiceDate)),
            SAFE.PARSE_DATETIME('%m/%d/%Y %H:%M:%S', TRIM(InvoiceDate)),
            SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', TRIM(InvoiceDate)),
            -- TIMESTAMP columns cast to text carry a zone suffix.
            DATETIME(SAFE_CAST(TRIM(InvoiceDate) AS TIMESTAMP)),
            SAFE.PARSE_DATETIME('%Y-%m-%d', TRIM(InvoiceDate))
        ) AS invoice_at,
        CASE
            WHEN LOWER(TRIM(COALESCE(CustomerID, '')))
                 IN ('', 'nan', 'null', 'none', 'n/a', 'na', '-', '#n/a') THEN NULL
            -- Excel-style ids: 17850.0 -> 17850.
            WHEN REGEXP_CONTAINS(TRIM(CustomerID), r'^[0-9]+[.]0+$')
                THEN SPLIT(TRIM(CustomerID), '.')[OFFSET(0)]
            WHEN STRPOS(TRIM(CustomerID), '@') > 0 THEN LOWER(TRIM(CustomerID))
            ELSE TRIM(CustomerID)
        END AS customer_key,
        NULLIF(TRIM(Country), '') AS country_name
    FROM source
),
kept_candidates AS (
    -- Rows that pass the cleaning rules, numbered within groups of exact
    -- duplicate lines (window functions run after WHERE).
    SELECT *,
           ROW_NUMBER() OVER (
               PARTITION BY InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
                            CustomerID, Country
               ORDER BY line_no) AS copy_no
    FROM typed
    WHERE invoice_at IS NOT NULL AND qty IS NOT NULL AND price IS NOT NULL
      AND customer_key IS NOT NULL
      AND NOT REGEXP_CONTAINS(COALESCE(invoice, ''), r'^[Cc][0-9]+$')
      AND qty >= 0
      AND price > 0
      AND DATE(invoice_at) BETWEEN (SELECT earliest_date FROM params) AND (SELECT latest_date FROM params)
),
kept AS (
    -- First occurrence of each exact duplicate line.
    SELECT * FROM kept_candidates WHERE copy_no = 1
),
purchases AS (
    -- A line without an invoice number is a purchase of its own.
    SELECT customer_key AS customer_id,
           MIN(invoice_at) AS purchase_at,
           SUM(qty * price) AS amount
    FROM kept
    GROUP BY customer_key, COALESCE(invoice, CONCAT('line ', CAST(line_no AS STRING)))
),
reference AS (
    SELECT COALESCE(
        (SELECT reference_date FROM params),
        DATE_ADD(DATE(MAX(purchase_at)), INTERVAL 1 DAY)
    ) AS reference_date
    FROM purchases
),
countries AS (
    -- Country of the customer's first kept line that has one.
    SELECT customer_key AS customer_id,
           MIN_BY(country_name, line_no) AS country
    FROM kept
    WHERE country_name IS NOT NULL
    GROUP BY customer_key
),
first_seen AS (
    -- The customer's first kept line in the whole file, whatever the
    -- reference date: the app's order of customers.
    SELECT customer_key AS customer_id, MIN(line_no) AS first_line
    FROM kept
    GROUP BY customer_key
)
SELECT
    p.customer_id,
    DATE_DIFF(r.reference_date, MAX(DATE(p.purchase_at)), DAY) AS recency_days,
    COUNT(*) AS frequency,
    ROUND(SUM(p.amount), 2) AS monetary,
    c.country,
    r.reference_date
FROM purchases p
CROSS JOIN reference r
LEFT JOIN countries c ON c.customer_id = p.customer_id
JOIN first_seen f ON f.customer_id = p.customer_id
WHERE DATE(p.purchase_at) < r.reference_date
GROUP BY p.customer_id, c.country, r.reference_date, f.first_line
-- Customers in order of first appearance, like the app (k-means seeding
-- depends on row order, so this keeps the clusters identical).
ORDER BY f.first_line;
