//! VOD Dealer package status against a second, independent transcription of
//! section 5 of "Status and Error Codes" 1.3.

use getemms::status::NameError;
use getemms::status::package::{
    self, GuiStatus, IdStatus, PackageGuiStatus, PackageStatus, PackageStatusRow, Stage,
};
use proptest::prelude::*;

/// The spec's table, typed again from the seed: (Status (if query by id),
/// GUI status (if query by name), Description). A multi-word id cell lists
/// several id statuses.
const SPEC: &[(&[&str], Option<&str>, &str)] = &[
    (
        &[],
        Some("Not Processed"),
        "Package exists on ftp server but has not been processed.",
    ),
    (
        &["queued"],
        Some("Pull Queue"),
        "Package has been added to the pull queue.",
    ),
    (
        &["processing", "importStarted", "importCompleted"],
        Some("Pulling"),
        "Package is being pulled from source.",
    ),
    (
        &[],
        Some("Validating"),
        "Package is being validated. The file sizes and checksums are being checked.",
    ),
    (
        &[],
        Some("Encrypt Queue"),
        "Package has been added to the encrypt queue.",
    ),
    (
        &["encryptionStarted", "encryptionCompleted"],
        Some("Encrypting"),
        "Assets in the package are being encrypted.",
    ),
    (
        &[],
        Some("Updating Metadata"),
        "Package metadata is being updated",
    ),
    (
        &["importFailed"],
        Some("Pull Failed"),
        "Problem importing file(s) from source.",
    ),
    (
        &[],
        Some("Validation Failed"),
        "File size or checksum in metadata does not match physical file.",
    ),
    (
        &["processingFailed"],
        Some("Encryption Failed"),
        "Problem occurred during encryption.",
    ),
    (
        &[],
        Some("Metadata Update Failed"),
        "Problem updating the metadata",
    ),
    (
        &["exporting", "exportStarted", "exportCompleted"],
        Some("Push Queue"),
        "Package has been added to the push queue",
    ),
    (
        &[],
        Some("Pushing"),
        "Package is being pushed to destination",
    ),
    (
        &["exportFailed"],
        Some("Export Failed"),
        "Problem exporting file(s) to destination.",
    ),
    (
        &["exportRetry"],
        None,
        "Export failed and will retry. Please take action to fix ftp problem.",
    ),
    (
        &["successful"],
        Some("Completed"),
        "Package had been process without error",
    ),
    (
        &["unknown"],
        Some("General Error"),
        "Unknown error was returned.",
    ),
    (&["canceled"], None, "Request has been canceled."),
    (
        &["packageDeleteStarted"],
        None,
        "Starting delete of package from source ftp server.",
    ),
    (
        &["packageDeleteCompleted"],
        None,
        "Successfully completed delete of package from source ftp server.",
    ),
    (&["packageDeleteFailed"], None, "Package delete failed."),
    (
        &["error"],
        None,
        "Error returned from PackageNotify or PackageQuery. Check errorText attribute.",
    ),
];

#[test]
fn counts_match_the_spec_no_invented_rows() {
    assert_eq!(SPEC.len(), 22);
    assert_eq!(PackageStatusRow::rows().len(), SPEC.len());
    let ids: usize = SPEC.iter().map(|(ids, _, _)| ids.len()).sum();
    assert_eq!(IdStatus::rows().len(), ids);
    assert_eq!(IdStatus::rows().len(), 20);
    let guis = SPEC.iter().filter(|(_, gui, _)| gui.is_some()).count();
    assert_eq!(GuiStatus::rows().len(), guis);
    assert_eq!(GuiStatus::rows().len(), 16);
}

#[test]
fn every_row_matches_the_spec() {
    for (row, (ids, gui, description)) in PackageStatusRow::rows().zip(SPEC) {
        let row_ids: Vec<&str> = row.id_statuses.iter().map(|id| id.as_str()).collect();
        assert_eq!(row_ids, *ids, "id statuses of {description:?}");
        assert_eq!(row.gui_status.map(GuiStatus::as_str), *gui);
        assert_eq!(row.description, *description);
    }
}

#[test]
fn every_id_status_parses_maps_and_describes_as_the_spec() {
    for (ids, gui, description) in SPEC {
        for name in *ids {
            let status: IdStatus = name.parse().unwrap();
            assert_eq!(status.as_str(), *name);
            assert_eq!(status.to_string(), *name);
            assert_eq!(status.gui_status().map(GuiStatus::as_str), *gui, "{name}");
            assert_eq!(status.description(), *description, "{name}");
            let lossless = PackageStatus::parse(name);
            assert_eq!(lossless, PackageStatus::Recognized(status));
            assert_eq!(lossless.gui_status(), status.gui_status());
            assert_eq!(lossless.description(), Some(*description));
        }
    }
}

#[test]
fn every_gui_status_parses_maps_and_describes_as_the_spec() {
    for (ids, gui, description) in SPEC {
        let Some(name) = gui else { continue };
        let status: GuiStatus = name.parse().unwrap();
        assert_eq!(status.as_str(), *name);
        assert_eq!(status.to_string(), *name);
        let mapped: Vec<&str> = status.id_statuses().iter().map(|id| id.as_str()).collect();
        assert_eq!(mapped, *ids, "{name}");
        assert_eq!(status.description(), *description);
        let lossless = PackageGuiStatus::parse(name);
        assert_eq!(lossless.recognized(), Some(status));
        assert_eq!(lossless.id_statuses(), status.id_statuses());
    }
}

#[test]
fn mapping_both_ways_agrees() {
    for id in IdStatus::rows() {
        if let Some(gui) = id.gui_status() {
            assert!(gui.id_statuses().contains(&id), "{id}");
        }
    }
    for gui in GuiStatus::rows() {
        for &id in gui.id_statuses() {
            assert_eq!(id.gui_status(), Some(gui));
        }
    }
}

#[test]
fn all_lists_round_trip_through_display_and_from_str() {
    for id in IdStatus::rows() {
        assert_eq!(id.to_string().parse::<IdStatus>(), Ok(id));
        assert_eq!(PackageStatus::parse(&id.to_string()).recognized(), Some(id));
    }
    for gui in GuiStatus::rows() {
        assert_eq!(gui.to_string().parse::<GuiStatus>(), Ok(gui));
    }
}

#[test]
fn names_are_exact_not_case_folded_or_trimmed() {
    for text in [
        "",
        "Queued",
        " queued",
        "queued\n",
        "importstarted",
        "IMPORTSTARTED",
        "pull queue",
        "Pull  Queue",
        "Pull Queue ",
        "cancelled",
    ] {
        assert_eq!(
            text.parse::<IdStatus>(),
            Err(NameError::Unknown {
                table: getemms::status::Table::PackageIdStatus
            }),
            "{text:?}"
        );
        assert!(text.parse::<GuiStatus>().is_err(), "{text:?}");
    }
    // Each vocabulary rejects the other's names.
    assert!("queued".parse::<GuiStatus>().is_err());
    assert!("Pull Queue".parse::<IdStatus>().is_err());
}

#[test]
fn unrecognised_strings_are_kept_verbatim() {
    for text in [
        "",
        "Queued",
        "queued ",
        "packageDeleteQueued",
        "Pull Queue",
        "é\u{0}\r\n",
    ] {
        let status = PackageStatus::parse(text);
        assert_eq!(status, PackageStatus::Unrecognized(text));
        assert_eq!(status.as_str(), text);
        assert_eq!(status.to_string(), text);
        assert_eq!(status.recognized(), None);
        assert_eq!(status.gui_status(), None);
        assert_eq!(status.description(), None);
        assert_eq!(status.stage(), None);
    }
    let gui = PackageGuiStatus::parse("Pulling Hard");
    assert_eq!(gui, PackageGuiStatus::Unrecognized("Pulling Hard"));
    assert_eq!(gui.to_string(), "Pulling Hard");
    assert!(gui.id_statuses().is_empty());
    // The text is borrowed, not copied.
    let text = String::from("reticulating");
    assert!(core::ptr::eq(
        PackageStatus::parse(&text).as_str(),
        text.as_str()
    ));
}

#[test]
fn dashboard_classification() {
    use GuiStatus as G;
    use IdStatus as I;
    // (status, stage, failure, terminal): our reading, see the module docs.
    let ids = [
        (I::Queued, Some(Stage::Pull), false, false),
        (I::Processing, Some(Stage::Pull), false, false),
        (I::ImportStarted, Some(Stage::Pull), false, false),
        (I::ImportCompleted, Some(Stage::Pull), false, false),
        (I::EncryptionStarted, Some(Stage::Encrypt), false, false),
        (I::EncryptionCompleted, Some(Stage::Encrypt), false, false),
        (I::ImportFailed, Some(Stage::Pull), true, true),
        (I::ProcessingFailed, Some(Stage::Encrypt), true, true),
        (I::Exporting, Some(Stage::Push), false, false),
        (I::ExportStarted, Some(Stage::Push), false, false),
        (I::ExportCompleted, Some(Stage::Push), false, false),
        (I::ExportFailed, Some(Stage::Push), true, true),
        (I::ExportRetry, Some(Stage::Push), true, false),
        (I::Successful, Some(Stage::Done), false, true),
        (I::Unknown, None, true, true),
        (I::Canceled, None, false, true),
        (I::PackageDeleteStarted, Some(Stage::Delete), false, false),
        (I::PackageDeleteCompleted, Some(Stage::Delete), false, true),
        (I::PackageDeleteFailed, Some(Stage::Delete), true, true),
        (I::Error, None, true, true),
    ];
    assert_eq!(ids.len(), IdStatus::rows().len());
    for (id, stage, failure, terminal) in ids {
        assert_eq!(
            (
                id.row().stage(),
                id.row().is_failure(),
                id.row().is_terminal()
            ),
            (stage, failure, terminal),
            "{id}"
        );
    }
    let guis = [
        (G::NotProcessed, Some(Stage::NotStarted), false, false),
        (G::PullQueue, Some(Stage::Pull), false, false),
        (G::Pulling, Some(Stage::Pull), false, false),
        (G::Validating, Some(Stage::Validate), false, false),
        (G::EncryptQueue, Some(Stage::Encrypt), false, false),
        (G::Encrypting, Some(Stage::Encrypt), false, false),
        (G::UpdatingMetadata, Some(Stage::Metadata), false, false),
        (G::PullFailed, Some(Stage::Pull), true, true),
        (G::ValidationFailed, Some(Stage::Validate), true, true),
        (G::EncryptionFailed, Some(Stage::Encrypt), true, true),
        (G::MetadataUpdateFailed, Some(Stage::Metadata), true, true),
        (G::PushQueue, Some(Stage::Push), false, false),
        (G::Pushing, Some(Stage::Push), false, false),
        (G::ExportFailed, Some(Stage::Push), true, true),
        (G::Completed, Some(Stage::Done), false, true),
        (G::GeneralError, None, true, true),
    ];
    assert_eq!(guis.len(), GuiStatus::rows().len());
    for (gui, stage, failure, terminal) in guis {
        assert_eq!(
            (
                gui.row().stage(),
                gui.row().is_failure(),
                gui.row().is_terminal()
            ),
            (stage, failure, terminal),
            "{gui}"
        );
    }
    // An id status and its GUI status are one row, so they agree.
    for id in IdStatus::rows() {
        if let Some(gui) = id.gui_status() {
            assert_eq!(
                (
                    id.row().stage(),
                    id.row().is_failure(),
                    id.row().is_terminal()
                ),
                (
                    gui.row().stage(),
                    gui.row().is_failure(),
                    gui.row().is_terminal()
                )
            );
        }
    }
    assert_eq!(Stage::rows().len(), 8);
    assert_eq!(Stage::NotStarted.to_string(), "not started");
}

#[test]
fn markdown_is_rendered_from_the_table() {
    let mut out = String::new();
    package::render_markdown(&mut out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "### VOD Dealer package status");
    assert_eq!(lines[1], "");
    assert_eq!(
        lines[2],
        "| Status (if query by id) | GUI status (if query by name) | Description |"
    );
    assert_eq!(lines[3], "|---|---|---|");
    assert_eq!(lines.len(), 4 + SPEC.len());
    assert_eq!(
        lines[4],
        "| | Not Processed | Package exists on ftp server but has not been processed. |"
    );
    assert_eq!(
        lines[6],
        "| `processing`<br>`importStarted`<br>`importCompleted` | Pulling | Package is being pulled from source. |"
    );
    assert_eq!(
        lines[8],
        "| | Encrypt Queue | Package has been added to the encrypt queue. |"
    );
    assert_eq!(
        lines[18],
        "| `exportRetry` | | Export failed and will retry. Please take action to fix ftp problem. |"
    );
    // Id statuses are written as code spans, which cannot hold these.
    assert!(IdStatus::rows().all(|id| !id.as_str().contains(['`', '|'])));
    for (line, (_, gui, _)) in lines[4..].iter().zip(SPEC) {
        if let Some(gui) = gui {
            assert!(line.contains(&format!(" {gui} |")), "{line}");
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_uses_the_spec_strings() {
    for id in IdStatus::rows() {
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<IdStatus>(&json).unwrap(), id);
    }
    for gui in GuiStatus::rows() {
        let json = serde_json::to_string(&gui).unwrap();
        assert_eq!(json, format!("\"{gui}\""));
        assert_eq!(serde_json::from_str::<GuiStatus>(&json).unwrap(), gui);
    }
    assert!(serde_json::from_str::<IdStatus>("\"Queued\"").is_err());
    assert!(serde_json::from_str::<GuiStatus>("\"queued\"").is_err());

    let known: PackageStatus<'_> = serde_json::from_str("\"exportRetry\"").unwrap();
    assert_eq!(known, PackageStatus::Recognized(IdStatus::ExportRetry));
    let unknown: PackageStatus<'_> = serde_json::from_str("\"reticulating\"").unwrap();
    assert_eq!(unknown, PackageStatus::Unrecognized("reticulating"));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"reticulating\"");
    // A known name with escapes cannot be borrowed but is still understood;
    // an unknown one with escapes cannot be kept without allocating.
    let escaped: PackageGuiStatus<'_> = serde_json::from_str("\"Pull\\u0020Queue\"").unwrap();
    assert_eq!(escaped.recognized(), Some(GuiStatus::PullQueue));
    assert!(serde_json::from_str::<PackageStatus<'_>>("\"a\\nb\"").is_err());
    let number = serde_json::from_str::<PackageStatus<'_>>("5").unwrap_err();
    assert_eq!(
        number.to_string(),
        "invalid type: integer `5`, expected a VOD Dealer package status (query by id) (a borrowed string when unrecognised) at line 1 column 1"
    );
}

proptest! {
    #[test]
    fn parsers_never_panic_and_keep_the_text(text in any::<String>()) {
        let status = PackageStatus::parse(&text);
        prop_assert_eq!(status.as_str(), text.as_str());
        prop_assert_eq!(status.to_string(), text.as_str());
        let gui = PackageGuiStatus::parse(&text);
        prop_assert_eq!(gui.as_str(), text.as_str());
        if let Ok(id) = text.parse::<IdStatus>() {
            prop_assert_eq!(id.as_str(), text.as_str());
        }
        if let Ok(gui) = text.parse::<GuiStatus>() {
            prop_assert_eq!(gui.as_str(), text.as_str());
        }
    }

    #[test]
    fn near_names_are_kept_verbatim(
        index in 0..IdStatus::rows().len(),
        prefix in "[ a-zA-Z]{0,2}",
        suffix in "[ a-zA-Z\r\n]{0,2}",
    ) {
        let text = format!("{prefix}{}{suffix}", IdStatus::rows().nth(index).unwrap());
        let status = PackageStatus::parse(&text);
        prop_assert_eq!(status.to_string(), text.as_str());
        prop_assert_eq!(status.recognized().is_some(), IdStatus::from_name(&text).is_some());
    }
}

/// What a reported status says of its row: recognised, its row's stage and
/// description (by id and by GUI name); unrecognised, nothing.
#[test]
fn reported_statuses_answer_from_their_row() {
    let mut staged = 0;
    for id in IdStatus::rows() {
        let reported = PackageStatus::parse(id.as_str());
        assert_eq!(reported.stage(), id.row().stage(), "{id}");
        assert_eq!(reported.description(), Some(id.row().description), "{id}");
        staged += usize::from(reported.stage().is_some());
    }
    for gui in GuiStatus::rows() {
        let reported = PackageGuiStatus::parse(gui.as_str());
        assert_eq!(reported.stage(), gui.row().stage(), "{gui}");
    }
    // Most rows say where the package is; three do not (see `stage`).
    assert_eq!(staged, IdStatus::rows().len() - 3);
    let odd = PackageStatus::parse("reticulating");
    assert_eq!((odd.stage(), odd.description()), (None, None));
}
