//! `getemms explain`, `codes` and `ftp`: codes and names from every table,
//! ambiguous and unknown ones, and the tables as the README prints them.

use serde_json::{Value, json};

use crate::run::getemms;

/// `explain --format json` of `query`, with its exit status.
fn explain(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["explain", "--format", "json"];
    all.extend_from_slice(args);
    let run = getemms(&all);
    (run.code, run.json())
}

/// The `table` of every match.
fn tables(json: &Value) -> Vec<&str> {
    json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["table"].as_str().unwrap())
        .collect()
}

#[test]
fn a_code_in_every_table_where_it_means_something() {
    let (code, json) = explain(&["0"]);
    assert_eq!(code, 0);
    assert_eq!(tables(&json), ["license", "client", "dcp"]);
    assert_eq!(json["matches"][0]["description"], json!("Unknown"));
    assert_eq!(json["matches"][1]["name"], json!("WVMKStatus_Unknown"));

    let (_, json) = explain(&["550"]);
    assert_eq!(tables(&json), ["license", "client", "ftp"]);
    assert_eq!(json["matches"][2]["reply_code"], json!("550"));

    let (_, json) = explain(&["1008"]);
    assert_eq!(tables(&json), ["client"]);
    assert_eq!(json["matches"][0]["const_name"], json!("KEY_ERROR"));
    assert_eq!(
        json["matches"][0]["spec_names"],
        json!(["WVMKStatus_Configuration_Error", "WVMKStatus_Key_Error"])
    );
    assert_eq!(json["matches"][0]["sdk_name"], json!("WV_Status_Key_Error"));

    let (_, json) = explain(&["11", "--table", "dcp"]);
    assert_eq!(
        json["matches"],
        json!([{"table": "dcp", "code": 11, "name": "RDP_DETECTED", "description": "RDP detected"}])
    );

    let (_, json) = explain(&["599", "--table", "ftp"]);
    assert_eq!(json["matches"][0]["description"], json!("Misc. FTP error"));
}

#[test]
fn six_hundred_explains_the_third_party_range() {
    let (code, json) = explain(&["600"]);
    assert_eq!(code, 0);
    assert_eq!(tables(&json), ["license", "client"]);
    assert_eq!(
        json["matches"][0],
        json!({"table": "license", "code": 600, "name": null,
               "description": "3 rd party-defined error codes (remove existing stored license, if any)",
               "category": "third party", "stored_license": "remove"})
    );
    let text = getemms(&["explain", "600", "--table", "license"]).stdout;
    assert_eq!(
        text,
        "license status 600\n\
         \x20 name            none\n\
         \x20 description     3 rd party-defined error codes (remove existing stored license, if any)\n\
         \x20 category        third party\n\
         \x20 stored license  remove (third-party codes 512–768)\n"
    );
    let (_, json) = explain(&["800", "--table", "client"]);
    assert_eq!(json["matches"][0]["stored_license"], json!("retain"));
}

#[test]
fn names_from_every_table() {
    let cases: [(&str, &str, &str, Value); 9] = [
        (
            "importFailed",
            "package",
            "gui_status",
            json!("Pull Failed"),
        ),
        (
            "Pull Failed",
            "package",
            "id_statuses",
            json!(["importFailed"]),
        ),
        ("WVMKStatus_Key_Error", "client", "code", json!(1008)),
        ("KEY_ERROR", "client", "code", json!(1008)),
        ("wv_status_key_error", "client", "code", json!(1008)),
        ("ASSET_NOT_FOUND", "license", "code", json!(2)),
        ("Debugger detected", "dcp", "code", json!(2)),
        (
            "Need account for storing files",
            "ftp",
            "reply_code",
            json!("532"),
        ),
        ("5XX", "ftp", "description", json!("Misc. FTP error")),
    ];
    for (query, table, key, value) in cases {
        let (code, json) = explain(&[query]);
        assert_eq!(code, 0, "{query}");
        assert_eq!(tables(&json), [table], "{query}");
        assert_eq!(json["matches"][0][key], value, "{query}");
        let (code, only) = explain(&[query, "--table", table]);
        assert_eq!((code, &only["matches"]), (0, &json["matches"]), "{query}");
    }
    let text = getemms(&["explain", "Pull Failed"]).stdout;
    assert!(text.contains("  by id           importFailed\n"), "{text}");
    assert!(text.contains("  outcome         failed\n"), "{text}");
}

#[test]
fn an_ambiguous_name_lists_every_candidate() {
    let (code, json) = explain(&["WVMKStatus_Internal_Error"]);
    assert_eq!(code, 0);
    let codes: Vec<&Value> = json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["code"])
        .collect();
    assert_eq!(codes, [&json!(1006), &json!(2008)]);
    assert_eq!(
        json["ambiguous"],
        json!([
            "ambiguous name: WVMKStatus_Internal_Error stands for both 1006 and 2008 in the \
                client status table; choose by code"
        ])
    );
    let (_, json) = explain(&["WVMKStatus_Configuration_Error"]);
    let codes: Vec<&Value> = json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["code"])
        .collect();
    assert_eq!(codes, [&json!(1008), &json!(1017)]);
    let text = getemms(&["explain", "WVMKStatus_Internal_Error"]).stdout;
    assert!(
        text.starts_with("ambiguous name: WVMKStatus_Internal_Error"),
        "{text}"
    );
    assert!(text.contains("client status 1006\n") && text.contains("client status 2008\n"));
}

#[test]
fn unknown_codes_and_names_exit_1_with_the_nearest_ranges() {
    let (code, json) = explain(&["1234"]);
    assert_eq!(code, 1);
    assert_eq!(json["matches"], json!([]));
    assert_eq!(
        json["nearest"],
        json!([
            {"table": "license", "below": [769, 999], "above": null},
            {"table": "client", "below": [1000, 1017], "above": [2000, 2012]},
            {"table": "dcp", "below": [0, 12], "above": null},
        ])
    );
    let run = getemms(&["explain", "100"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("100: no table has a meaning for this code")
    );
    assert!(
        run.stdout
            .contains("  license status  nearest codes below: 0–68, above: 512–768"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "error: 100: not a code of any table\n");

    let run = getemms(&["explain", "NoSuchStatus"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "error: \"NoSuchStatus\": not a name of any table\n")
    );
    let run = getemms(&["explain", "1008", "--table", "license"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("nearest codes below: 769–999, above: none")
    );
    assert_eq!(getemms(&["explain", "1", "--table", "nope"]).code, 2);
}

/// A run of one code is shown as that code, not as a range from it to
/// itself: the client table has 200 alone (between 0 and 400–401) and 2014
/// alone (after 2000–2012).
#[test]
fn a_nearest_run_of_one_code_is_shown_as_the_code() {
    let run = getemms(&["explain", "300", "--table", "client"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "300: no table has a meaning for this code\n\
         \x20 client status   nearest codes below: 200, above: 400–401\n"
    );
    let run = getemms(&["explain", "2013", "--table", "client"]);
    assert_eq!(
        run.stdout,
        "2013: no table has a meaning for this code\n\
         \x20 client status   nearest codes below: 2000–2012, above: 2014\n"
    );
}

/// A client card lists the spec's names only when the 1.3 table gives the
/// code two (1008); a code with one spec name (1001) shows it as `name`
/// alone.
#[test]
fn a_client_card_lists_the_spec_names_only_when_there_are_two() {
    assert_eq!(
        getemms(&["explain", "1008", "--table", "client"]).stdout,
        "client status 1008\n\
         \x20 name            WVMKStatus_Key_Error\n\
         \x20 constant        KEY_ERROR\n\
         \x20 spec names      WVMKStatus_Configuration_Error, WVMKStatus_Key_Error\n\
         \x20 SDK name        WV_Status_Key_Error\n\
         \x20 source          spec 1.3\n\
         \x20 description     WVMKStatus_Configuration_Error / WVMKStatus_Key_Error\n"
    );
    assert_eq!(
        getemms(&["explain", "1001", "--table", "client"]).stdout,
        "client status 1001\n\
         \x20 name            WVMKStatus_Invalid_Data_Format\n\
         \x20 constant        INVALID_DATA_FORMAT\n\
         \x20 SDK name        WV_Status_Invalid_Data_Format\n\
         \x20 source          spec 1.3\n\
         \x20 description     WVMKStatus_Invalid_Data_Format\n"
    );
}

/// A warning of the later SDK (2014) says `warning yes` as the last line
/// of its card; the cards of other codes have no warning line (above).
#[test]
fn a_warning_code_says_so_on_its_card() {
    let card = getemms(&["explain", "2014", "--table", "client"]).stdout;
    assert!(card.starts_with("client status 2014\n"), "{card}");
    assert!(
        card.ends_with(
            "\n  description     WV_Status_Warning_ContinuityErrorCounter\n\
             \x20 warning         yes\n"
        ),
        "{card}"
    );
}

#[test]
fn codes_markdown_is_the_readmes_tables() {
    let mut markdown = String::new();
    getemms::status::markdown_tables(&mut markdown).unwrap();
    let run = getemms(&["codes", "--format", "markdown"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, markdown);
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&markdown),
        "the README's tables come from the same function"
    );

    let mut ftp = String::new();
    getemms::status::ftp::render_markdown(&mut ftp).unwrap();
    assert_eq!(
        getemms(&["codes", "--table", "ftp", "--format", "markdown"]).stdout,
        ftp
    );
}

#[test]
fn codes_json_and_text_have_every_row() {
    use getemms::status::FtpError;
    use getemms::status::package::PackageStatusRow;
    use getemms::{ClientStatus, DcpStatus, LicenseStatus};

    let json = getemms(&["codes", "--format", "json"]).json();
    let counts: Vec<(&str, usize)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|table| {
            (
                table["table"].as_str().unwrap(),
                table["rows"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("license", LicenseStatus::rows().len()),
            ("client", ClientStatus::rows().len()),
            ("dcp", DcpStatus::rows().len()),
            ("package", PackageStatusRow::rows().len()),
            ("ftp", FtpError::rows().len()),
        ]
    );
    assert_eq!(
        json[0]["third_party_ranges"][1]["stored_license"],
        json!("retain")
    );

    let text = getemms(&["codes", "--table", "license"]).stdout;
    assert!(
        text.starts_with("license status\n  code     constant"),
        "{text}"
    );
    assert!(text.contains("\n  2        ASSET_NOT_FOUND "), "{text}");
    assert!(text.contains("\n  769–999  "), "{text}");
}

#[test]
fn ftp_reply_lines() {
    let run = getemms(&[
        "ftp",
        "550 movie.ts: Disk quota exceeded",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.json(),
        json!({
            "reply_code": 550,
            "text": "movie.ts: Disk quota exceeded",
            "multiline": false,
            "known_text": "<file name>: Disk quota exceeded",
            "row": {
                "description": "Requested action not taken. File unavailable (e.g. file not found, no access)",
                "reply_code": "550",
                "error_texts": ["<file name>: Disk quota exceeded"],
                "retry": "permanent",
            },
        })
    );
    let run = getemms(&["ftp", "550 movie.ts: Disk quota exceeded"]);
    assert!(
        run.stdout.starts_with(
            "  reply code      550\n  text            movie.ts: Disk quota exceeded\n"
        )
    );

    let run = getemms(&[
        "ftp",
        "java.net.ConnectException: Connection refused",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["reply_code"], Value::Null);
    assert_eq!(
        run.json()["row"]["description"],
        json!("FTP Server not running")
    );

    let run = getemms(&["ftp", "421 Service not available"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: \"421 Service not available\": no row of the VOD Dealer FTP error table\n"
    );

    let run = getemms(&["ftp", "425x"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: \"425x\": bad FTP reply line: expected ' ' or '-' after the reply code at byte offset 3, got 'x'\n"
    );
}

/// The README's "Command line" section shows what the binary prints: each
/// `$ getemms …` line of a `console` block, run, gives the lines after it.
#[test]
fn readme_examples_are_real_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut blocks = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let (command, expected) = block.split_once('\n').unwrap();
        let command = command.strip_prefix("$ getemms ").unwrap();
        // Words, a double-quoted one kept whole.
        let mut args = Vec::new();
        for (index, part) in command.split('"').enumerate() {
            if index % 2 == 1 {
                args.push(part);
            } else {
                args.extend(part.split_whitespace());
            }
        }
        let run = getemms(&args);
        assert_eq!(run.code, 0, "{command}");
        assert_eq!(
            run.stdout.trim_end(),
            expected.trim_end(),
            "$ getemms {command}"
        );
        blocks += 1;
    }
    assert_eq!(blocks, 5, "one example per command");
}

/// A table's text rows with their column padding squeezed to one space.
fn squeezed_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn codes_text_of_each_table_has_its_header_and_rows() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "client",
            "client status",
            "code constant SDK name description",
            "200 OK WV_Status_OK WVMKStatus_OK",
        ),
        (
            "dcp",
            "DCP error",
            "code constant description",
            "0 UNKNOWN Unknown",
        ),
        (
            "package",
            "VOD Dealer package status",
            "by id by name (GUI) description",
            "processing, importStarted, importCompleted Pulling Package is being pulled from source.",
        ),
        (
            "ftp",
            "VOD Dealer FTP error",
            "code description error texts",
            "NA FTP Server not running Connection refused",
        ),
    ];
    for (table, title, header, row) in cases {
        let run = getemms(&["codes", "--table", table]);
        assert_eq!(run.code, 0, "{table}: {}", run.stderr);
        let lines = squeezed_lines(&run.stdout);
        assert_eq!(lines[0], title, "{table}");
        assert_eq!(lines[1], header, "{table}");
        assert!(lines.iter().any(|line| line == row), "{table}: {lines:#?}");
    }
    let client = squeezed_lines(&getemms(&["codes", "--table", "client"]).stdout);
    assert!(
        client.iter().any(|line| line.starts_with("512–768 ")),
        "{client:#?}"
    );
}

/// `codes` without `--table` prints every table, the license status
/// first, each as `--table` prints it, with one blank line between two.
#[test]
fn codes_text_of_every_table_has_a_blank_line_between_tables() {
    let each: Vec<String> = ["license", "client", "dcp", "package", "ftp"]
        .iter()
        .map(|table| getemms(&["codes", "--table", table]).stdout)
        .collect();
    let run = getemms(&["codes"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(run.stdout, each.join("\n"));
}

/// The char column where `cell` starts in `line`.
fn column_of(line: &str, cell: &str) -> usize {
    let byte = line
        .find(cell)
        .unwrap_or_else(|| panic!("{cell:?} not in {line:?}"));
    line[..byte].chars().count()
}

/// A line with each cell starting at its char column.
fn line_with(cells: &[(usize, &str)]) -> String {
    let mut line = String::new();
    for &(column, cell) in cells {
        let len = line.chars().count();
        assert!(column > len, "{cells:?}");
        line.extend(std::iter::repeat_n(' ', column - len));
        line.push_str(cell);
    }
    line
}

/// The third-party ranges closing the license and client tables: the range
/// in the code column, `third party` under the license table's `category`,
/// the range's text under `description`, the other cells blank.
#[test]
fn codes_text_third_party_ranges_line_up_with_the_header() {
    use getemms::{ClientStatus, LicenseStatus};

    let tables = [
        ("license", LicenseStatus::third_party_ranges(), true),
        ("client", ClientStatus::third_party_ranges(), false),
    ];
    for (table, ranges, has_category) in tables {
        let text = getemms(&["codes", "--table", table]).stdout;
        let lines: Vec<&str> = text.lines().collect();
        let header = lines[1];
        assert!(!ranges.is_empty(), "{table}");
        for range in ranges {
            let code = format!("{}–{}", range.first(), range.last());
            let mut cells = vec![(column_of(header, "code"), code.as_str())];
            if has_category {
                cells.push((column_of(header, "category"), "third party"));
            }
            cells.push((column_of(header, "description"), range.description()));
            let expected = line_with(&cells);
            assert!(
                lines.contains(&expected.as_str()),
                "{table}: no line {expected:?} in\n{text}"
            );
        }
    }
}

#[test]
fn codes_markdown_of_each_table_is_its_renderer() {
    use getemms::status::{client, dcp, license, package};

    type Render = fn(&mut String) -> std::fmt::Result;
    let renderers: [(&str, Render); 4] = [
        ("license", license::render_markdown),
        ("client", client::render_markdown),
        ("dcp", dcp::render_markdown),
        ("package", package::render_markdown),
    ];
    for (table, render) in renderers {
        let mut markdown = String::new();
        render(&mut markdown).unwrap();
        let run = getemms(&["codes", "--table", table, "--format", "markdown"]);
        assert_eq!(run.code, 0, "{table}");
        assert_eq!(run.stdout, markdown, "{table}");
    }
}
