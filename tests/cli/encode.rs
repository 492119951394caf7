//! `getemms encode`, and `decode` of what it wrote: the same fields back,
//! both forms, raw and base64, to stdout and to a file.

use std::fs;

use serde_json::{Value, json};

use crate::run::{getemms, getemms_with_stdin, path_str, scratch};

/// `decode --format json` of `body`.
fn decode(body: &[u8]) -> Value {
    let run = getemms_with_stdin(&["decode", "--format", "json"], body);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

#[test]
fn round_trips_both_forms_raw_and_base64() {
    let forms: [(&[&str], &str, Value, &str); 3] = [
        (
            &[
                "--status",
                "ASSET_NOT_FOUND",
                "--asset-id",
                "12345",
                "--key-id",
                "7",
                "--emm-hex",
                "ca fe:ba be",
            ],
            "full",
            json!(7),
            "cafebabe",
        ),
        (
            &["--status", "1", "--asset-id", "4294967295", "--key-id", "0"],
            "full",
            json!(0),
            "",
        ),
        (
            &["--status", "600", "--asset-id", "0"],
            "short",
            Value::Null,
            "",
        ),
    ];
    for (fields, form, key_id, emm_hex) in forms {
        for (wrap, transport) in [
            (None, "raw"),
            (Some("--base64"), "base64"),
            (Some("--base64-wrapped"), "base64"),
        ] {
            let mut args = vec!["encode"];
            args.extend_from_slice(fields);
            args.extend(wrap);
            let run = getemms(&args);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            let json = decode(&run.stdout_bytes);
            assert_eq!(json["form"], json!(form), "{args:?}");
            assert_eq!(json["transport"], json!(transport), "{args:?}");
            assert_eq!(json["key_id"], key_id, "{args:?}");
            assert_eq!(json["emm_hex"], json!(emm_hex), "{args:?}");
        }
    }
    // The exact bytes of the sample bodies.
    let run = getemms(&["encode", "--status", "600", "--asset-id", "0"]);
    assert_eq!(
        run.stdout_bytes,
        fs::read("testdata/rejection_600.bin").unwrap()
    );
    let run = getemms(&["encode", "--status", "600", "--asset-id", "0", "--base64"]);
    assert_eq!(
        run.stdout_bytes,
        fs::read("testdata/rejection_600.b64").unwrap()
    );
    let emm: String = (0u8..100).map(|byte| format!("{byte:02x}")).collect();
    let run = getemms(&[
        "encode",
        "--status",
        "OK",
        "--asset-id",
        "12345",
        "--key-id",
        "7",
        "--emm-hex",
        &emm,
        "--base64-wrapped",
    ]);
    assert_eq!(
        run.stdout_bytes,
        fs::read("testdata/ok_emm100.b64").unwrap()
    );
}

#[test]
fn emm_from_a_file_and_output_to_a_file() {
    let dir = scratch("encode_files");
    let out = dir.join("body.bin");
    let run = getemms(&[
        "encode",
        "--status",
        "OK",
        "--asset-id",
        "12345",
        "--key-id",
        "7",
        "--emm",
        "testdata/ok_small.bin",
        "-o",
        path_str(&out),
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    let json = decode(&fs::read(&out).unwrap());
    assert_eq!(json["emm_len"], json!(28));
    assert_eq!(json["asset_id"], json!(12345));
}

#[test]
fn encode_errors_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--status", "NOPE", "--asset-id", "0"],
            "error: --status NOPE: unknown name: expected a name from the license status table\n",
        ),
        (
            &[
                "--status",
                "1",
                "--asset-id",
                "0",
                "--key-id",
                "1",
                "--emm-hex",
                "abc",
            ],
            "error: --emm-hex: expected an even number of hex digits",
        ),
        (
            &[
                "--status",
                "1",
                "--asset-id",
                "0",
                "--key-id",
                "1",
                "--emm-hex",
                "zz",
            ],
            "error: --emm-hex: expected a hex digit at offset 0, got 'z'",
        ),
        (
            &[
                "--status",
                "1",
                "--asset-id",
                "0",
                "--key-id",
                "1",
                "--emm",
                "/nonexistent/emm",
            ],
            "error: /nonexistent/emm: cannot read: ",
        ),
        (
            &["--status", "1", "--asset-id", "0", "--emm-hex", "ab"],
            "error: the following required arguments were not provided",
        ),
    ];
    for (fields, message) in cases {
        let mut args = vec!["encode"];
        args.extend_from_slice(fields);
        let run = getemms(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let run = getemms(&["encode", "--status", "1", "--asset-id", "-1"]);
    assert_eq!(run.code, 2);
    let run = getemms(&[
        "encode",
        "--status",
        "1",
        "--asset-id",
        "0",
        "--base64",
        "--base64-wrapped",
    ]);
    assert_eq!(run.code, 2);
}
