//! Fuzz target: the request form's input (`hogo_requests::RequestForm` from JSON, as the
//! CLI and the server read it) then `validate` never panic, for both answers to "does
//! the request concern a My Number". Run with `cargo fuzz run request_form -s none`.
#![no_main]

use chrono::NaiveDate;
use hogo_requests::RequestForm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(form) = serde_json::from_str::<RequestForm>(text) {
        let today = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
        let _ = form.validate(today, false);
        let _ = form.validate(today, true);
        let json = serde_json::to_string(&form).unwrap_or_default();
        let back: RequestForm = serde_json::from_str(&json).expect("a form round-trips");
        assert!(back == form);
    }
});
