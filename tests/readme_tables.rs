//! README.md carries the status tables generated from the crate's data,
//! between `<!-- status-tables:start -->` and `<!-- status-tables:end -->`.
//! This test fails when the two differ; run it with `UPDATE_README=1` to
//! rewrite that region from `getemms::status::markdown_tables`.

use std::path::Path;

const START: &str = "<!-- status-tables:start -->\n";
const END: &str = "<!-- status-tables:end -->";

/// What belongs between the markers: a blank line, the tables, a blank line.
fn generated_region() -> String {
    let mut tables = String::new();
    getemms::status::markdown_tables(&mut tables).expect("writing to a String cannot fail");
    format!("\n{tables}\n")
}

/// `(before, region, after)`: the README split around the marked region.
fn split_readme(readme: &str) -> (&str, &str, &str) {
    let start = readme
        .find(START)
        .map(|at| at + START.len())
        .expect("README.md lacks the <!-- status-tables:start --> line");
    let end = readme[start..]
        .find(END)
        .map(|at| start + at)
        .expect("README.md lacks <!-- status-tables:end --> after the start marker");
    (&readme[..start], &readme[start..end], &readme[end..])
}

#[test]
fn readme_status_tables_are_generated_from_the_data() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let (before, region, after) = split_readme(&readme);
    let expected = generated_region();
    if std::env::var_os("UPDATE_README").is_some_and(|value| value == "1") {
        std::fs::write(&path, format!("{before}{expected}{after}")).expect("README.md is writable");
        return;
    }
    assert!(
        region == expected,
        "README.md's status tables are stale; run `UPDATE_README=1 cargo test --test readme_tables`\n\
         --- README.md\n{region}\n--- generated\n{expected}"
    );
}

#[test]
fn generated_tables_hold_every_row() {
    let region = generated_region();
    let rows = |heading: &str| {
        let table = region
            .split("### ")
            .find(|section| section.starts_with(heading))
            .unwrap_or_else(|| panic!("no section {heading}"));
        table
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| Code "))
            .count()
    };
    // Rows of each table plus its two third-party ranges.
    assert_eq!(rows("Widevine license status"), 69 + 2);
    assert_eq!(rows("Widevine client status"), 48 + 5 + 2);
    assert_eq!(rows("DCP error codes"), 13);
    assert!(region.contains(
        "| 3 | `ASSET_SAVE_FAILED` | Servers-side database error: Asset save failed | server database |"
    ));
    assert!(region.contains(
        "| 1008 | `KEY_ERROR` | `WVMKStatus_Configuration_Error`, `WVMKStatus_Key_Error` | `WV_Status_Key_Error` | spec 1.3 |"
    ));
    assert!(region.contains(
        "| 512–768 | | 3 rd party-defined error codes (remove existing stored license, if any) |"
    ));
    // No cell can break the table: every row has the header's column count.
    for section in region.split("### ").skip(1) {
        let mut lines = section.lines().filter(|line| line.starts_with('|'));
        let columns = lines.next().map(|header| header.matches('|').count());
        for line in lines {
            assert_eq!(Some(line.matches('|').count()), columns, "{line}");
        }
    }
}
