//! `getemms decode`: the sample bodies in every format, bodies written by
//! hand (boundaries, third-party codes, garbage), every error path, and
//! bounded memory over a 1 GiB body.

use std::fs;
use std::io::{Read, Write};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::run::{binary, getemms, getemms_with, getemms_with_stdin, path_str, scratch};

/// `testdata/README.md`'s tables, as the JSON of `decode` must show them.
fn expected(file: &str) -> Value {
    let remove = "3 rd party-defined error codes (remove existing stored license, if any)";
    let count_up: String = (0u8..100).map(|byte| format!("{byte:02x}")).collect();
    let ok = json!({"code": 1, "name": "OK", "description": "OK, successful",
                    "category": "success", "stored_license": null});
    let rejection = json!({"code": 600, "name": null, "description": remove,
                           "category": "third party", "stored_license": "remove"});
    let (input_len, transport, form, status, asset_id, key_id, emm_hex) = match file {
        "ok_small.bin" => (
            28,
            "raw",
            "full",
            ok.clone(),
            12345,
            json!(7),
            "101112131415161718191a1b1c1d1e1f".to_owned(),
        ),
        "error_empty_emm.bin" => (
            12,
            "raw",
            "full",
            json!({"code": 9, "name": "OUTSIDE_LICENSE_WINDOW",
                   "description": "Asset is outside license window",
                   "category": "geography or window", "stored_license": null}),
            4242,
            json!(3),
            String::new(),
        ),
        "rejection_600.bin" => (
            8,
            "raw",
            "short",
            rejection.clone(),
            0,
            Value::Null,
            String::new(),
        ),
        "rejection_600.b64" => (
            12,
            "base64",
            "short",
            rejection,
            0,
            Value::Null,
            String::new(),
        ),
        "ok_emm100.bin" => (
            112,
            "raw",
            "full",
            ok.clone(),
            12345,
            json!(7),
            count_up.clone(),
        ),
        "ok_emm100.b64" => (154, "base64", "full", ok, 12345, json!(7), count_up),
        other => panic!("no expectation for testdata/{other}"),
    };
    json!({
        "file": format!("testdata/{file}"),
        "input_len": input_len,
        "transport": transport,
        "form": form,
        "license_status": status,
        "asset_id": asset_id,
        "key_id": key_id,
        "emm_len": emm_hex.len() / 2,
        "emm_hex": emm_hex,
        "emm_out": null,
    })
}

const SAMPLES: [&str; 6] = [
    "error_empty_emm.bin",
    "ok_emm100.b64",
    "ok_emm100.bin",
    "ok_small.bin",
    "rejection_600.b64",
    "rejection_600.bin",
];

#[test]
fn every_sample_body_in_json_and_jsonl() {
    for file in SAMPLES {
        let path = format!("testdata/{file}");
        let run = getemms(&["decode", &path, "--format", "json"]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{file}");
        assert_eq!(run.json(), expected(file), "{file}");

        let transport = if file.ends_with(".b64") {
            "base64"
        } else {
            "raw"
        };
        let run = getemms(&[
            "decode",
            &path,
            "--format",
            "jsonl",
            "--transport",
            transport,
        ]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        assert_eq!(run.json_lines(), [expected(file)], "{file}");
    }
}

/// The text of `testdata/ok_small.bin`.
const OK_SMALL_TEXT: &str = "testdata/ok_small.bin: raw, full form, 28 bytes\n\
    \x20 license status  1 OK\n\
    \x20 description     OK, successful\n\
    \x20 category        success\n\
    \x20 asset id        12345\n\
    \x20 key id          7\n\
    \x20 EMM             16 bytes: 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f\n";

#[test]
fn every_sample_body_in_text() {
    let run = getemms(&["decode", "testdata/ok_small.bin"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, OK_SMALL_TEXT);
    let run = getemms(&["decode", "testdata/rejection_600.b64"]);
    assert_eq!(run.code, 0);
    for line in [
        "testdata/rejection_600.b64: base64, short form, 12 bytes",
        "  license status  600 (third party, remove stored license)",
        "  description     3 rd party-defined error codes (remove existing stored license, if any)",
        "  stored license  remove (third-party codes 512–768)",
        "  asset id        0",
        "  key id          none, short form",
        "  EMM             0 bytes",
    ] {
        assert!(
            run.stdout.contains(line),
            "{line:?} missing from\n{}",
            run.stdout
        );
    }
    let run = getemms(&["decode", "testdata/ok_emm100.bin"]);
    assert!(
        run.stdout
            .contains("100 bytes: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f …")
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

/// Two bodies in text: each body's fields, a blank line between the bodies
/// and before the summary.
#[test]
fn text_of_two_bodies_has_a_blank_line_between_them() {
    let run = getemms(&[
        "decode",
        "testdata/ok_small.bin",
        "testdata/rejection_600.bin",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let rest = run
        .stdout
        .strip_prefix(OK_SMALL_TEXT)
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(
        rest,
        "\n\
         testdata/rejection_600.bin: raw, short form, 8 bytes\n\
         \x20 license status  600 (third party, remove stored license)\n\
         \x20 description     3 rd party-defined error codes (remove existing stored license, if any)\n\
         \x20 category        third party\n\
         \x20 stored license  remove (third-party codes 512–768)\n\
         \x20 asset id        0\n\
         \x20 key id          none, short form\n\
         \x20 EMM             0 bytes\n\
         \n\
         2 bodies: 2 decoded, 0 failed\n\
         \x20      1  1 OK\n\
         \x20      1  600 (third party, remove stored license)\n"
    );
}

/// The README's set-up command: the directory's bodies, its notes skipped,
/// a summary, exit status 0.
#[test]
fn the_readme_command_decodes_the_directory() {
    let run = getemms(&["decode", "testdata/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "note: testdata/README.md: skipped, markdown notes\n"
    );
    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("testdata/"))
        .collect();
    let names: Vec<String> = SAMPLES
        .iter()
        .map(|file| format!("testdata/{file}:"))
        .collect();
    assert_eq!(headings.len(), SAMPLES.len());
    for (heading, name) in headings.iter().zip(&names) {
        assert!(
            heading.starts_with(name.as_str()),
            "{heading} is not {name} (sorted)"
        );
    }
    assert!(run.stdout.ends_with(
        "6 bodies: 6 decoded, 0 failed\n\
         \x20      3  1 OK\n\
         \x20      1  9 OUTSIDE_LICENSE_WINDOW\n\
         \x20      2  600 (third party, remove stored license)\n"
    ));

    // JSON keeps stdout one object per body; the summary goes to stderr.
    let run = getemms(&["decode", "testdata", "--format", "jsonl"]);
    assert_eq!(run.code, 0);
    let expected: Vec<Value> = SAMPLES.iter().map(|file| expected(file)).collect();
    assert_eq!(run.json_lines(), expected);
    assert!(run.stderr.contains("6 bodies: 6 decoded, 0 failed"));
}

#[test]
fn stdin_with_dash_or_no_path() {
    let body = fs::read("testdata/ok_emm100.b64").unwrap();
    for args in [
        &["decode", "-", "--format", "json"][..],
        &["decode", "--format", "json"],
    ] {
        let run = getemms_with_stdin(args, &body);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let mut want = expected("ok_emm100.b64");
        want["file"] = json!("-");
        assert_eq!(run.json(), want);
    }
    // The same text on one line, without padding and with CRLF.
    let one_line: Vec<u8> = body.iter().copied().filter(|&b| b != b'\n').collect();
    let mut unpadded = one_line.strip_suffix(b"==").unwrap().to_vec();
    unpadded.extend_from_slice(b"\r\n");
    for text in [one_line, unpadded] {
        let run = getemms_with_stdin(&["decode", "--format", "json"], &text);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.json()["emm_hex"], expected("ok_emm100.b64")["emm_hex"]);
    }
}

/// A body written by hand: status, asset id, key id, EMM, big-endian.
fn body(status: u32, asset_id: u32, key_id: Option<u32>, emm: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&status.to_be_bytes());
    body.extend_from_slice(&asset_id.to_be_bytes());
    if let Some(key_id) = key_id {
        body.extend_from_slice(&key_id.to_be_bytes());
    }
    body.extend_from_slice(emm);
    body
}

#[test]
fn boundary_values_and_third_party_codes() {
    let cases = [
        // status, stored_license, name, category
        (0, None, Some("UNKNOWN"), "unknown"),
        (68, None, Some("PORTAL_OVERRIDE_NOT_ALLOWED"), "policy"),
        (69, None, None, "unknown"),
        (511, None, None, "unknown"),
        (512, Some("remove"), None, "third party"),
        (768, Some("remove"), None, "third party"),
        (769, Some("retain"), None, "third party"),
        (999, Some("retain"), None, "third party"),
        (1000, None, None, "unknown"),
        (0x2AFF_FFFF, None, None, "unknown"),
    ];
    for (status, stored_license, name, category) in cases {
        for key_id in [None, Some(u32::MAX)] {
            let raw = body(status, u32::MAX, key_id, &[]);
            let run = getemms_with_stdin(&["decode", "--format", "json"], &raw);
            assert_eq!(run.code, 0, "{status}: {}", run.stderr);
            let json = run.json();
            assert_eq!(json["license_status"]["code"], json!(status));
            assert_eq!(json["license_status"]["name"], json!(name));
            assert_eq!(json["license_status"]["category"], json!(category));
            assert_eq!(
                json["license_status"]["stored_license"],
                json!(stored_license)
            );
            assert_eq!(json["asset_id"], json!(u32::MAX));
            assert_eq!(json["key_id"], json!(key_id));
            assert_eq!(
                json["form"],
                json!(if key_id.is_some() { "full" } else { "short" })
            );
        }
    }
    // A status whose first byte is a base64 letter needs `--transport raw`.
    let raw = body(0x4100_0000, 1, Some(2), b"x");
    let run = getemms_with_stdin(&["decode", "--transport", "raw", "--format", "json"], &raw);
    assert_eq!(run.json()["license_status"]["code"], json!(0x4100_0000u32));
    assert_eq!(run.json()["emm_hex"], json!("78"));
}

#[test]
fn invalid_bodies_exit_1_with_the_library_message() {
    let cases: [(&[u8], &str); 4] = [
        (
            &[0, 0, 0, 9, 0, 0, 0x10, 0x92, 0, 0, 0],
            "-: truncated GetEMMs body: expected at least 12 bytes (full-form header), got 11; \
             it ends at byte offset 11 in the key id (1 more byte needed); \
             license status read at offset 0: 9 (Asset is outside license window)",
        ),
        (b"", "-: truncated GetEMMs body: expected at least 8 bytes"),
        (b"AAAA*AAA", "-: invalid base64"),
        (b"AAACWAAAA", "-: truncated base64"),
    ];
    for (input, message) in cases {
        let run = getemms_with_stdin(&["decode"], input);
        assert_eq!(run.code, 1, "{input:?}");
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr.starts_with(&format!("error: {message}")),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    }
    // Where in the text: the byte offset.
    let run = getemms_with_stdin(&["decode"], b"AAAA*AAA");
    assert!(run.stderr.contains("offset 4"), "{}", run.stderr);
    // Raw bytes asked for as base64.
    let run = getemms(&["decode", "--transport", "base64", "testdata/ok_small.bin"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("testdata/ok_small.bin: invalid base64"),
        "{}",
        run.stderr
    );
    let run = getemms(&["decode", "--max-emm-len", "15", "testdata/ok_small.bin"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("EMM too long"), "{}", run.stderr);
}

/// A body file of a few KiB is read in one piece, so its error is the one
/// of the library's one-shot `Response::parse_base64`: a bad character past
/// the EMM limit is invalid base64, not an EMM too long (what a stream that
/// met the limit in an earlier chunk reports; see `TransportDecoder`).
#[test]
fn a_small_body_file_gets_the_one_shot_error() {
    use getemms::base64::LineWrap;
    use getemms::{LicenseStatus, Options, Response};

    let emm = vec![0x5a; 2000];
    let mut text = Vec::new();
    Response::new(LicenseStatus::from(1), 1, 1, &emm).encode_base64(LineWrap::None, &mut text);
    let bad = text.len() - 10;
    text[bad] = b'*';
    let dir = scratch("one_shot_error");
    let path = dir.join("bad.b64");
    fs::write(&path, &text).unwrap();

    let mut scratch_buffer = Vec::new();
    let options = Options::new().with_max_emm_len(100);
    let error = Response::parse_base64(&text, &mut scratch_buffer, &options).unwrap_err();
    assert!(error.to_string().starts_with("invalid base64"), "{error}");
    let run = getemms(&["decode", "--max-emm-len", "100", path_str(&path)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, format!("error: {}: {error}\n", path_str(&path)));
}

#[test]
fn binary_garbage_never_panics() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for len in [1usize, 7, 8, 9, 11, 12, 13, 100, 4096] {
        let garbage: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        for transport in ["raw", "base64", "auto"] {
            let run = getemms_with_stdin(&["decode", "--transport", transport], &garbage);
            assert!(
                run.code == 0 || run.code == 1,
                "{len} {transport}: {}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
}

#[test]
fn io_errors_exit_2_and_the_batch_goes_on() {
    let dir = scratch("io_errors");
    fs::write(dir.join("a_empty.bin"), b"").unwrap();
    fs::write(
        dir.join("b_ok.bin"),
        fs::read("testdata/ok_small.bin").unwrap(),
    )
    .unwrap();
    fs::write(dir.join("notes.md"), b"# not a body").unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    let missing = dir.join("missing.bin");
    let run = getemms(&[
        "decode",
        path_str(&dir),
        path_str(&missing),
        "testdata/rejection_600.bin",
    ]);
    assert_eq!(run.code, 2, "the worst status wins: {}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors[0].ends_with(
            "a_empty.bin: truncated GetEMMs body: expected at least 8 bytes \
        (8 for the short form, 12 or more for the full form), got 0; it ends at byte offset 0 \
        in the license status (8 more bytes needed)"
        ),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("missing.bin: cannot open: "),
        "{}",
        errors[1]
    );
    assert!(run.stderr.contains("notes.md: skipped, markdown notes"));
    assert!(run.stderr.contains("sub: skipped, a directory"));
    assert!(run.stdout.contains("b_ok.bin: raw, full form, 28 bytes"));
    assert!(
        run.stdout
            .contains("testdata/rejection_600.bin: raw, short form, 8 bytes")
    );
    assert!(
        run.stdout.contains("4 bodies: 2 decoded, 2 failed"),
        "{}",
        run.stdout
    );

    // Only invalid bodies: 1.
    let run = getemms(&[
        "decode",
        path_str(&dir.join("a_empty.bin")),
        "testdata/ok_small.bin",
    ]);
    assert_eq!(run.code, 1);

    // A file named on the command line is decoded, whatever its name.
    let run = getemms(&["decode", path_str(&dir.join("notes.md"))]);
    assert_eq!(run.code, 0, "# not a body is 12 bytes: a full-form body");

    // An empty directory: nothing to do, said on stderr.
    fs::create_dir(dir.join("empty")).unwrap();
    let run = getemms(&["decode", path_str(&dir.join("empty"))]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(run.stderr.contains("no files to decode"));
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_input_exits_2() {
    // Opens fine, fails on the first read (address 0 is not mapped), even as root.
    let run = getemms(&["decode", "/proc/self/mem"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: /proc/self/mem: cannot read: "),
        "{}",
        run.stderr
    );
}

/// A read of stdin that fails (here the other end of the socket reset the
/// connection) exits 2 with the error. It is not tried again, and not taken
/// for the end of the input, which would call the body truncated (exit 1).
#[cfg(target_os = "linux")]
#[test]
fn a_reset_connection_on_stdin_exits_2() {
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    let (ours, mut theirs) = UnixStream::pair().unwrap();
    // A socket closed with data it never read resets its peer: the peer's
    // next read fails with ECONNRESET, and the read after that finds the end.
    theirs.write_all(b"never read").unwrap();
    drop(ours);
    let run = getemms_with(&["decode"], OwnedFd::from(theirs), Stdio::piped());
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            2,
            "",
            "error: -: cannot read: Connection reset by peer (os error 104)\n"
        )
    );
}

/// The contents of `/proc/<pid>/<file>`, or "" once the process is gone.
#[cfg(target_os = "linux")]
fn proc_file(pid: u32, file: &str) -> String {
    fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
}

/// Waits until `ready` holds, checking that the child still runs. A
/// machine where `ready` can never hold (a `/proc` that hides the syscall,
/// say) fails the test after two minutes instead of hanging CI; a passing
/// run waits milliseconds.
#[cfg(target_os = "linux")]
fn wait_for(child: &mut std::process::Child, what: &str, ready: impl Fn() -> bool) {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the binary ended ({status}) before {what}");
        }
        if std::time::Instant::now() > give_up {
            let _ = child.kill();
            panic!("gave up waiting for the binary {what} (is /proc/<pid>/syscall readable here?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// A read of stdin that a signal interrupts (EINTR) is tried again. Linux
/// makes a read that waits on a socket with a receive timeout return EINTR
/// when the process is stopped and continued (signal(7)), so the test
/// waits until the binary blocks in `read` of stdin (`/proc/<pid>/syscall`),
/// stops it, waits until it is stopped, continues it, and only then sends
/// the body: the whole body must be decoded.
#[cfg(target_os = "linux")]
#[test]
fn a_read_interrupted_by_a_signal_is_tried_again() {
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    let (mut ours, theirs) = UnixStream::pair().unwrap();
    // Only that there is a timeout matters (it makes the read return EINTR
    // rather than restart); it is far longer than any run.
    theirs
        .set_read_timeout(Some(std::time::Duration::from_secs(24 * 3600)))
        .unwrap();
    let mut child = binary()
        .args(["decode", "--format", "json"])
        .stdin(OwnedFd::from(theirs))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let signal = |signal| {
        let pid = libc::pid_t::try_from(pid).unwrap();
        // SAFETY: `kill` only sends a signal, to the child this test started.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    };
    // `read(0, …)`, blocked: the syscall number, then its first argument.
    let reading = format!("{} 0x0 ", libc::SYS_read);
    wait_for(&mut child, "reading stdin", || {
        proc_file(pid, "syscall").starts_with(&reading)
    });
    signal(libc::SIGSTOP);
    // The state follows the command name, which is in parentheses.
    wait_for(&mut child, "being stopped", || {
        let stat = proc_file(pid, "stat");
        stat.rsplit_once(") ")
            .is_some_and(|(_, fields)| fields.starts_with('T'))
    });
    signal(libc::SIGCONT);
    ours.write_all(&fs::read("testdata/ok_small.bin").unwrap())
        .unwrap();
    drop(ours);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        (output.status.code(), stderr.as_ref()),
        (Some(0), ""),
        "the interrupted read was not tried again"
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut want = expected("ok_small.bin");
    want["file"] = json!("-");
    assert_eq!(json, want);
}

#[test]
fn usage_errors_exit_2() {
    let run = getemms(&["decode", "--transport", "hex"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'hex'"));
    let run = getemms(&[
        "decode",
        "--emm-out",
        "x",
        "testdata/ok_small.bin",
        "testdata/ok_emm100.bin",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --emm-out takes the EMM of one body, but 2 inputs were given\n"
    );
    assert_eq!(getemms(&["frobnicate"]).code, 2);
}

#[test]
fn emm_out_writes_the_raw_emm() {
    let dir = scratch("emm_out");
    let out = dir.join("emm.bin");
    let run = getemms(&[
        "decode",
        "testdata/ok_emm100.b64",
        "--emm-out",
        path_str(&out),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read(&out).unwrap(), (0u8..100).collect::<Vec<_>>());
    assert_eq!(run.json()["emm_hex"], Value::Null);
    assert_eq!(run.json()["emm_out"], json!(path_str(&out)));
    assert_eq!(run.json()["emm_len"], json!(100));

    // A body that fails leaves no half EMM behind.
    let run = getemms_with_stdin(
        &["decode", "--emm-out", path_str(&out)],
        b"AAAAAQAAMDkAAAAHAAEC*",
    );
    assert_eq!(run.code, 1);
    assert!(!out.exists());
}

/// 1 GiB through stdin, generated on the fly (nothing on disk): the text
/// output and `--emm-out` stream it, and the peak resident memory of the
/// process, read from `/proc` while it waits for the end of its input, stays
/// far below the body. The peak is checked there and then: a binary that
/// kept the body is stopped at once, not left to print it.
#[cfg(target_os = "linux")]
#[test]
fn one_gib_streams_in_bounded_memory() {
    const GIB: usize = 1 << 30;
    let mut child = binary()
        .args(["decode", "--emm-out", "/dev/null", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&body(1, 7, Some(9), &[])).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..GIB / zeros.len() {
        stdin.write_all(&zeros).unwrap();
    }
    let status = fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kib: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    let bounded = peak_kib < 32 * 1024;
    if !bounded {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert!(bounded, "peak RSS {peak_kib} KiB for a 1 GiB body");
    drop(stdin);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success());
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["emm_len"], json!(GIB));
    assert_eq!(json["input_len"], json!(GIB + 12));
}

/// A sparse 1 GiB file (no disk used): a body of zeros, status 0.
#[test]
fn one_gib_sparse_file() {
    let dir = scratch("sparse");
    let path = dir.join("zeros.bin");
    fs::File::create(&path).unwrap().set_len(1 << 30).unwrap();
    let run = getemms(&["decode", path_str(&path)]);
    fs::remove_file(&path).unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("license status  0 UNKNOWN"));
    assert!(
        run.stdout
            .contains("EMM             1073741812 bytes: 00 00"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_documents_every_json_key() {
    let run = getemms(&["decode", "testdata/rejection_600.bin", "--format", "json"]);
    let help = getemms(&["decode", "--help"]).stdout;
    let json = run.json();
    let object = json.as_object().unwrap();
    for key in object
        .keys()
        .chain(json["license_status"].as_object().unwrap().keys())
    {
        assert!(
            help.contains(key.as_str()),
            "`decode --help` does not name {key}"
        );
    }
}
