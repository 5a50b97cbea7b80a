//! The ZIP reader on an archive written by Python's zipfile
//! (tests/reference/make_archives.py), not by the code under test.

use segmento::engine::container::zip::{data_offset, find_directory, members, Method, TAIL_LEN};
use segmento::engine::container::{choose_member, Archive, Wrapper};

const ARCHIVE: &[u8] = include_bytes!("fixtures/sample_export.zip");

#[test]
fn a_python_zip_lists_its_members_and_their_bytes() {
    assert_eq!(Wrapper::of(ARCHIVE), Wrapper::Zip);
    let size = ARCHIVE.len() as u64;
    let tail_start = size.saturating_sub(TAIL_LEN);
    let directory = find_directory(&ARCHIVE[tail_start as usize..], tail_start, size).unwrap();
    assert_eq!(directory.members, 3);
    let start = directory.offset as usize;
    let listed = members(&ARCHIVE[start..start + directory.len as usize]).unwrap();
    let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["README.txt", "export/orders.csv", "export/refunds.csv"]
    );
    assert_eq!(
        Archive::of(&listed).unwrap(),
        Archive::Text {
            names: vec![
                "README.txt".into(),
                "export/orders.csv".into(),
                "export/refunds.csv".into()
            ]
        }
    );
    // The default is the largest text member: the orders, deflated.
    let orders = choose_member(&listed, None).unwrap();
    assert_eq!(orders.name, "export/orders.csv");
    assert_eq!(orders.method, Method::Deflated);
    assert_eq!(
        orders.uncompressed_size,
        std::fs::metadata("public/sample.csv").unwrap().len()
    );
    // A stored member's bytes are the file itself.
    let refunds = choose_member(&listed, Some("export/refunds.csv")).unwrap();
    assert_eq!(refunds.method, Method::Stored);
    let at =
        data_offset(refunds, &ARCHIVE[refunds.local_header_offset as usize..]).unwrap() as usize;
    assert_eq!(
        &ARCHIVE[at..at + refunds.compressed_size as usize],
        b"customer_id,date,amount\n12347,2011-01-05,10.00\n12348,2011-02-07,22.50\n"
    );
    // The deflated member ends where the next local header starts.
    let orders_at = data_offset(orders, &ARCHIVE[orders.local_header_offset as usize..]).unwrap();
    assert_eq!(
        orders_at + orders.compressed_size,
        refunds.local_header_offset
    );
}
