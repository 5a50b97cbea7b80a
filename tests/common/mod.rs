//! Test files shared by the ingest integration tests.

/// UCI-layout rows with every kind of trouble (an exact duplicate right
/// after its row, cancellations, returns, missing customers, bad dates,
/// short rows, free items, lines without an invoice, descriptions with a
/// line break, empty countries), repeated for many customers.
pub fn troubled_file(rows: u32) -> String {
    let mut csv = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    for i in 0..rows {
        let customer = 12000 + i % 97;
        let invoice = 500000 + i / 3;
        let day = 1 + i % 28;
        let month = 1 + i % 12;
        let line =
            format!(
            "{invoice},A{i},\"MUG,\nRED\",{},{month}/{day}/2011 10:{:02},{}.3,{customer}.0,{}\n",
            1 + i % 7,
            i % 60,
            i % 9,
            if i % 13 == 0 { String::new() } else { format!("Country {}", i % 5) }
        );
        csv.push_str(&line);
        match i % 11 {
            0 => csv.push_str(&line),
            1 => csv.push_str(&format!(
                "C{invoice},D,Discount,-1,{month}/{day}/2011 11:00,2.5,{customer},X\n"
            )),
            2 => csv.push_str(&format!(
                "{invoice},B,RETURN,-2,{month}/{day}/2011 11:00,2.5,{customer},X\n"
            )),
            3 => csv.push_str(&format!(
                "{invoice},B,NOBODY,2,{month}/{day}/2011 11:00,2.5,,X\n"
            )),
            4 => csv.push_str(&format!(
                "{invoice},B,BAD DATE,2,13/45/2011 11:00,2.5,{customer},X\n"
            )),
            5 => csv.push_str(&format!("{invoice},B,SHORT,2\n")),
            6 => csv.push_str(&format!(
                "{invoice},B,FREE,2,{month}/{day}/2011 11:00,0,{customer},X\n"
            )),
            7 => csv.push_str(&format!(
                ",B,NO INVOICE,1,{month}/{day}/2011 12:00,4.1,{customer},X\n"
            )),
            _ => {}
        }
    }
    csv
}
