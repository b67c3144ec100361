//! Fuzz target: `parse_request_head` never panics, rejects with a 4xx/5xx status, and as a push
//! parser never changes its mind when the same bytes arrive in two reads; the copy-free
//! `scan_request_head` path gives the same head.
#![no_main]

use bytes::BytesMut;
use cheroot_wire::{ParseOptions, Status, parse_request_head, scan_request_head};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the parser switches, so every mode gets explored.
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let opts = ParseOptions {
        proxy_mode: flags & 1 != 0,
        strict_mode: flags & 2 != 0,
        drop_underscore_headers: flags & 4 != 0,
        ..ParseOptions::default()
    };
    match parse_request_head(input, &opts) {
        Ok(Status::Complete((head, used))) => {
            assert!(
                used > 0 && used <= input.len(),
                "used {used} of {}",
                input.len()
            );
            // Exactly the consumed bytes give the same head...
            match parse_request_head(&input[..used], &opts) {
                Ok(Status::Complete((again, used_again))) => {
                    assert_eq!(used_again, used);
                    assert_eq!(again.method, head.method);
                    assert_eq!(again.version, head.version);
                    assert_eq!(again.target().raw(), head.target().raw());
                    assert_eq!(again.headers(), head.headers());
                }
                other => panic!("the consumed prefix parsed differently: {other:?}"),
            }
            // The scan, over bytes split off a read buffer, gives the same head.
            let mut read_buffer = BytesMut::from(input);
            match scan_request_head(&read_buffer, &opts) {
                Ok(Status::Complete(scanned)) => {
                    assert_eq!(scanned.used(), used);
                    let shared = scanned.into_head(read_buffer.split_to(used).freeze());
                    assert_eq!(shared, head);
                }
                other => panic!("the scan disagrees with the parse: {other:?}"),
            }
            // ...and any shorter prefix is just incomplete.
            for cut in [used - 1, used / 2] {
                match parse_request_head(&input[..cut], &opts) {
                    Ok(Status::Partial) => {}
                    other => panic!("prefix of {cut} bytes of a good head gave {other:?}"),
                }
            }
        }
        Ok(Status::Partial) => {}
        Err(e) => assert!((400..600).contains(&e.status()), "status {}", e.status()),
    }
});
