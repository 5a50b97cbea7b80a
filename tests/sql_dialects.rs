//! Cheap syntactic check that the three SQL dialect files keep the same
//! structure: the same CTEs in the same order, the same output columns and a
//! `reference_date` parameter that defaults to NULL. Only sql/duckdb.sql is
//! run (tests/reference/check_sql.sh); the others must not drift from it.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

fn read(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/sql/{name}")).unwrap()
}

/// Names of the CTEs: lines of the form `name AS (` at the start of a line.
fn cte_names(sql: &str) -> Vec<String> {
    sql.lines()
        .filter_map(|line| line.strip_suffix(" AS ("))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .map(str::to_string)
        .collect()
}

/// The aliases of the final SELECT (after the last CTE closes).
fn output_aliases(sql: &str) -> Vec<String> {
    let final_select = sql.rsplit_once("\n)\nSELECT").map(|(_, s)| s).unwrap();
    let columns = final_select.split("\nFROM ").next().unwrap();
    columns
        .split(",\n")
        .map(|column| {
            let column = column.trim();
            let alias = column.rsplit(' ').next().unwrap();
            alias.rsplit('.').next().unwrap().to_string()
        })
        .collect()
}

const FILES: [&str; 3] = ["duckdb.sql", "bigquery.sql", "spark.sql"];

#[test]
fn dialects_share_the_cte_names() {
    let duckdb = cte_names(&read("duckdb.sql"));
    assert_eq!(duckdb.first().map(String::as_str), Some("params"));
    assert_eq!(duckdb.get(1).map(String::as_str), Some("source"));
    assert!(duckdb.len() >= 5, "{duckdb:?}");
    for file in FILES {
        assert_eq!(cte_names(&read(file)), duckdb, "{file}");
    }
}

#[test]
fn dialects_share_the_output_columns_and_parameter() {
    for file in FILES {
        let sql = read(file);
        assert_eq!(
            output_aliases(&sql),
            [
                "customer_id",
                "recency_days",
                "frequency",
                "monetary",
                "country",
                "reference_date"
            ],
            "{file}"
        );
        assert!(
            sql.contains("SELECT CAST(NULL AS DATE) AS reference_date"),
            "{file}: reference_date defaults to NULL"
        );
        assert!(sql.contains("'^[Cc][0-9]+$'"), "{file}: cancellation rule");
        assert!(
            sql.contains("qty >= 0") && sql.contains("price > 0"),
            "{file}"
        );
    }
}
