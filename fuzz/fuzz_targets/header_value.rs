//! Fuzz target: a request header value is accepted exactly when the one header-text rule
//! (`cheroot_wire::is_field_value`, RFC 9110 §5.5) accepts it, and arrives trimmed of its
//! surrounding whitespace; the fast and the careful paths of the parser agree on it.
#![no_main]

use cheroot_wire::{ParseOptions, Status, is_field_value, parse_request_head, trim_ows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // CR and LF end the line: what they do is the head parser's business (its own target).
    // Long values are the size limit's business.
    if data.contains(&b'\r') || data.contains(&b'\n') || data.len() > 32 * 1024 {
        return;
    }
    // Both the first field (the fast path's `Host:` shortcut) and a later one.
    for prefix in [&b"X-Value: "[..], b"Host: a\r\nX-Value: "] {
        let mut head = b"GET / HTTP/1.1\r\n".to_vec();
        head.extend_from_slice(prefix);
        head.extend_from_slice(data);
        head.extend_from_slice(b"\r\n");
        if prefix.starts_with(b"X") {
            head.extend_from_slice(b"Host: a\r\n");
        }
        head.extend_from_slice(b"\r\n");
        let parsed = parse_request_head(&head, &ParseOptions::default());
        let want = is_field_value(data);
        match parsed {
            Ok(Status::Complete((head, _))) => {
                assert!(want, "accepted {data:?}");
                let value = head.headers().get("x-value").expect("the field");
                assert_eq!(&value[..], trim_ows(data));
            }
            Ok(Status::Partial) => panic!("a complete head is partial: {data:?}"),
            Err(err) => {
                assert_eq!(err.status(), 400, "{err}");
                assert!(!want, "refused {data:?}: {err}");
            }
        }
    }
});
